// The main pages at the phone size (390x844): each opens for an admin without forcing a horizontal
// scroll of the page, and is captured as <page>-phone.
import { expect, test } from '../../support/fixtures.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS } from '../../support/viewports.js';

const PAGES = [
  { path: '/galleries', heading: 'Galleries' },
  { path: '/identities', heading: 'Identities' },
  { path: '/identify', heading: 'Identify' },
  { path: '/reviews', heading: 'Review queue' },
  { path: '/audit', heading: 'Audit log' },
  { path: '/settings', heading: 'Settings' },
  { path: '/imports', heading: 'Bulk import' },
  { path: '/evaluation', heading: 'Evaluation' },
] as const;

test.use({ viewport: VIEWPORTS.phone });

test('the main pages fit a phone screen', async ({ page, users, capturePage }) => {
  await signIn(page, users.admin);
  const overflowing: string[] = [];
  for (const { path, heading } of PAGES) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page.getByText(/^Loading/)).toHaveCount(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) overflowing.push(`${path} (${overflow}px)`);
    await capturePage(`${path.slice(1)}-phone`);
  }
  expect(overflowing, 'pages wider than the phone screen').toEqual([]);
});
