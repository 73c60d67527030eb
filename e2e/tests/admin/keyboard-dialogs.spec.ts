// Every dialog of the admin, with the keyboard alone (Tab, Shift+Tab, Enter, Space, Escape), at
// 1280x800 and 390x844 (issue 14 item 5). Each is reached by Tab and opened with Enter or Space;
// focus moves inside, Tab and Shift+Tab stay inside, Escape (or Cancel) closes it, and focus returns
// to the opener. After an action that removes what had focus, focus lands on the documented target,
// never <body>: a new person's heading, a new gallery's row, the faces heading after a deleted face,
// the identities list heading after an erasure, the section heading after a deleted webhook or a
// revoked key, the page heading after a bulk verdict empties the queue.
// The dialogs (grep "<Dialog\|<ConfirmDialog\|<ReassignDialog\|<WebhookDeliveries" in apps/admin/src):
//   identities list: New identity          identity page: Edit, Erase (alert), Delete face (alert), webcam
//   gallery page: Add webhook, Deliveries, Delete webhook (alert)
//   settings: New user, Disable user (alert), New API key, Revoke key (alert)
//   reviews: Reassign, bulk verdict
//   cameras: Add camera, Edit camera, Delete camera (alert) (unknown people: Name, Dismiss in cameras.spec.ts)
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { unique } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS, type ViewportName } from '../../support/viewports.js';
import { expectNoWordsBrokenInTables } from './table-words.js';

/** True when `target` has the keyboard focus. */
function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((element) => element === document.activeElement);
}

/** Presses Tab (or Shift+Tab) until `target` has focus; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, { backwards = false, max = 400 } = {}): Promise<void> {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < max; presses += 1) {
    if (await isFocused(target)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${max} presses of ${backwards ? 'Shift+Tab' : 'Tab'} never reached ${target.toString()}`);
}

/** Waits until the focus is inside `dialog`. */
async function expectFocusInside(dialog: Locator): Promise<void> {
  await expect
    .poll(() =>
      dialog.evaluate(
        (element) => element.contains(document.activeElement) && element !== document.activeElement,
      ),
    )
    .toBe(true);
}

/** Tabs forward past the last control and back past the first: the focus never leaves `dialog`. */
async function expectTabStaysInside(page: Page, dialog: Locator): Promise<void> {
  const controls = await dialog.evaluate(
    (element) =>
      element.querySelectorAll(
        'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])',
      ).length,
  );
  expect(controls).toBeGreaterThan(0);
  for (let presses = 0; presses <= controls; presses += 1) {
    await page.keyboard.press('Tab');
    await expectFocusInside(dialog);
  }
  for (let presses = 0; presses <= controls; presses += 1) {
    await page.keyboard.press('Shift+Tab');
    await expectFocusInside(dialog);
  }
}

/** The checks every dialog gets: reached by Tab, opened by `key`, focus trapped, closed, focus back. */
async function checkDialog(
  page: Page,
  opener: Locator,
  dialog: Locator,
  { key = 'Enter', close = 'Escape' }: { key?: 'Enter' | ' '; close?: 'Escape' | 'Cancel' } = {},
): Promise<void> {
  await tabTo(page, opener);
  await page.keyboard.press(key === ' ' ? 'Space' : key);
  await expect(dialog).toBeVisible();
  await expectFocusInside(dialog);
  await expectTabStaysInside(page, dialog);
  if (close === 'Escape') {
    await page.keyboard.press('Escape');
  } else {
    await tabTo(page, dialog.getByRole('button', { name: 'Cancel', exact: true }));
    await page.keyboard.press('Enter');
  }
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
}

