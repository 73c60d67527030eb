// An auditor filters the audit log and downloads exports that the offline checker
// (`faceledger audit verify FILE`) accepts: one filtered by gallery, one of the whole ledger.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../../support/fixtures.js';
import { REPO_ROOT } from '../../support/paths.js';
import { unique } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';

const CLI = path.join(REPO_ROOT, 'apps/server/dist/cli/main.js');

/** Runs `faceledger audit verify FILE` and returns its exit code and output. */
function auditVerify(file: string): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, [CLI, 'audit', 'verify', file], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Waits for the table to settle on `count` entries. */
async function expectEntryCount(page: Page, count: number | RegExp): Promise<void> {
  const text = typeof count === 'number' ? `${count} ${count === 1 ? 'entry' : 'entries'} match.` : count;
  await expect(page.getByRole('status').filter({ hasText: text })).toBeVisible();
}

test('an auditor filters the log and downloads exports that audit verify accepts', async ({
  page,
  seed,
  users,
  capturePage,
}, testInfo) => {
  test.setTimeout(120_000);
  const gallery = await seed.createGallery('audit');
  await seed.createIdentity(gallery.id, unique('Audited Person'));

  await signIn(page, users.auditor, '/audit');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Chain status' }).getByText(/Verified: \d+/)).toBeVisible();

  // Filter by action: only gallery.create rows.
  await page.getByLabel('Action').fill('gallery.create');
  await expectEntryCount(page, /^\d+ (entry|entries) match\.$/);
  const table = page.getByRole('table');
  const actionCells = table.locator('tbody tr td:nth-of-type(3)');
  await expect(actionCells.first()).toHaveText('gallery.create');
  for (const text of await actionCells.allTextContents()) expect(text).toBe('gallery.create');

  // And by gallery: exactly the creation of this gallery.
  await page.getByLabel('Gallery').selectOption({ label: gallery.name });
  await expectEntryCount(page, 1);
  await expect(table.getByText(`gallery:${gallery.id}`)).toBeVisible();
  await capturePage('audit');

  // Export with the gallery filter (time range and gallery apply to exports).
  const exportPanel = page.getByRole('region', { name: 'Export' });
  const [ndjsonDownload] = await Promise.all([
    page.waitForEvent('download'),
    exportPanel.getByRole('link', { name: 'Download NDJSON' }).click(),
  ]);
  expect(ndjsonDownload.suggestedFilename()).toMatch(/^faceledger-audit-.+\.ndjson$/);
  const ndjsonFile = testInfo.outputPath('audit-gallery.ndjson');
  await ndjsonDownload.saveAs(ndjsonFile);
  const lines = (await readFile(ndjsonFile, 'utf8')).trim().split('\n');
  const manifest = (
    JSON.parse(lines.at(-1) ?? '{}') as {
      manifest?: { filter: Record<string, string>; complete: boolean; count: number };
    }
  ).manifest;
  expect(manifest?.filter).toMatchObject({ galleryId: gallery.id });
  expect(manifest?.complete).toBe(false);
  expect(manifest?.count).toBeGreaterThanOrEqual(2); // gallery.create and identity.create
  expect(manifest?.count).toBe(lines.length - 1);
  const filtered = auditVerify(ndjsonFile);
  expect(filtered.output).toMatch(/^OK /);
  expect(filtered.code).toBe(0);

  // The whole ledger as CSV.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByLabel('Gallery')).toHaveValue('');
  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    exportPanel.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csvFile = testInfo.outputPath('audit-all.csv');
  await csvDownload.saveAs(csvFile);
  const complete = auditVerify(csvFile);
  expect(complete.output).toContain('the complete chain from genesis');
  expect(complete.code).toBe(0);

  // Each export is itself audited, as the auditor.
  await page.getByLabel('Action').fill('audit.export');
  await page.getByLabel('Actor').fill(`user:${users.auditor.id}`);
  await expectEntryCount(page, 2);
});
