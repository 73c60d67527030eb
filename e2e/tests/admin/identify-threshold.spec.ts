// An admin sees a gallery's identify target and its calibrated identify threshold, sets an identify
// threshold override below the calibrated one, and the gallery page warns that the estimated share
// of strangers answered MATCH is above the target; clearing the override removes the warning. At the
// laptop and the phone sizes.
import { expect, test } from '../../support/fixtures.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS, type ViewportName } from '../../support/viewports.js';

for (const viewport of ['desktop', 'phone'] as ViewportName[]) {
  test(`an identify threshold override below the calibrated one shows a warning (${viewport})`, async ({
    page,
    seed,
    users,
    capturePage,
  }) => {
    await page.setViewportSize(VIEWPORTS[viewport]);
    const gallery = await seed.createGallery(`identify-${viewport}`, undefined, null);
    await signIn(page, users.admin, `/galleries/${gallery.id}`);
    await expect(page.getByRole('heading', { level: 1, name: gallery.name })).toBeVisible();

    const threshold = page.getByTestId('identify-threshold');
    await expect(threshold).toContainText('calibrated for this size');
    const calibrated = Number((await threshold.textContent())!.split(' ')[0]);
    expect(calibrated).toBeGreaterThan(0.95);
    await expect(page.getByText('at most 1 in 100 strangers answered MATCH')).toBeVisible();
    await expect(page.getByTestId('identify-threshold-warning')).toHaveCount(0);

    const override = page.getByLabel('Identify threshold override (optional)');
    await override.fill('0.93');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    await expect(threshold).toHaveText('0.9300 (override)');
    const warning = page.getByTestId('identify-threshold-warning');
    await expect(warning).toBeVisible();
    await expect(warning).toContainText('more than its target of 1 in 100');
    await warning.scrollIntoViewIfNeeded();
    await capturePage(`gallery-identify-threshold-warning-${viewport}`);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      'gallery page wider than the screen',
    ).toBe(0);

    await page.getByLabel('Identify threshold override (optional)').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(threshold).toContainText('calibrated for this size');
    await expect(page.getByTestId('identify-threshold-warning')).toHaveCount(0);
  });
}