for (const viewport of ['desktop', 'phone'] as const satisfies readonly ViewportName[]) {
  test.describe(`keyboard dialogs at ${viewport} size`, () => {
    test.use({ viewport: VIEWPORTS[viewport] });

    test('HR: new person, new gallery, edit, webcam, delete a face and erase, by keyboard', async ({
      page,
      seed,
      users,
      capturePage,
    }) => {
      test.setTimeout(180_000);
      const gallery = await seed.createGallery('keyboard HR');
      const chavez = await seed.enrolledIdentity(gallery.id, unique('Hugo Chavez'), [
        lfwImage('Hugo_Chavez', 1),
        lfwImage('Hugo_Chavez', 2),
      ]);

      // New identity: opened with Enter and closed with Escape, then with Space and filled by keyboard.
      await signIn(page, users.hr, `/identities?gallery=${gallery.id}`);
      const newIdentity = page.getByRole('button', { name: 'New identity' });
      const create = page.getByRole('dialog', { name: `New identity in ${gallery.name}` });
      await checkDialog(page, newIdentity, create);
      await checkDialog(page, newIdentity, create, { key: ' ', close: 'Cancel' });
      await tabTo(page, newIdentity);
      await page.keyboard.press('Space');
      const name = unique('Laura Bush');
      await tabTo(page, create.getByLabel('Name', { exact: true }));
      await page.keyboard.type(name);
      await tabTo(page, create.getByLabel('External ID'));
      await page.keyboard.type(unique('emp'));
      await page.keyboard.press('Enter');
      // The dialog and its opener went with the list: focus is on the new person's heading.
      await expect(page.getByRole('heading', { level: 1, name })).toBeFocused();

      // Her page: Edit, the webcam (after "Choose photos" in tab order), and Erase's confirmation.
      const edit = page.getByRole('button', { name: 'Edit', exact: true });
      await checkDialog(page, edit, page.getByRole('dialog', { name: `Edit ${name}` }));
      const choose = page.getByLabel('Choose photos…');
      const webcam = page.getByRole('button', { name: 'Use the webcam…' });
      await tabTo(page, choose);
      await page.keyboard.press('Tab');
      await expect(webcam).toBeFocused();
      await checkDialog(page, webcam, page.getByRole('dialog', { name: 'Capture from the webcam' }));
      const erase = page.getByRole('button', { name: 'Erase…' });
      const confirmErase = page.getByRole('alertdialog', { name: `Erase ${name}?` });
      await checkDialog(page, erase, confirmErase);
      // Cancel has the focus first in a destructive confirmation: Space opens, Enter cancels.
      await page.keyboard.press('Space');
      await expect(confirmErase.getByRole('button', { name: 'Cancel' })).toBeFocused();
      await capturePage(`erase-dialog-${viewport}`);
      await page.keyboard.press('Enter');
      await expect(confirmErase).toHaveCount(0);
      await expect(erase).toBeFocused();
      await page.keyboard.press('Enter');
      await tabTo(page, confirmErase.getByRole('button', { name: 'Erase permanently' }));
      await page.keyboard.press('Enter');
      const erased = page.getByRole('alertdialog', { name: 'Identity erased' });
      await expect(erased.getByRole('button', { name: 'Back to identities' })).toBeFocused();
      await expectTabStaysInside(page, erased);
      await page.keyboard.press('Escape');
      await expect(page).toHaveURL(new RegExp(`/identities\\?gallery=${gallery.id}$`));
      await expect(page.getByRole('heading', { level: 1, name: 'Identities' })).toBeFocused();

      // Delete a face: cancelled, focus back on its Delete button; confirmed, focus on the faces heading.
      await page.goto(`/identities/${chavez.id}`);
      await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (2)' })).toBeVisible();
      const second = page
        .getByRole('list', { name: 'Enrolled faces' })
        .getByRole('listitem', { name: `Enrolled face 2 of ${chavez.displayName}` });
      const deleteFace = second.getByRole('button', { name: 'Delete…' });
      const confirmDelete = page.getByRole('alertdialog', {
        name: `Delete face 2 of ${chavez.displayName}?`,
      });
      await checkDialog(page, deleteFace, confirmDelete);
      await page.keyboard.press('Enter');
      await tabTo(page, confirmDelete.getByRole('button', { name: 'Delete face' }));
      await page.keyboard.press('Enter');
      const facesHeading = page.getByRole('heading', { level: 2, name: 'Enrolled faces (1)' });
      await expect(facesHeading).toBeVisible();
      await expect(facesHeading).toBeFocused();

      // A new gallery, by keyboard: focus on its row in the list, not on <body>.
      await page.goto('/galleries/new');
      const galleryName = unique('Keyboard gallery');
      await tabTo(page, page.getByLabel('Name', { exact: true }));
      await page.keyboard.type(galleryName);
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/\/galleries$/);
      await expect(page.getByRole('link', { name: galleryName, exact: true })).toBeFocused();
      // HR's home, with its Enroll people / Import actions: no word of a cell broken across lines.
      await expectNoWordsBrokenInTables(page, `the galleries at ${viewport} size`);
      await capturePage(`galleries-hr-${viewport}`);
    });

    test('admin: webhooks, users and API keys dialogs by keyboard', async ({
      page,
      seed,
      users,
      capturePage,
    }) => {
      test.setTimeout(180_000);
      const gallery = await seed.createGallery('keyboard admin');
      const url = `http://127.0.0.1:9/${unique('hook')}`;
      await seed.gql(
        'mutation W($g: ID!, $u: String!) { createWebhook(galleryId: $g, url: $u, events: [MATCH]) { secret } }',
        { g: gallery.id, u: url },
      );
      const keyName = unique('keyboard key');
      await seed.gql('mutation K($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', {
        input: { name: keyName, scopes: ['identify'], galleryId: gallery.id },
      });
      const spare = await seed.createUser('AUDITOR');

      // The gallery's webhooks: Add, Deliveries, Delete (cancelled, then confirmed).
      await signIn(page, users.admin, `/galleries/${gallery.id}`);
      await checkDialog(
        page,
        page.getByRole('button', { name: 'Add webhook' }),
        page.getByRole('dialog', { name: 'Add webhook' }),
      );
      await checkDialog(
        page,
        page.getByRole('button', { name: `Deliveries of ${url}` }),
        page.getByRole('dialog', { name: 'Webhook deliveries' }),
        { key: ' ' },
      );
      const deleteHook = page.getByRole('button', { name: `Delete ${url}` });
      const confirmHook = page.getByRole('alertdialog', { name: `Delete the webhook to ${url}?` });
      await checkDialog(page, deleteHook, confirmHook, { close: 'Cancel' });
      await page.keyboard.press('Enter');
      await tabTo(page, confirmHook.getByRole('button', { name: /^Delete/ }));
      await page.keyboard.press('Enter');
      await expect(
        page.getByRole('status').filter({ hasText: `Deleted the webhook to ${url}.` }),
      ).toBeVisible();
      await expect(page.getByRole('heading', { level: 2, name: 'Webhooks' })).toBeFocused();

      // Settings: New user, Disable (cancelled, then confirmed: the button becomes Enable and keeps focus).
      await page.goto('/settings');
      await expect(page.getByRole('button', { name: `Disable ${spare.email}` })).toBeVisible();
      await expectNoWordsBrokenInTables(page, `the settings at ${viewport} size`);
      await capturePage(`settings-${viewport}`);
      await checkDialog(
        page,
        page.getByRole('button', { name: 'New user' }),
        page.getByRole('dialog', { name: 'New user' }),
      );
      const disable = page.getByRole('button', { name: `Disable ${spare.email}` });
      const confirmDisable = page.getByRole('alertdialog', { name: `Disable ${spare.email}?` });
      await checkDialog(page, disable, confirmDisable);
      await page.keyboard.press('Enter');
      await tabTo(page, confirmDisable.getByRole('button', { name: 'Disable', exact: true }));
      await page.keyboard.press('Enter');
      await expect(page.getByRole('button', { name: `Enable ${spare.email}` })).toBeFocused();

      // API keys: New API key, Revoke (cancelled, then confirmed: focus on the API keys heading).
      await checkDialog(
        page,
        page.getByRole('button', { name: 'New API key' }),
        page.getByRole('dialog', { name: 'New API key' }),
        { close: 'Cancel' },
      );
      const revoke = page.getByRole('button', { name: `Revoke ${keyName}` });
      const confirmRevoke = page.getByRole('alertdialog', { name: `Revoke “${keyName}”?` });
      await checkDialog(page, revoke, confirmRevoke);
      await page.keyboard.press('Enter');
      await tabTo(page, confirmRevoke.getByRole('button', { name: 'Revoke key' }));
      await page.keyboard.press('Enter');
      await expect(revoke).toHaveCount(0);
      await expect(page.getByRole('heading', { level: 2, name: 'API keys' })).toBeFocused();
    });

    test('admin: camera dialogs by keyboard', async ({ page, seed, users }) => {
      test.setTimeout(120_000);
      const gallery = await seed.createGallery('keyboard cameras');
      // Disabled: no reader runs, so nothing else on the machine slows down.
      const name = unique('Keyboard camera');
      await seed.gql('mutation C($input: CreateCameraInput!) { createCamera(input: $input) { id } }', {
        input: { name, sourceUrl: '/dev/null', galleryIds: [gallery.id], enabled: false },
      });

      await signIn(page, users.admin, '/cameras');
      await checkDialog(
        page,
        page.getByRole('button', { name: 'Add camera' }),
        page.getByRole('dialog', { name: 'Add camera' }),
      );
      await checkDialog(
        page,
        page.getByRole('button', { name: `Edit ${name}` }),
        page.getByRole('dialog', { name: `Edit ${name}` }),
        { key: ' ', close: 'Cancel' },
      );
      // Enable/Disable keeps the focus on its button, renamed.
      await tabTo(page, page.getByRole('button', { name: `Enable ${name}` }));
      await page.keyboard.press('Enter');
      await expect(page.getByRole('button', { name: `Disable ${name}` })).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page.getByRole('button', { name: `Enable ${name}` })).toBeFocused();
      const remove = page.getByRole('button', { name: `Delete ${name}` });
      const confirm = page.getByRole('alertdialog', { name: `Delete the camera ${name}?` });
      await checkDialog(page, remove, confirm, { close: 'Cancel' });
      await page.keyboard.press('Enter');
      await tabTo(page, confirm.getByRole('button', { name: 'Delete camera' }));
      await page.keyboard.press('Enter');
      await expect(page.getByRole('status').filter({ hasText: `Deleted ${name}.` })).toBeVisible();
      await expect(remove).toHaveCount(0);
      await expect(page.getByRole('heading', { level: 1, name: 'Cameras' })).toBeFocused();
    });

    test('reviewer: reassign and bulk verdict dialogs by keyboard', async ({ page, seed, users }) => {
      test.setTimeout(180_000);
      const gallery = await seed.createGallery('keyboard reviews');
      await seed.enrolledIdentity(gallery.id, unique('Hugo Chavez'), [lfwImage('Hugo_Chavez', 1)]);
      // Another photo of him just over the threshold: a near-threshold match that needs review.
      const probe = lfwImage('Hugo_Chavez', 2);
      const score = (await seed.identify(gallery.id, probe, 0.5)).faces[0]?.candidates[0]?.score ?? 0;
      const match = (await seed.identify(gallery.id, probe, Math.round((score - 0.02) * 1000) / 1000))
        .faces[0];
      expect(match?.decision).toBe('MATCH');

      await signIn(page, users.reviewer, '/reviews');
      await page.getByLabel('Gallery').selectOption({ label: gallery.name });
      const cards = page.getByRole('list', { name: /^Events needing review/ }).getByRole('article');
      await expect(cards).toHaveCount(1);

      // Reassign, opened with Enter and with Space.
      const reassign = cards.first().getByRole('button', { name: /^Reassign…/ });
      const reassignDialog = page.getByRole('dialog', { name: 'Reassign to another identity' });
      await checkDialog(page, reassign, reassignDialog);
      await checkDialog(page, reassign, reassignDialog, { key: ' ', close: 'Cancel' });

      // Bulk: select all with Space, open "Dismiss selected", cancel; then dismiss all: the queue empties
      // and focus goes to the page's heading.
      await tabTo(page, page.getByRole('checkbox', { name: 'Select all on this page' }), { backwards: true });
      await page.keyboard.press('Space');
      const dismissSelected = page.getByRole('button', { name: 'Dismiss selected' });
      const bulkDialog = page.getByRole('dialog', { name: 'Dismiss 1 event?' });
      await checkDialog(page, dismissSelected, bulkDialog);
      await checkDialog(page, dismissSelected, bulkDialog, { key: ' ', close: 'Cancel' });
      await page.keyboard.press('Enter');
      await expect(bulkDialog.getByRole('button', { name: 'Dismiss all' })).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(cards).toHaveCount(0);
      await expect(page.getByRole('heading', { level: 1, name: 'Review queue' })).toBeFocused();
    });
  });
}
