// HR enrolls people: creates a gallery with the form, then two LFW people by uploading photos on
// their identity pages, one by choosing files and one by dropping them on the drop zone (a photo
// without a face is refused with the reason), then ten people at once with a bulk import, and an
// import with rows that fail (one of them names two photos, one of which was not uploaded).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../../support/fixtures.js';
import { lfwImage, noFacePng } from '../../support/photos.js';
import { unique, type SeedGallery } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';

/** Ten LFW people whose first photo is good enough to enroll (one face, no quality refusal). */
const IMPORT_PEOPLE = [
  'Andre_Agassi',
  'Tom_Ridge',
  'Silvio_Berlusconi',
  'Megawati_Sukarnoputri',
  'Vicente_Fox',
  'David_Beckham',
  'Tiger_Woods',
  'Pete_Sampras',
  'Lindsay_Davenport',
  'Gray_Davis',
];

/** Creates an identity from the identities list of `gallery` and lands on its page. */
async function createIdentity(page: Page, gallery: SeedGallery, name: string): Promise<string> {
  await page.goto(`/identities?gallery=${gallery.id}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Identities' })).toBeVisible();
  await expect(page.getByLabel('Gallery')).toHaveValue(gallery.id);
  await page.getByRole('button', { name: 'New identity' }).click();
  const dialog = page.getByRole('dialog', { name: `New identity in ${gallery.name}` });
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('External ID').fill(unique('emp'));
  await dialog.getByRole('button', { name: 'Create identity' }).click();
  await expect(page).toHaveURL(/\/identities\/[^/?]+$/);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  return new URL(page.url()).pathname.split('/').pop() ?? '';
}

/** Drops `files` (JPEG paths) onto the enrollment drop zone, as a drag from the desktop does. */
async function dropFiles(page: Page, files: string[]): Promise<void> {
  const payload = await Promise.all(
    files.map(async (file) => ({
      name: path.basename(file),
      base64: (await readFile(file)).toString('base64'),
    })),
  );
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: 'image/jpeg' }));
    }
    return transfer;
  }, payload);
  const zone = page.locator('.dropzone').filter({ hasText: 'Drop photos here' });
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

/** The card of one uploaded file in the enrollment list. */
function uploadCard(page: Page, fileName: string) {
  return page
    .getByRole('list', { name: 'Photos to enroll' })
    .getByRole('listitem')
    .filter({ hasText: fileName });
}

test.describe('HR enrollment', () => {
  test('HR enrolls two people by upload, and a photo without a face is refused', async ({
    page,
    seed,
    users,
    capturePage,
  }) => {
    test.setTimeout(120_000);
    await page.goto('/sign-in');
    await capturePage('sign-in');
    await signIn(page, users.hr, '/galleries');

    // HR opens a gallery for the people it enrolls (changing it afterwards is for admins).
    const galleryName = unique('HR enrollment');
    await page.getByRole('link', { name: 'New gallery' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'New gallery' })).toBeVisible();
    await page.getByLabel('Name', { exact: true }).fill(galleryName);
    // a new gallery starts at the default model's pair threshold, not at a value every stranger passes
    await expect(page.getByLabel('Match threshold', { exact: true })).toHaveValue('0.91');
    // ... and follows the chosen model's own scale until someone sets it
    const model = page.getByLabel('Recognition model');
    await model.selectOption({ label: 'Human MobileFace (fastest)' });
    await expect(page.getByLabel('Match threshold', { exact: true })).toHaveValue('0.17');
    await model.selectOption({ label: "The server's default" });
    await expect(page.getByLabel('Match threshold', { exact: true })).toHaveValue('0.91');
    await page.getByRole('button', { name: 'Create gallery' }).click();
    await expect(page).toHaveURL(/\/galleries$/);
    await expect(page.getByRole('link', { name: galleryName, exact: true })).toBeVisible();
    const { galleries } = await seed.gql<{ galleries: SeedGallery[] }>(
      '{ galleries { id name matchThreshold } }',
    );
    const gallery = galleries.find((g) => g.name === galleryName);
    if (!gallery) throw new Error(`gallery ${galleryName} was not created`);
    // HR's navigation is about enrollment.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Identities' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Settings' })).toHaveCount(0);

    const people = [
      { name: unique('Colin Powell'), photos: [lfwImage('Colin_Powell', 1), lfwImage('Colin_Powell', 2)] },
      { name: unique('Laura Bush'), photos: [lfwImage('Laura_Bush', 1), lfwImage('Laura_Bush', 3)] },
    ];
    for (const [index, person] of people.entries()) {
      await createIdentity(page, gallery, person.name);
      await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (0)' })).toBeVisible();

      if (index === 0) {
        // The drop zone's file input ("Choose photos…") takes several photos at once.
        await page.locator('input[type=file][multiple]').setInputFiles(person.photos);
      } else {
        // Dragging the photos onto the drop zone.
        await dropFiles(page, person.photos);
      }
      for (const photo of person.photos) {
        const card = uploadCard(page, photo.split('/').pop() ?? '');
        await expect(card.getByText('Enrolled.', { exact: true })).toBeVisible({ timeout: 60_000 });
        await expect(
          card.getByRole('button', { name: /^Clear .* from this list \(it stays enrolled\)$/ }),
        ).toBeVisible();
      }
      await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (2)' })).toBeVisible();
      await expect(page.getByRole('list', { name: 'Enrolled faces' }).locator(':scope > li')).toHaveCount(2);

      if (index === 0) {
        // A picture without a face: refused with the reason, nothing enrolled.
        await page.locator('input[type=file][multiple]').setInputFiles({
          name: 'gradient-no-face.png',
          mimeType: 'image/png',
          buffer: await noFacePng(),
        });
        const refused = uploadCard(page, 'gradient-no-face.png');
        await expect(refused.getByText('No face was found in the image.', { exact: false })).toBeVisible({
          timeout: 60_000,
        });
        await expect(refused.getByRole('button', { name: 'Retry with another photo…' })).toBeVisible();
        await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (2)' })).toBeVisible();
        await capturePage('identity-enrollment');
      }
    }

    // Both appear in the gallery's table with their two faces.
    await page.goto(`/identities?gallery=${gallery.id}`);
    const table = page.getByRole('table');
    for (const person of people) {
      const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: person.name }) });
      await expect(row.getByRole('cell').nth(2)).toHaveText('2'); // External ID, Status, Faces
    }
    await expect(page.getByText('2 identities.', { exact: true })).toBeVisible();
    await capturePage('identities');
  });

  test('HR bulk-imports ten people from a CSV and the progress bar reaches 100%', async ({
    page,
    seed,
    users,
    capturePage,
  }) => {
    test.setTimeout(120_000);
    const gallery = await seed.createGallery('hr-import');
    const rows = IMPORT_PEOPLE.map((person) => ({
      externalId: unique('imp'),
      name: person.replaceAll('_', ' '),
      file: lfwImage(person, 1),
    }));
    const csv = [
      'externalId,name,photo',
      ...rows.map((r) => `${r.externalId},${r.name},${path.basename(r.file)}`),
    ].join('\n');

    await signIn(page, users.hr, '/imports');
    await expect(page.getByRole('heading', { level: 1, name: 'Bulk import' })).toBeVisible();
    await page.getByLabel('Gallery').selectOption({ label: gallery.name });
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'ten-people.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
    await page.getByLabel(/^Photos?( files)?$/).setInputFiles(rows.map((r) => r.file));
    await page.getByRole('button', { name: 'Start import' }).click();
    await expect(page.getByText('Import started: 10 rows, 10 photos.')).toBeVisible({ timeout: 30_000 });

    const progress = page.getByRole('progressbar', { name: 'rows done' });
    await expect(progress).toHaveAttribute('aria-valuemax', '10');
    await expect(progress).toHaveAttribute('aria-valuenow', '10', { timeout: 120_000 });
    await expect(progress).toHaveAttribute('aria-valuetext', '10 of 10 rows (100%)');
    await expect(page.getByText('10 of 10 rows (100%)', { exact: true })).toBeVisible();
    await expect(page.getByText('succeeded', { exact: true })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Rows per outcome' })).toHaveText('enrolled: 10');
    // The list of recent imports catches up too.
    const recent = page.getByRole('region', { name: 'Recent imports' });
    await expect(recent.getByRole('listitem').filter({ hasText: 'ten-people.csv' }).first()).toContainText(
      'succeeded, 10/10 rows',
    );
    await capturePage('imports');

    // The ten are identities of the gallery, each with its face.
    const { identities } = await seed.gql<{
      identities: { totalCount: number; edges: Array<{ node: { faceCount: number } }> };
    }>(
      'query L($g: ID!) { identities(galleryId: $g, first: 20) { totalCount edges { node { faceCount } } } }',
      { g: gallery.id },
    );
    expect(identities.totalCount).toBe(10);
    expect(identities.edges.every((e) => e.node.faceCount === 1)).toBe(true);
  });

  test('rows of an import that cannot be enrolled are listed with the reason and in the error report', async ({
    page,
    seed,
    users,
  }, testInfo) => {
    const gallery = await seed.createGallery('hr-import-problems');
    const good = { externalId: unique('imp'), name: 'Nestor Kirchner', photo: 'Nestor_Kirchner_0001.jpg' };
    const noFace = { externalId: unique('imp'), name: 'Nobody Atall', photo: 'gradient.png' };
    const missing = { externalId: unique('imp'), name: 'Missing Photo', photo: 'not-uploaded.jpg' };
    // Several photos in one row, separated by ";": one is enrolled, the other was not uploaded.
    const partial = {
      externalId: unique('imp'),
      name: 'Ann Veneman',
      photo: 'Ann_Veneman_0002.jpg;not-uploaded-2.jpg',
    };
    const csv = [
      'externalId,name,photo',
      ...[good, noFace, missing, partial].map((r) => `${r.externalId},${r.name},${r.photo}`),
    ].join('\n');

    await signIn(page, users.hr, '/imports');
    await page.getByLabel('Gallery').selectOption({ label: gallery.name });
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
    await page.getByLabel(/^Photos?( files)?$/).setInputFiles([
      { name: good.photo, mimeType: 'image/jpeg', buffer: await readFile(lfwImage('Nestor_Kirchner', 1)) },
      { name: 'gradient.png', mimeType: 'image/png', buffer: await noFacePng() },
      {
        name: 'Ann_Veneman_0002.jpg',
        mimeType: 'image/jpeg',
        buffer: await readFile(lfwImage('Ann_Veneman', 2)),
      },
    ]);
    await page.getByRole('button', { name: 'Start import' }).click();
    const progress = page.getByRole('progressbar', { name: 'rows done' });
    await expect(progress).toHaveAttribute('aria-valuetext', '4 of 4 rows (100%)', { timeout: 60_000 });

    const results = page.getByRole('table', { name: 'Result of each CSV row' });
    const outcomeOf = (externalId: string) =>
      results.getByRole('row').filter({ hasText: externalId }).getByRole('cell').nth(4);
    await expect(outcomeOf(good.externalId)).toHaveText('enrolled');
    await expect(outcomeOf(noFace.externalId)).toHaveText('no face');
    await expect(outcomeOf(missing.externalId)).toHaveText('missing photo');
    await expect(outcomeOf(partial.externalId)).toHaveText('partially enrolled');
    await expect(results.getByRole('row').filter({ hasText: partial.externalId })).toContainText(
      'Enrolled 1 of 2 photos.',
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download error report (CSV)' }).click(),
    ]);
    const file = testInfo.outputPath('import-errors.csv');
    await download.saveAs(file);
    const report = (await readFile(file, 'utf8')).trim().split(/\r?\n/);
    expect(report[0]).toBe('line,externalId,name,photo,outcome,message,photosEnrolled,photosRefused');
    expect(report).toHaveLength(4);
    expect(report[1]).toContain(`${noFace.externalId},${noFace.name},${noFace.photo},NO_FACE`);
    expect(report[2]).toContain(`${missing.externalId},${missing.name},${missing.photo},MISSING_PHOTO`);
    // The partly enrolled row names only the photo that was not enrolled, and counts both.
    expect(report[3]).toContain(
      `${partial.externalId},${partial.name},not-uploaded-2.jpg,PARTIALLY_ENROLLED`,
    );
    expect(report[3]).toMatch(/,1,1$/);
  });
});
