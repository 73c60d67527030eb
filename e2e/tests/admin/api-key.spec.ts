// An admin creates an API key in settings; the secret is shown once, and an integrator's plain HTTP
// call to identify with it finds the enrolled person. Revoked, the key is refused at once.
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { IDENTIFY_MUTATION, imageInput, unique, type IdentifyAnswer } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';

test('an admin creates an API key in settings and identify over HTTP with it answers MATCH', async ({
  page,
  seed,
  stack,
  users,
  capturePage,
}) => {
  test.setTimeout(120_000);
  const gallery = await seed.createGallery('api-key');
  const blair = await seed.enrolledIdentity(gallery.id, unique('Tony Blair'), [
    lfwImage('Tony_Blair', 2),
    lfwImage('Tony_Blair', 3),
  ]);
  await seed.enrolledIdentity(gallery.id, unique('Hugo Chavez'), [lfwImage('Hugo_Chavez', 1)]);

  await signIn(page, users.admin, '/settings');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const keys = page.getByRole('region', { name: 'API keys' });
  await keys.getByRole('button', { name: 'New API key' }).click();

  const keyName = unique('door-controller');
  const form = page.getByRole('dialog', { name: 'New API key' });
  await form.getByLabel('Name', { exact: true }).fill(keyName);
  // identify is ticked by default; limit the key to the gallery.
  await expect(form.getByRole('checkbox', { name: /^identify/ })).toBeChecked();
  await form.getByLabel('Gallery', { exact: true }).selectOption({ label: gallery.name });
  await form.getByRole('button', { name: 'Create key' }).click();

  const shown = page.getByRole('dialog', { name: 'Your new API key' });
  const secretField = shown.getByLabel(`Secret of “${keyName}”`);
  await expect(secretField).toBeVisible();
  const secret = await secretField.inputValue();
  expect(secret.length).toBeGreaterThan(20);
  await shown.getByRole('button', { name: 'I have stored it' }).click();
  await expect(shown).toBeHidden();

  // Afterwards only the prefix is listed, never the secret.
  const row = keys.getByRole('row').filter({ has: page.getByRole('rowheader', { name: keyName }) });
  await expect(row).toBeVisible();
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
  const prefix = (await row.locator('code').first().textContent())?.replace(/_…$/, '') ?? '';
  expect(prefix.length).toBeGreaterThan(0);
  expect(secret.startsWith(prefix)).toBe(true);
  await expect(page.getByText(secret)).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await capturePage('settings');

  // The integrator: plain fetch, bearer key, JSON body, another photo of an enrolled person.
  const probe = await imageInput(lfwImage('Tony_Blair', 5));
  const identifyWithKey = () =>
    fetch(`${stack.apiUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: IDENTIFY_MUTATION, variables: { galleryId: gallery.id, image: probe } }),
    });
  const response = await identifyWithKey();
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data?: { identify: IdentifyAnswer }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  const [face] = body.data?.identify.faces ?? [];
  expect(face?.decision).toBe('MATCH');
  expect(face?.identity?.id).toBe(blair.id);
  expect(face?.candidates[0]?.identity.id).toBe(blair.id);

  // The key's use is recorded and shown.
  await page.reload();
  const keyRow = page.getByRole('region', { name: 'API keys' }).getByRole('row').filter({ hasText: keyName });
  await expect(keyRow.getByText('never')).toHaveCount(0);

  // Revoking takes effect at once.
  await keyRow.getByRole('button', { name: `Revoke ${keyName}` }).click();
  await page
    .getByRole('alertdialog', { name: `Revoke “${keyName}”?` })
    .getByRole('button', { name: 'Revoke key' })
    .click();
  await expect(keyRow.getByText('Revoked', { exact: true })).toBeVisible();
  await expect(keyRow.getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
  const refused = (await (await identifyWithKey()).json()) as {
    errors?: Array<{ extensions?: { code?: string } }>;
  };
  expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});
