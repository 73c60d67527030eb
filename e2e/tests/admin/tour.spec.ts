// An admin's pass over the pages the other journeys do not reach: creating a gallery through the form,
// the identify playground with a real photo, and the evaluation page; each is captured.
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { unique } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';

test('an admin creates a gallery, identifies a photo in the playground, and opens evaluation', async ({
  page,
  seed,
  users,
  capturePage,
}) => {
  test.setTimeout(120_000);
  await signIn(page, users.admin, '/galleries');
  await expect(page.getByRole('heading', { level: 1, name: 'Galleries' })).toBeVisible();

  // Create a gallery with the form (ADMIN and HR may).
  const name = unique('Front desk');
  await page.goto('/galleries/new');
  await expect(page.getByRole('heading', { level: 1, name: 'New gallery' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Match threshold', { exact: true }).fill('0.91');
  await page.getByLabel('Probe image retention (days)').fill('7');
  await capturePage('gallery-new');
  await page.getByRole('button', { name: 'Create gallery' }).click();
  await expect(page).toHaveURL(/\/galleries$/);
  await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
  await capturePage('galleries');

  const { galleries } = await seed.gql<{
    galleries: Array<{ id: string; name: string; matchThreshold: number; probeRetentionDays: number }>;
  }>('{ galleries { id name matchThreshold probeRetentionDays } }');
  const gallery = galleries.find((g) => g.name === name);
  expect(gallery).toMatchObject({ matchThreshold: 0.91, probeRetentionDays: 7 });
  const capriati = await seed.enrolledIdentity(gallery?.id ?? '', unique('Jennifer Capriati'), [
    lfwImage('Jennifer_Capriati', 1),
  ]);
  await seed.enrolledIdentity(gallery?.id ?? '', unique('Lleyton Hewitt'), [lfwImage('Lleyton_Hewitt', 1)]);

  // The gallery page.
  await page.getByRole('link', { name: `Edit ${name}` }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await capturePage('gallery');

  // Identify playground: another photo of an enrolled person is boxed and matched.
  await page.goto('/identify');
  await expect(page.getByRole('heading', { level: 1, name: 'Identify' })).toBeVisible();
  await page.getByLabel('Gallery').selectOption({ label: `${name} (2)` });
  await page.locator('input[type=file]').setInputFiles(lfwImage('Jennifer_Capriati', 2));
  const faces = page.getByRole('list', { name: 'Faces found' });
  await expect(faces).toBeVisible({ timeout: 60_000 });
  await expect(faces.getByRole('heading', { level: 3 })).toHaveText(
    new RegExp(`^Face 1:\\s*Match\\s*${capriati.displayName}`),
  );
  await capturePage('identify');

  // Evaluation (admins and auditors).
  await page.goto('/evaluation');
  await expect(page.getByRole('heading', { level: 1, name: 'Evaluation' })).toBeVisible();
  await capturePage('evaluation');
});
