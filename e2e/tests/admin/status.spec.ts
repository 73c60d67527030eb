// The admin's home page shows the server's health, at both supported sizes and from the keyboard.
import { expect, test } from '../../support/fixtures.js';
import type { HealthReport } from '../../support/stack.js';
import { VIEWPORTS } from '../../support/viewports.js';

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test.describe(`status page at ${viewport.width}x${viewport.height}`, () => {
    test.use({ viewport });

    test('shows that the server is ready on the embedded PGlite', async ({
      page,
      request,
      stack,
      capturePage,
    }) => {
      const health = (await (await request.get(`${stack.apiUrl}/healthz`)).json()) as HealthReport;
      const { total } = health.migrations;

      await page.goto('/');

      await expect(page).toHaveTitle('FaceLedger');
      await expect(page.getByRole('heading', { level: 1, name: 'Service status' })).toBeVisible();
      const panel = page.getByTestId('health');
      await expect(panel.getByText('Ready', { exact: true })).toBeVisible();
      await expect(panel.getByText('Embedded PGlite', { exact: true })).toBeVisible();
      await expect(panel.getByText(new RegExp(`^${total} of ${total} applied`))).toBeVisible();
      // The scheduler's tasks, as /healthz lists them.
      const tasks = panel.getByTestId('background-tasks').getByRole('listitem');
      await expect(tasks).toHaveCount(health.backgroundTasks.length);
      await expect(tasks.filter({ hasText: 'probe-retention' })).toContainText('every 3600 s');
      // Usable at this width: nothing forces a horizontal scroll.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);

      await capturePage(`status-${name}`);
    });

    test('Tab reaches the skip link first and it moves focus to the main region', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByTestId('health')).toBeVisible();

      await page.keyboard.press('Tab');
      const skipLink = page.getByRole('link', { name: 'Skip to content' });
      await expect(skipLink).toBeFocused();
      await expect(skipLink).toBeInViewport();

      await page.keyboard.press('Enter');
      await expect(page.getByRole('main')).toBeFocused();
    });
  });
}
