// Pending uploads live in the database: a fresh UploadsService (as after a restart) still honours an
// upload id for its uploader only, keeps its image from every purge until it expires, then deletes it.
import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { describe, expect, it } from 'vitest';
import { createApiKeyWithId } from '../../../test/auth-helpers.js';
import { lfwImage } from '../../../test/test-data.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';
import { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import type { Actor } from '../auth/actor.js';
import { PendingUploadsRepository } from './pending-uploads.repository.js';
import { UPLOAD_TTL_MS, UploadsService } from './uploads.service.js';

describe.each(TEST_DATABASE_MODES)('pending uploads on %s', (mode) => {
  let server: TestServer;
  useTestServer(mode, (started) => (server = started));

  it('survive a restart, stay with the uploader, hold their image until they expire, then go', async () => {
    const key = await createApiKeyWithId(server, ['identify']);
    const photo = await readFile(lfwImage('AJ_Cook', 1));
    const form = new FormData();
    form.append('image', new Blob([photo]), 'photo.jpg');
    const response = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      body: form,
      headers: key.headers,
    });
    expect(response.status).toBe(201);
    const { uploadId } = (await response.json()) as { uploadId: string };

    let clock = Date.now();
    const images = new ImageRepository(server.db.prisma, server.imageStore);
    const restarted = new UploadsService(images, new PendingUploadsRepository(server.db.prisma), () => clock);
    const uploader: Actor = {
      kind: 'apiKey',
      keyId: key.id,
      scopes: ['identify'],
      galleryId: null,
      createdById: 'x',
    };
    const someoneElse: Actor = { ...uploader, keyId: '00000000-0000-4000-8000-000000000000' };

    expect((await restarted.resolve(uploader, { uploadId })).sha256).toBe(uploadId);
    await expect(restarted.resolve(someoneElse, { uploadId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // what the probe-retention purge does with an image a pending upload holds: nothing
    expect(await images.deleteUnreferenced([uploadId])).toEqual([]);
    expect(await restarted.purgeExpired()).toBe(0);
    expect(await server.imageStore.get(uploadId)).not.toBeNull();

    clock += UPLOAD_TTL_MS + 1;
    await expect(restarted.resolve(uploader, { uploadId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await restarted.purgeExpired()).toBe(1);
    expect(await server.imageStore.get(uploadId)).toBeNull();
    expect(await server.db.prisma.pendingUpload.count({ where: { imageKey: uploadId } })).toBe(0);
  });
});
