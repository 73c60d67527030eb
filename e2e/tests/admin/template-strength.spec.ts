// HR sees an identity's template strength change as photos are enrolled: after one LFW photo the
// identity page says "1 of 3 recommended photos" and the list shows Weak 1/3; after two more photos
// of the same person it is Strong 3/3 and the advice is gone. At the laptop and the phone sizes.
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS, type ViewportName } from '../../support/viewports.js';

/** Three photos of one person, each one face of good quality (score at least 0.75). */
const PHOTOS = [1, 2, 3].map((n) => lfwImage('Ann_Veneman', n));

for (const viewport of ['desktop', 'phone'] as ViewportName[]) {
  test(`template strength grows from 1 to 3 photos (${viewport})`, async ({
    page,
    seed,
    users,
    capturePage,
  }) => {
    test.setTimeout(180_000);
    await page.setViewportSize(VIEWPORTS[viewport]);
    const gallery = await seed.createGallery(`strength-${viewport}`);
    const identity = await seed.createIdentity(gallery.id, `Ann Veneman ${viewport}`);
    await signIn(page, users.hr, `/identities/${identity.id}`);
    await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (0)' })).toBeVisible();
    const strength = page.locator('p.template-strength');
    await expect(strength).toContainText('0 of 3 recommended photos');

    const input = page.locator('input[type=file][multiple]');
    await input.setInputFiles(PHOTOS.slice(0, 1));
    await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (1)' })).toBeVisible({
      timeout: 60_000,
    });
    await expect(strength).toContainText('Weak 1/3');
    await expect(strength).toContainText(
      '1 of 3 recommended photos: add 2 photos from another angle or day.',
    );
    await strength.scrollIntoViewIfNeeded();
    await capturePage(`template-strength-weak-${viewport}`);

    await input.setInputFiles(PHOTOS.slice(1));
    await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (3)' })).toBeVisible({
      timeout: 90_000,
    });
    await expect(strength).toContainText('Strong 3/3');
    await expect(strength).toContainText('enough for identify');
    await expect(strength).not.toContainText('recommended photos');

    await page.goto(`/identities?gallery=${gallery.id}`);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: identity.displayName }) });
    const badge = row.getByText('Strong 3/3');
    await expect(badge).toBeVisible();
    // On a phone the table scrolls sideways inside its frame; the page itself does not.
    await badge.scrollIntoViewIfNeeded();
    await capturePage(`template-strength-list-${viewport}`);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      'identity list wider than the screen',
    ).toBe(0);
  });
}
