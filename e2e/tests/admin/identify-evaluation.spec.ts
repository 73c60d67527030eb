// An admin runs an open-set identification evaluation from the evaluation page: chooses
// Identification with the keyboard, uploads a zip of 10 LFW people (6 with several photos, 4 with
// one), and sees the counts, the FNIR table at each FPIR target and the DET chart. At the laptop and
// the phone sizes.
import { readFile } from 'node:fs/promises';
import { makeZip } from '../../../apps/server/test/zip-writer.js';
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS, type ViewportName } from '../../support/viewports.js';
import { expectNoWordsBrokenInTables } from './table-words.js';

const PEOPLE: ReadonlyArray<readonly [string, number]> = [
  ['Colin_Powell', 2],
  ['Tony_Blair', 2],
  ['Hugo_Chavez', 2],
  ['Ann_Veneman', 2],
  ['Abdullah_Gul', 2],
  ['Adrien_Brody', 2],
  ['AJ_Cook', 1],
  ['Aaron_Patterson', 1],
  ['Aaron_Pena', 1],
  ['Abba_Eban', 1],
];

async function peopleZip(): Promise<Buffer> {
  const files = [];
  for (const [name, count] of PEOPLE)
    for (let n = 1; n <= count; n++)
      files.push({ path: `${name}/${name}_${n}.jpg`, bytes: await readFile(lfwImage(name, n)) });
  return makeZip(files);
}

for (const viewport of ['desktop', 'phone'] as ViewportName[]) {
  test(`an identification evaluation shows its FNIR table and DET chart (${viewport})`, async ({
    page,
    seed,
    users,
    capturePage,
  }) => {
    test.setTimeout(180_000);
    await page.setViewportSize(VIEWPORTS[viewport]);
    const gallery = await seed.createGallery(`identify-eval-${viewport}`);
    await signIn(page, users.admin, '/evaluation');
    await expect(page.getByRole('heading', { level: 1, name: 'Evaluation' })).toBeVisible();
    await page.getByLabel('Gallery (model and threshold)').selectOption(gallery.id);

    // Keyboard: the mode is a radio group; the arrow key moves from Verification to Identification.
    const verification = page.getByRole('radio', { name: /Verification/ });
    await expect(verification).toBeChecked();
    await verification.focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('radio', { name: /Identification/ })).toBeChecked();
    await expect(page.getByLabel('Pairs file (optional)')).toHaveCount(0);
    await expect(page.getByLabel('Photos enrolled per person')).toHaveValue('1');

    await page.getByLabel('Images (zip)').setInputFiles({
      name: 'people.zip',
      mimeType: 'application/zip',
      buffer: await peopleZip(),
    });
    await page.getByRole('button', { name: 'Start evaluation' }).click();
    // 6 enrolled photos, 6 mated probes, 4 strangers.
    await expect(page.getByText('Started: 16 images.')).toBeVisible();

    const table = page.getByRole('table', { name: 'FNIR at each FPIR target' });
    await expect(table).toBeVisible({ timeout: 150_000 });
    await expect(page.getByText('6 mated, 4 non-mated')).toBeVisible();
    await expect(page.getByText('6 identities, 1 photo enrolled each; 16 images')).toBeVisible();
    for (const fpir of ['0.01', '0.003', '0.001']) {
      const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: fpir }) });
      await expect(row.getByRole('cell').first()).toHaveText(/^\d+\.\d%$/);
    }
    const chart = page.getByRole('img', { name: 'DET curve' });
    await expect(chart).toBeVisible();
    await expect(chart.locator('polyline')).toHaveAttribute('points', /\d/);
    await chart.scrollIntoViewIfNeeded();
    await capturePage(`identify-evaluation-${viewport}`);
    await expectNoWordsBrokenInTables(page, 'the evaluation page');
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      'evaluation page wider than the screen',
    ).toBe(0);
  });
}
