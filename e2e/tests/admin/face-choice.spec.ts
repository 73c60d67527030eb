// HR enrolls one person from a photo of two, at 1280x800 and at 390x844: deepface's couple.jpg is
// not refused outright; every detected face is drawn over the photo as a button, in reading order
// (left to right), and HR picks the second face (by keyboard on the laptop, by tap on the phone).
// That face is enrolled: the stored box is the right-hand person's, as detectFaces finds them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '../../support/fixtures.js';
import { TEST_DATA_DIR } from '../../support/photos.js';
import { unique } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS, type ViewportName } from '../../support/viewports.js';

const COUPLE = path.join(TEST_DATA_DIR, 'deepface', 'couple.jpg');

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

for (const viewport of ['desktop', 'phone'] as const satisfies readonly ViewportName[]) {
  test.describe(`face choice at ${viewport} size`, () => {
    test.use({ viewport: VIEWPORTS[viewport] });

    test('HR picks the second of two faces in a photo and that face is enrolled', async ({
      page,
      seed,
      users,
      capturePage,
    }) => {
      test.setTimeout(180_000);
      const gallery = await seed.createGallery('face choice');
      const person = await seed.createIdentity(gallery.id, unique('Brad'));
      const { detectFaces } = await seed.gql<{ detectFaces: { faces: Array<{ box: Box }> } }>(
        'mutation D($image: ImageInput!) { detectFaces(image: $image) { faces { box { x y width height } } } }',
        { image: { base64: (await readFile(COUPLE)).toString('base64') } },
      );
      expect(detectFaces.faces).toHaveLength(2);
      const [left, right] = detectFaces.faces.map((f) => f.box).sort((a, b) => a.x - b.x) as [Box, Box];

      await signIn(page, users.hr, `/identities/${person.id}`);
      await expect(page.getByRole('heading', { level: 1, name: person.displayName })).toBeVisible();
      await page.locator('input[type=file][multiple]').setInputFiles([COUPLE]);
      const upload = page
        .getByRole('list', { name: 'Photos to enroll' })
        .getByRole('listitem')
        .filter({ hasText: 'couple.jpg' });
      await expect(upload.getByText('This photo shows 2 faces. Choose the person to enroll')).toBeVisible({
        timeout: 60_000,
      });

      const picker = upload.getByRole('group', { name: 'Faces in couple.jpg' });
      const faces = picker.getByRole('button', { name: /^Enroll face \d of 2$/ });
      await expect(faces).toHaveText(['1', '2']);
      const first = picker.getByRole('button', { name: 'Enroll face 1 of 2' });
      const second = picker.getByRole('button', { name: 'Enroll face 2 of 2' });
      // Reading order: face 1 is the left person, face 2 the right one, and both lie over the photo
      // inside the screen.
      const [firstBox, secondBox] = [await first.boundingBox(), await second.boundingBox()];
      expect(firstBox && secondBox && firstBox.x < secondBox.x).toBe(true);
      expect(secondBox!.x + secondBox!.width).toBeLessThanOrEqual(VIEWPORTS[viewport].width);
      await capturePage(`face-choice-${viewport}`);

      if (viewport === 'desktop') {
        await first.focus();
        await page.keyboard.press('Tab');
        await expect(second).toBeFocused();
        await page.keyboard.press('Enter');
      } else {
        await second.click();
      }
      await expect(upload.getByText('Enrolled.', { exact: true })).toBeVisible({ timeout: 60_000 });
      await expect(picker).toHaveCount(0);
      await expect(page.getByRole('heading', { level: 2, name: 'Enrolled faces (1)' })).toBeVisible();

      // The enrolled face is the right-hand person's.
      const { identity } = await seed.gql<{ identity: { faces: Array<{ box: Box }> } }>(
        'query I($id: ID!) { identity(id: $id) { faces { box } } }',
        { id: person.id },
      );
      expect(identity.faces).toHaveLength(1);
      const stored = identity.faces[0]!.box;
      for (const key of ['x', 'y', 'width', 'height'] as const)
        expect(stored[key]).toBeCloseTo(right[key], 3);
      expect(stored.x).toBeGreaterThan(left.x);
    });
  });
}
