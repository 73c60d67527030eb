// A reviewer rejects a match in the review queue and it leaves the queue. The event is made through
// the API: an identify whose score lies within 0.05 of the threshold needs review
// (apps/server/src/modules/reviews: |top score - threshold| <= 0.05, or flagged). Then the rejected
// probe, identified again, is demoted (negative exemplar) and flagged; the r shortcut rejects it.
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { unique } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';

test('a reviewer rejects a near-threshold match in the review queue and it leaves the queue', async ({
  page,
  seed,
  users,
  capturePage,
}) => {
  test.setTimeout(120_000);
  const gallery = await seed.createGallery('reviews');
  const chavez = await seed.enrolledIdentity(gallery.id, unique('Hugo Chavez'), [lfwImage('Hugo_Chavez', 1)]);
  await seed.enrolledIdentity(gallery.id, unique('Jacques Chirac'), [lfwImage('Jacques_Chirac', 1)]);

  // Another photo of the same man: read its score, then move the gallery's threshold just under it,
  // so the same probe is a MATCH that lies near the threshold.
  const probe = lfwImage('Hugo_Chavez', 2);
  // (A threshold far below the score, so this first event needs no review.)
  const first = await seed.identify(gallery.id, probe, 0.5);
  const score = first.faces[0]?.candidates[0]?.score ?? 0;
  expect(first.faces[0]?.candidates[0]?.identity.id).toBe(chavez.id);
  const threshold = Math.round((score - 0.02) * 1000) / 1000;
  await seed.updateGalleryThreshold(gallery.id, threshold);
  const second = await seed.identify(gallery.id, probe);
  const event = second.faces[0];
  expect(event?.decision).toBe('MATCH');
  expect(second.threshold).toBeCloseTo(threshold, 5);
  const { matchEvent: before } = await seed.gql<{ matchEvent: { needsReview: boolean } }>(
    'query E($id: ID!) { matchEvent(id: $id) { needsReview } }',
    { id: event?.eventId },
  );
  expect(before.needsReview).toBe(true);

  await signIn(page, users.reviewer, '/reviews');
  await expect(page.getByRole('heading', { level: 1, name: 'Review queue' })).toBeVisible();
  await page.getByLabel('Gallery').selectOption({ label: gallery.name });
  const queue = page.getByRole('list', { name: /^Events needing review/ });
  const cards = queue.getByRole('article');
  await expect(cards).toHaveCount(1);
  const card = cards.first();
  await expect(card.getByRole('heading', { name: new RegExp(`^Identify in ${gallery.name}`) })).toBeVisible();
  await expect(card.getByText('Near the threshold')).toBeVisible();
  await expect(card.getByRole('radio', { name: new RegExp(`^1\\. ${chavez.displayName}`) })).toBeChecked();
  // The probe photo with the box of the face this event is about drawn over it.
  const probePhoto = card.getByRole('img', { name: /^Probe photo .*, the face under review outlined$/ });
  await expect(probePhoto.locator('rect')).toHaveCount(1);
  await capturePage('reviews');

  await card.getByLabel('Note (optional)').fill('Not the same person on closer look.');
  await card.getByRole('button', { name: /^Reject/ }).click();

  await expect(page.getByRole('status').filter({ hasText: `Rejected ${chavez.displayName}` })).toBeVisible();
  await expect(cards).toHaveCount(0);
  await expect(page.getByText('Nothing needs review right now.')).toBeVisible();

  // Still gone after a reload, and the API has the verdict.
  await page.reload();
  await page.getByLabel('Gallery').selectOption({ label: gallery.name });
  await expect(page.getByText('Nothing needs review right now.')).toBeVisible();
  const { matchEvent } = await seed.gql<{
    matchEvent: {
      needsReview: boolean;
      reviews: Array<{
        verdict: string;
        note: string;
        identity: { id: string } | null;
        reviewerEmail: string | null;
      }>;
    };
  }>(
    'query E($id: ID!) { matchEvent(id: $id) { needsReview reviews { verdict note identity { id } reviewerEmail } } }',
    {
      id: event?.eventId,
    },
  );
  expect(matchEvent.needsReview).toBe(false);
  expect(matchEvent.reviews).toEqual([
    {
      verdict: 'REJECT',
      note: 'Not the same person on closer look.',
      identity: { id: chavez.id },
      reviewerEmail: users.reviewer.email,
    },
  ]);

  // The reject made the probe a negative exemplar: the same photo is no longer a MATCH for him, and
  // that event is flagged for review. The keyboard shortcut r rejects it too.
  const third = await seed.identify(gallery.id, probe);
  expect(third.faces[0]?.decision).not.toBe('MATCH');
  expect(third.faces[0]?.candidates[0]).toMatchObject({ demoted: true, identity: { id: chavez.id } });
  await page.reload();
  await page.getByLabel('Gallery').selectOption({ label: gallery.name });
  await expect(cards).toHaveCount(1);
  await expect(cards.first().getByText('Flagged: demoted or suspended')).toBeVisible();
  await cards.first().getByRole('heading', { level: 2 }).click(); // makes it the active card
  await page.keyboard.press('r');
  // The confirmation comes once the review is committed; the card may leave the list before that.
  await expect(page.getByRole('status').filter({ hasText: `Rejected ${chavez.displayName}` })).toBeVisible();
  await expect(cards).toHaveCount(0);
  await expect(page.getByText('Nothing needs review right now.')).toBeVisible();
  const { matchEvent: flagged } = await seed.gql<{
    matchEvent: { needsReview: boolean; reviews: Array<{ verdict: string }> };
  }>('query E($id: ID!) { matchEvent(id: $id) { needsReview reviews { verdict } } }', {
    id: third.faces[0]?.eventId,
  });
  expect(flagged).toEqual({ needsReview: false, reviews: [{ verdict: 'REJECT' }] });
});
