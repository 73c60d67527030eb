// A reviewer clears correct results without teaching the system, and a gallery that requires two
// reviewers counts an identification only after two different people confirmed it; at 1280x800 and
// at 390x844. A stranger's near-threshold "unknown" is marked Correct: unknown, a near-threshold
// match is dismissed with the d key; both leave the queue, and the dismissed probe is not demoted the
// next time (a Reject would demote it). The probe photo is shown large. Then an admin makes the
// gallery require two confirmations on the same page: one reviewer's Confirm leaves the event in the
// queue (1 of 2, their Confirm disabled), a second reviewer's Confirm settles it.
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { unique } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS, type ViewportName } from '../../support/viewports.js';

interface EventState {
  needsReview: boolean;
  confirmations: number;
  confirmed: boolean;
  reviews: Array<{ verdict: string; identity: { id: string } | null }>;
}

const EVENT = `query E($id: ID!) {
  matchEvent(id: $id) { needsReview confirmations confirmed reviews { verdict identity { id } } }
}`;

for (const viewport of ['desktop', 'phone'] as const satisfies readonly ViewportName[]) {
  test.describe(`review verdicts at ${viewport} size`, () => {
    test.use({ viewport: VIEWPORTS[viewport] });

    test('Correct: unknown and Dismiss teach nothing, and two reviewers confirm where the gallery requires two', async ({
      page,
      browser,
      seed,
      users,
      consoleErrors,
      capturePage,
    }) => {
      test.setTimeout(180_000);
      const gallery = await seed.createGallery('two reviewers');
      const chavez = await seed.enrolledIdentity(gallery.id, unique('Hugo Chavez'), [
        lfwImage('Hugo_Chavez', 1),
      ]);
      const state = async (id: string | undefined) =>
        (await seed.gql<{ matchEvent: EventState }>(EVENT, { id })).matchEvent;

      // A stranger whose top score lies just under the threshold: a correct "unknown" that needs review.
      const strangerScore = (await seed.identify(gallery.id, lfwImage('Jacques_Chirac', 1), 0.1)).faces[0]
        ?.candidates[0]?.score;
      const stranger = (
        await seed.identify(gallery.id, lfwImage('Jacques_Chirac', 1), (strangerScore ?? 0) + 0.02)
      ).faces[0];
      expect(stranger?.decision).toBe('UNKNOWN');
      // Another photo of him just over the threshold: a near-threshold match.
      const probe = lfwImage('Hugo_Chavez', 2);
      const score = (await seed.identify(gallery.id, probe, 0.5)).faces[0]?.candidates[0]?.score ?? 0;
      const near = Math.round((score - 0.02) * 1000) / 1000;
      const match = (await seed.identify(gallery.id, probe, near)).faces[0];
      expect(match?.decision).toBe('MATCH');

      await signIn(page, users.reviewer, '/reviews');
      await page.getByLabel('Gallery').selectOption({ label: gallery.name });
      const cards = page.getByRole('list', { name: /^Events needing review/ }).getByRole('article');
      await expect(cards).toHaveCount(2);
      await expect(page.getByText('One reviewer confirms an identification.')).toBeVisible();

      // The probe photo is large enough to judge: most of the card's width on a phone, over 300 px.
      const strangerCard = cards.filter({ hasText: 'Decided: unknown' });
      const probePhoto = strangerCard.getByRole('img', { name: /^Probe photo / });
      await expect(probePhoto).toBeVisible();
      const box = await probePhoto.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThanOrEqual(300);
      await capturePage(`reviews-verdicts-${viewport}`);

      await strangerCard.getByRole('button', { name: /^Correct: unknown/ }).click();
      await expect(page.getByRole('status').filter({ hasText: /^Marked unknown \(event of / })).toBeVisible();
      await expect(cards).toHaveCount(1);

      // The d key dismisses the active card.
      await cards.first().getByRole('heading', { level: 2 }).click();
      await page.keyboard.press('d');
      await expect(page.getByRole('status').filter({ hasText: /^Dismissed \(event of / })).toBeVisible();
      await expect(page.getByText('Nothing needs review right now.')).toBeVisible();
      expect(await state(stranger?.eventId)).toMatchObject({
        needsReview: false,
        reviews: [{ verdict: 'UNKNOWN', identity: null }],
      });
      expect(await state(match?.eventId)).toMatchObject({
        needsReview: false,
        reviews: [{ verdict: 'DISMISS', identity: null }],
      });
      // Nothing was learned: the same probe still matches him, not demoted.
      const again = (await seed.identify(gallery.id, probe, near)).faces[0];
      expect(again?.decision).toBe('MATCH');
      expect(again?.candidates[0]).toMatchObject({ demoted: false, identity: { id: chavez.id } });
      // (that event itself is near the threshold; clear it so the queue below holds only the next one)
      await seed.gql('mutation D($id: ID!) { reviewMatch(eventId: $id, verdict: DISMISS) { id } }', {
        id: again?.eventId,
      });

      // An admin makes the gallery require two reviewers, on the review queue page.
      const adminContext = await browser.newContext({ viewport: VIEWPORTS[viewport] });
      consoleErrors.watch(adminContext);
      const adminPage = await adminContext.newPage();
      await signIn(adminPage, users.admin, '/reviews');
      await adminPage.getByLabel('Gallery').selectOption({ label: gallery.name });
      const policy = adminPage.getByLabel('Confirmations required');
      await expect(policy).toHaveValue('1');
      await policy.selectOption({ label: 'Two different reviewers' });
      await expect
        .poll(
          async () =>
            (
              await seed.gql<{ gallery: { requiredConfirmations: number } }>(
                'query G($id: ID!) { gallery(id: $id) { requiredConfirmations } }',
                { id: gallery.id },
              )
            ).gallery.requiredConfirmations,
        )
        .toBe(2);
      await adminContext.close();
      // An identification far above the threshold now waits for two reviewers.
      const identified = (await seed.identify(gallery.id, lfwImage('Hugo_Chavez', 3), 0.5)).faces[0];
      expect(identified?.decision).toBe('MATCH');
      await page.reload();
      await page.getByLabel('Gallery').selectOption({ label: gallery.name });
      await expect(
        page.getByText('This gallery counts an identification once two different reviewers confirm it.'),
      ).toBeVisible();
      await expect(cards).toHaveCount(1);
      const card = cards.first();
      await expect(card.getByText('Confirmations 0 of 2')).toBeVisible();
      await card.getByRole('button', { name: /^Confirm/ }).click();
      await expect(
        page
          .getByRole('status')
          .filter({ hasText: '1 of 2 confirmations; another reviewer must confirm it.' }),
      ).toBeVisible();
      // Back in the queue for the next reviewer; this one cannot confirm it again.
      await expect(card.getByText('Confirmations 1 of 2')).toBeVisible();
      await expect(card.getByText('You confirmed it already', { exact: false })).toBeVisible();
      await expect(card.getByRole('button', { name: /^Confirm/ })).toBeDisabled();
      expect(await state(identified?.eventId)).toMatchObject({
        needsReview: true,
        confirmations: 1,
        confirmed: false,
      });

      // A second reviewer confirms it: now it counts and leaves the queue.
      const other = await seed.createUser('REVIEWER');
      const context = await browser.newContext({ viewport: VIEWPORTS[viewport] });
      consoleErrors.watch(context);
      const second = await context.newPage();
      await signIn(second, other, '/reviews');
      await second.getByLabel('Gallery').selectOption({ label: gallery.name });
      const secondCards = second.getByRole('list', { name: /^Events needing review/ }).getByRole('article');
      await expect(secondCards).toHaveCount(1);
      await expect(
        secondCards.first().getByText(`Confirmed so far by ${users.reviewer.email}.`, { exact: false }),
      ).toBeVisible();
      await secondCards
        .first()
        .getByRole('button', { name: /^Confirm/ })
        .click();
      await expect(
        second.getByRole('status').filter({ hasText: `Confirmed ${chavez.displayName}` }),
      ).toBeVisible();
      await expect(second.getByText('Nothing needs review right now.')).toBeVisible();
      expect(await state(identified?.eventId)).toMatchObject({
        needsReview: false,
        confirmations: 2,
        confirmed: true,
      });
      await context.close();
    });
  });
}
