// Role-aware navigation: each role sees only the pages it may use, and a direct URL to another page
// gives a clear "no access" message instead of the page (or a crash). Visitors go to sign-in.
import { expect, test } from '../../support/fixtures.js';
import { signIn } from '../../support/sign-in.js';

/** What each role's main navigation lists (issue 5: HR enrollment, REVIEWER reviews, AUDITOR audit). */
const NAVIGATION = {
  hr: ['Status', 'Galleries', 'Identities', 'Identify', 'Imports'],
  reviewer: ['Status', 'Identify', 'Reviews', 'Cameras'],
  auditor: ['Status', 'Audit', 'Evaluation', 'Cameras'],
} as const;

/** Pages each role may not open, reached by typing their URL. */
const FORBIDDEN = {
  hr: ['/audit', '/reviews', '/settings', '/evaluation'],
  reviewer: ['/identities', '/audit', '/settings', '/imports'],
  auditor: ['/settings', '/identities', '/galleries', '/reviews', '/imports', '/identify', '/cameras/alerts'],
} as const;

/** Where each role lands after signing in without a page to return to (lib/access.ts HOME). */
const HOME = { admin: '/', hr: '/galleries', reviewer: '/reviews', auditor: '/audit' } as const;

const EVERY_PAGE = [
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
];

for (const role of ['auditor', 'reviewer', 'hr'] as const) {
  test(`${role} sees only their navigation and "no access" on other pages' URLs`, async ({
    page,
    users,
    capturePage,
  }) => {
    const user = users[role];
    await signIn(page, user);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link')).toHaveText([...NAVIGATION[role]]);
    for (const label of EVERY_PAGE.filter((l) => !(NAVIGATION[role] as readonly string[]).includes(l))) {
      await expect(nav.getByRole('link', { name: label, exact: true })).toHaveCount(0);
    }

    for (const [index, url] of FORBIDDEN[role].entries()) {
      await page.goto(url);
      const main = page.getByRole('main');
      await expect(
        main.getByRole('heading', { level: 1, name: "You don't have access to this page" }),
      ).toBeVisible();
      await expect(main.getByText(`Your role (${user.role}) may not open this page`)).toBeVisible();
      await expect(main.getByRole('heading', { level: 1 })).toHaveCount(1);
      await expect(main.getByRole('link', { name: 'Go to your home page' })).toHaveAttribute(
        'href',
        HOME[role],
      );
      // Still signed in, still the same navigation.
      await expect(nav.getByRole('link')).toHaveText([...NAVIGATION[role]]);
      if (index === 0) await capturePage(`no-access-${role}`);
    }
  });
}

test('a visitor who is not signed in is sent to sign-in and comes back after it', async ({ page, users }) => {
  await page.goto('/audit');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faudit$/);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveText(['Status']);
  await page.getByLabel('Email').fill(users.auditor.email);
  await page.getByLabel('Password').fill(users.auditor.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto('/audit');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faudit$/);
});

test('after signing in, each role lands on the page with its next step, and HR on its galleries', async ({
  page,
  seed,
  users,
  capturePage,
}) => {
  const gallery = await seed.createGallery('HR home');
  const headings = {
    admin: 'Service status',
    hr: 'Galleries',
    reviewer: 'Review queue',
    auditor: 'Audit log',
  };
  for (const role of ['admin', 'reviewer', 'auditor', 'hr'] as const) {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(users[role].email);
    await page.getByLabel('Password').fill(users[role].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL((url) => url.pathname === HOME[role]);
    await expect(page.getByRole('heading', { level: 1, name: headings[role] })).toBeVisible();
    if (role === 'hr') break;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
  }

  // HR's next steps are on each gallery's row: enroll people one by one, or import many.
  await expect(page.getByRole('link', { name: `Enroll people in ${gallery.name}` })).toHaveAttribute(
    'href',
    `/identities?gallery=${gallery.id}`,
  );
  await capturePage('hr-home');
  await page.getByRole('link', { name: `Import people into ${gallery.name}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bulk import' })).toBeVisible();
  await expect(page.getByLabel('Gallery')).toHaveValue(gallery.id);
});

test('a wrong password is refused with a message that does not say which field was wrong', async ({
  page,
  users,
}) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(users.hr.email);
  await page.getByLabel('Password').fill('not-the-password-at-all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('main').getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(alert).not.toHaveText(/password is wrong|unknown email|no such user/i);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveText(['Status']);
});
