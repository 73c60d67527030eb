// An auditor reads the audit log with names instead of raw ids (staff users by email, API keys by
// name and prefix, from actorDirectory), then lists a gallery's match events and exports them as
// CSV; people stay identity ids (auditors may not read names). On a laptop and on a phone.
import { readFile } from 'node:fs/promises';
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { E2E_ADMIN, imageInput, IDENTIFY_MUTATION, unique } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS, type ViewportName } from '../../support/viewports.js';
import { expectNoWordsBrokenInTables } from './table-words.js';

for (const viewport of ['desktop', 'phone'] as const satisfies readonly ViewportName[]) {
  test.describe(`at ${VIEWPORTS[viewport].width}x${VIEWPORTS[viewport].height}`, () => {
    test.use({ viewport: VIEWPORTS[viewport] });

    test('an auditor sees who acted by name and exports the match events', async ({
      page,
      seed,
      users,
      capturePage,
    }, testInfo) => {
      test.setTimeout(180_000);
      const gallery = await seed.createGallery('audit-names');
      const personName = unique('Hugo Chavez');
      await seed.enrolledIdentity(gallery.id, personName, [lfwImage('Hugo_Chavez', 1)]);
      // One identify by the admin (actor user:<id>) and one by an API key (actor key:<id>).
      await seed.identify(gallery.id, lfwImage('Hugo_Chavez', 2));
      const keyName = unique('door');
      const { createApiKey } = await seed.gql<{
        createApiKey: { secret: string; apiKey: { id: string; prefix: string } };
      }>(
        'mutation K($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id prefix } } }',
        { input: { name: keyName, scopes: ['identify'], galleryId: gallery.id } },
      );
      const keyCall = await fetch(`${seed.apiUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${createApiKey.secret}` },
        body: JSON.stringify({
          query: IDENTIFY_MUTATION,
          variables: {
            galleryId: gallery.id,
            image: await imageInput(lfwImage('Hugo_Chavez', 3)),
            threshold: null,
          },
        }),
      });
      expect(((await keyCall.json()) as { errors?: unknown }).errors).toBeUndefined();

      await signIn(page, users.auditor, '/audit');
      await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
      await page.getByLabel('Gallery').selectOption({ label: gallery.name });
      await page.getByLabel('Action').fill('faces.identify');
      await expect(page.getByRole('status').filter({ hasText: '2 entries match.' })).toBeVisible();
      const table = page.getByRole('table');
      await expect(table.getByText(E2E_ADMIN.email)).toBeVisible();
      await expect(table.getByText(`${keyName} (${createApiKey.apiKey.prefix})`)).toBeVisible();
      await expectNoWordsBrokenInTables(page, `the audit log at ${viewport} size`);
      await capturePage(`audit-names-${viewport}`);

      await page.getByRole('link', { name: 'Match events' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Match events' })).toBeVisible();
      await page.getByLabel('Gallery').selectOption({ label: gallery.name });
      const events = page.getByRole('table');
      await expect(events.locator('tbody tr')).toHaveCount(2);
      await expect(events.getByText(E2E_ADMIN.email)).toBeVisible();
      await expect(events.getByText(`${keyName} (${createApiKey.apiKey.prefix})`)).toBeVisible();
      await expect(page.getByText(personName)).toHaveCount(0);
      await expectNoWordsBrokenInTables(page, `the match events at ${viewport} size`);
      await capturePage(`audit-match-events-${viewport}`);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^faceledger-match-events-.+\.csv$/);
      const file = testInfo.outputPath(`match-events-${viewport}.csv`);
      await download.saveAs(file);
      const lines = (await readFile(file, 'utf8')).trim().split('\r\n');
      expect(lines[0]).toBe(
        'createdAt,id,kind,decision,galleryId,gallery,requester,requesterName,topScore,threshold,modelId,latencyMs,needsReview,candidates,reviews',
      );
      expect(lines).toHaveLength(3);
      expect(lines.filter((l) => l.includes(E2E_ADMIN.email))).toHaveLength(1);
      expect(lines.filter((l) => l.includes(keyName))).toHaveLength(1);
      for (const line of lines.slice(1)) expect(line).toContain(`,IDENTIFY,`);
      expect(lines.join('\n')).not.toContain(personName);
      await expect(page.getByRole('status').filter({ hasText: 'Exported 2 events.' })).toBeVisible();
    });
  });
}
