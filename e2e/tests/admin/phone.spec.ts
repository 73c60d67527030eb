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

test('the top bar keeps to two lines on a phone: the navigation is behind a Menu button', async ({
  page,
  users,
  capturePage,
}) => {
  await signIn(page, users.admin);
  const banner = page.getByRole('banner');
  const nav = banner.getByRole('navigation', { name: 'Main' });
  const menu = nav.getByRole('button', { name: 'Menu' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(nav.getByRole('link', { name: 'Settings' })).toBeHidden();
  // Brand, Menu, the user and Sign out lie on two rows (the admin has ten pages to navigate to).
  const rows = await banner.evaluate((header) => {
    const parts = ['.brand', '.menu-button', '.who', '.account .button'].map((selector) =>
      header.querySelector(selector)?.getBoundingClientRect(),
    );
    return new Set(parts.map((box) => (box ? Math.round((box.top + box.bottom) / 2 / 8) : -1))).size;
  });
  expect(rows).toBeLessThanOrEqual(2);
  await capturePage('top-bar-phone');

  // Opened by keyboard, it lists every page; Escape closes it and gives focus back to Menu.
  await menu.focus();
  await page.keyboard.press('Enter');
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(nav.getByRole('link')).toHaveText([
    'Status',
    'Galleries',
    'Identities',
    'Identify',
    'Reviews',
    'Audit',
    'Settings',
    'Imports',
    'Evaluation',
    'Cameras',
  ]);
  await capturePage('top-bar-phone-menu');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Escape');
  await expect(nav.getByRole('link', { name: 'Settings' })).toBeHidden();
  await expect(menu).toBeFocused();

  // Opening a page from the menu closes it.
  await page.keyboard.press('Space');
  await nav.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
});
