// The import results table stays readable at 1280x800: no word of a cell is split across lines
// (names read "Aaron Sorkin", not "Aaro n Sorki n"; outcome badges stay whole), even with long
// messages beside them. (A word wider than its column can get, such as a very long file name in the
// Photo column, still breaks; these rows have none.)
import { readFile } from 'node:fs/promises';
import { expect, test } from '../../support/fixtures.js';
import { lfwImage, noFacePng } from '../../support/photos.js';
import { unique } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS } from '../../support/viewports.js';
import { wordsBrokenInTables } from './table-words.js';

test.use({ viewport: VIEWPORTS.desktop });

test('the import results table keeps names, ids and outcome badges whole at 1280 px', async ({
  page,
  seed,
  users,
  capturePage,
}) => {
  test.setTimeout(120_000);
  const gallery = await seed.createGallery('import table');
  const rows = [
    { externalId: unique('imp'), name: 'Aaron Sorkin', photo: 'Aaron_Sorkin_0001.jpg' },
    { externalId: unique('imp'), name: 'Nobody Atall', photo: 'gradient.png' },
    { externalId: unique('imp'), name: 'Missing Photo', photo: 'not-uploaded.jpg' },
  ];
  const csv = ['externalId,name,photo', ...rows.map((r) => `${r.externalId},${r.name},${r.photo}`)].join(
    '\n',
  );

  await signIn(page, users.hr, '/imports');
  await page.getByLabel('Gallery').selectOption({ label: gallery.name });
  await page
    .getByLabel('CSV file')
    .setInputFiles({ name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
  await page.getByLabel(/^Photos?( files)?$/).setInputFiles([
    { name: rows[0]!.photo, mimeType: 'image/jpeg', buffer: await readFile(lfwImage('Aaron_Sorkin', 1)) },
    { name: rows[1]!.photo, mimeType: 'image/png', buffer: await noFacePng() },
  ]);
  await page.getByRole('button', { name: 'Start import' }).click();
  await expect(page.getByRole('progressbar', { name: 'rows done' })).toHaveAttribute(
    'aria-valuetext',
    '3 of 3 rows (100%)',
    { timeout: 60_000 },
  );
  const results = page.getByRole('table', { name: 'Result of each CSV row' });
  await expect(results.getByRole('row').filter({ hasText: rows[0]!.externalId })).toContainText('enrolled');

  expect(await wordsBrokenInTables(page)).toEqual([]);
  // No horizontal page scroll either: the table fits the laptop screen.
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
  ).toBeLessThanOrEqual(0);
  await capturePage('imports-results-desktop');
});
