// An admin moves a gallery of two LFW people to Human MobileFace from its page: starts the migration,
// watches the faces re-embedded, sees shadow mode count an identify scored with both models and the
// error rates of both, switches (identify then answers with the new model), and rolls back.
import { readFile } from 'node:fs/promises';
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { signIn } from '../../support/sign-in.js';

test('an admin migrates a gallery to another model, switches and rolls back', async ({
  page,
  seed,
  users,
  stack,
  capturePage,
}) => {
  test.skip(!stack.recognition, 'needs the recognition engine');
  const gallery = await seed.createGallery('migration', undefined, null);
  const colin = await seed.enrolledIdentity(gallery.id, 'Colin Powell', [
    lfwImage('Colin_Powell', 1),
    lfwImage('Colin_Powell', 2),
  ]);
  await seed.enrolledIdentity(gallery.id, 'Hugo Chavez', [
    lfwImage('Hugo_Chavez', 1),
    lfwImage('Hugo_Chavez', 2),
  ]);

  await signIn(page, users.admin, `/galleries/${gallery.id}`);
  const panel = page.getByRole('region', { name: 'Model migration' });
  await expect(panel).toContainText('Current model: ResNet 128');
  await panel.getByLabel('Move to').selectOption({ label: 'Human MobileFace' });
  await panel.getByRole('button', { name: 'Start migration' }).click();
  await expect(panel.getByTestId('migration-status')).toHaveText('shadow mode', { timeout: 60_000 });
  await expect(panel).toContainText('4 of 4 faces re-embedded');

  const answer = await seed.identify(gallery.id, lfwImage('Colin_Powell', 3));
  expect(answer.faces[0]?.identity?.id).toBe(colin.id);
  await expect(panel.getByTestId('shadow-agreement')).toContainText('1 probe faces scored with both models', {
    timeout: 15_000,
  });
  await expect(panel.getByRole('table')).toContainText('Human MobileFace');
  await capturePage('gallery-model-migration-shadow');

  await panel.getByRole('button', { name: 'Switch to Human MobileFace' }).click();
  await expect(panel.getByTestId('migration-status')).toHaveText('switched');
  await expect(panel).toContainText('Current model: Human MobileFace');
  const switched = await seed.gql<{
    identify: { modelId: string; faces: Array<{ decision: string; identity: { id: string } | null }> };
  }>(
    'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { modelId faces { decision identity { id } } } }',
    { g: gallery.id, image: { base64: (await readFile(lfwImage('Colin_Powell', 3))).toString('base64') } },
  );
  expect(switched.identify.modelId).toBe('human-mobileface');
  expect(switched.identify.faces[0]).toEqual({ decision: 'MATCH', identity: { id: colin.id } });

  await panel.getByRole('button', { name: 'Roll back to ResNet 128' }).click();
  await expect(panel.getByTestId('migration-status')).toHaveText('shadow mode');
  await expect(panel).toContainText('Current model: ResNet 128');
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    'gallery page wider than the screen',
  ).toBe(0);
});
