// HR removes a wrong photo, at 1280x800 and at 390x844. Colin Powell's photo enrolled under another
// person says "Enrolled" with a looks-like warning; the button after it clears the list (no
// "Accept"), and the warning stays on that identity's face, after a reload too, until HR deletes the
// face (the photo is gone from the identity and from the API's warnings). A second wrong photo is
// replaced with a right one in place. A taken external ID is said plainly, with a link to its owner.
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { unique } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS, type ViewportName } from '../../support/viewports.js';
import { expectNoWordsBrokenInTables } from './table-words.js';

for (const viewport of ['desktop', 'phone'] as const satisfies readonly ViewportName[]) {
  test.describe(`face correction at ${viewport} size`, () => {
    test.use({ viewport: VIEWPORTS[viewport] });

    test('HR deletes a wrong photo whose looks-like warning stayed on the identity, and replaces another', async ({
      page,
      seed,
      users,
      capturePage,
    }) => {
      test.setTimeout(180_000);
      // The threshold the server's own face-deletion test uses: Powell's photos reach it with each other.
      const gallery = await seed.createGallery('face correction', 0.9);
      const powell = await seed.enrolledIdentity(gallery.id, unique('Colin Powell'), [
        lfwImage('Colin_Powell', 1),
      ]);
      const chavez = await seed.enrolledIdentity(gallery.id, unique('Hugo Chavez'), [
        lfwImage('Hugo_Chavez', 1),
      ]);

      await signIn(page, users.hr, `/identities/${chavez.id}`);
      await expect(page.getByRole('heading', { level: 1, name: chavez.displayName })).toBeVisible();
      await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (1)' })).toBeVisible();

      // The wrong photo: enrolled, with the warning, and a button that only clears the list.
      await page.locator('input[type=file][multiple]').setInputFiles([lfwImage('Colin_Powell', 5)]);
      const upload = page
        .getByRole('list', { name: 'Photos to enroll' })
        .getByRole('listitem')
        .filter({ hasText: 'Colin_Powell_0005.jpg' });
      await expect(upload.getByText('Enrolled.', { exact: true })).toBeVisible({ timeout: 60_000 });
      await expect(upload.getByText(`This face looks like ${powell.displayName}`)).toBeVisible();
      await expect(upload.getByRole('button', { name: 'Accept' })).toHaveCount(0);
      await upload.getByRole('button', { name: /^Clear Colin_Powell_0005\.jpg from this list/ }).click();
      await expect(upload).toHaveCount(0);

      // The warning stays on the face, after a reload too.
      await page.reload();
      await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (2)' })).toBeVisible();
      const faces = page.getByRole('list', { name: 'Enrolled faces' });
      const wrong = faces.getByRole('listitem', { name: `Enrolled face 2 of ${chavez.displayName}` });
      await expect(
        wrong.getByText(new RegExp(`^Looks like ${powell.displayName} \\(0\\.9\\d\\d\\)$`)),
      ).toBeVisible();
      await expect(wrong.getByRole('link', { name: powell.displayName })).toHaveAttribute(
        'href',
        `/identities/${powell.id}`,
      );
      await expect(page.getByText('One photo looks like another person of this gallery.')).toBeVisible();
      await capturePage(`identity-face-warning-${viewport}`);

      // Delete it, after a confirmation.
      await wrong.getByRole('button', { name: 'Delete…' }).click();
      const dialog = page.getByRole('alertdialog', { name: `Delete face 2 of ${chavez.displayName}?` });
      await expect(dialog.getByText('The audit trail records the deletion.', { exact: false })).toBeVisible();
      await dialog.getByRole('button', { name: 'Delete face' }).click();
      await expect(
        page.getByRole('status').filter({ hasText: 'Deleted face 2 and its photo.' }),
      ).toBeVisible();
      await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (1)' })).toBeVisible();
      await expect(faces.locator(':scope > li')).toHaveCount(1);
      await expect(page.getByText(/^Looks like /)).toHaveCount(0);
      const { faceWarnings } = await seed.gql<{ faceWarnings: unknown[] }>(
        'query W($id: ID!) { faceWarnings(identityId: $id) { faceId } }',
        { id: chavez.id },
      );
      expect(faceWarnings).toEqual([]);
      const { auditLog } = await seed.gql<{ auditLog: { edges: Array<{ node: { action: string } }> } }>(
        'query A($filter: AuditLogFilter) { auditLog(filter: $filter, first: 5) { edges { node { action } } } }',
        { filter: { action: 'face.delete', galleryId: gallery.id } },
      );
      expect(auditLog.edges.map((e) => e.node.action)).toEqual(['face.delete']);

      // Another wrong photo, replaced in place by a right one.
      await seed.enroll(chavez.id, lfwImage('Colin_Powell', 4));
      await page.reload();
      const second = faces.getByRole('listitem', { name: `Enrolled face 2 of ${chavez.displayName}` });
      await expect(second.getByText(new RegExp(`^Looks like ${powell.displayName}`))).toBeVisible();
      await second.getByRole('button', { name: 'Replace…' }).click();
      await page.getByLabel('Photo to replace the face with').setInputFiles(lfwImage('Hugo_Chavez', 2));
      await expect(
        page.getByRole('status').filter({ hasText: 'Replaced the photo with Hugo_Chavez_0002.jpg.' }),
      ).toBeVisible({ timeout: 60_000 });
      await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (2)' })).toBeVisible();
      await expect(page.getByText(/^Looks like /)).toHaveCount(0);

      // A taken external ID: said plainly, with the way to the identity that has it.
      await page.goto(`/identities?gallery=${gallery.id}`);
      await expect(page.getByRole('link', { name: powell.displayName, exact: true })).toBeVisible();
      await expectNoWordsBrokenInTables(page, `the identities list at ${viewport} size`);
      await capturePage(`identities-list-${viewport}`);
      await page.getByRole('button', { name: 'New identity' }).click();
      const create = page.getByRole('dialog', { name: `New identity in ${gallery.name}` });
      await create.getByLabel('Name', { exact: true }).fill(unique('Someone'));
      await create.getByLabel('External ID').fill(powell.externalId);
      await create.getByRole('button', { name: 'Create identity' }).click();
      await expect(
        create.getByText('Another identity in this gallery already has this external ID.', { exact: false }),
      ).toBeVisible();
      await expect(create.getByText('externalId')).toHaveCount(0);
      await expect(create.getByText(powell.id)).toHaveCount(0);
      // The person who has it, by name, linked to their page.
      await expect(create.getByText('This external ID belongs to', { exact: false })).toBeVisible();
      await create.getByRole('link', { name: powell.displayName, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: powell.displayName })).toBeVisible();
    });
  });
}
