import { readFile } from 'node:fs/promises';
import type { DatabaseMode } from '@faceledger/db';
import { createTestDatabase, TEST_DATABASE_MODES, type TestDatabase } from '@faceledger/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scanDatabaseFiles } from '../../../test/raw-scan.js';
import { lfwImage } from '../../../test/test-data.js';
import {
  IdentityErasureRepository,
  tablesChangedBy,
} from '../../modules/identities/identity-erasure.repository.js';
import { DatabaseImageStore } from './database-image-store.js';
import { itBehavesLikeAnImageStore } from '../../../test/image-store-contract.js';

/** A throw-away database of `mode` and a store over it, for the tests of the calling describe. */
function useDatabaseStore(mode: DatabaseMode): { db: TestDatabase; store: DatabaseImageStore } {
  const opened = {} as { db: TestDatabase; store: DatabaseImageStore };
  beforeAll(async () => {
    opened.db = await createTestDatabase(mode);
    opened.store = new DatabaseImageStore(opened.db.prisma);
  });
  afterAll(() => opened.db?.drop());
  return opened;
}

describe.each(TEST_DATABASE_MODES)('DatabaseImageStore on %s', (mode) => {
  const opened = useDatabaseStore(mode);

  describe('the ImageStore contract', () => {
    beforeEach(async () => {
      await opened.db.prisma.$executeRaw`DELETE FROM images`;
    });
    itBehavesLikeAnImageStore(() => opened.store);
  });

  it('an erasure deletes the person’s photo and thumbnail from the table and leaves no bytes in its files', async () => {
    const { db, store } = opened;
    const gallery = await db.prisma.gallery.create({
      data: { name: `Erasure ${mode}`, matchThreshold: 0.6, embeddingModelId: 'faceapi-resnet128' },
    });
    const person = async (externalId: string, photo: Buffer) => {
      const identity = await db.prisma.identity.create({
        data: { galleryId: gallery.id, externalId, displayName: externalId },
      });
      const imageKey = await store.put(photo);
      await db.prisma.$executeRaw`
        INSERT INTO faces (id, identity_id, image_key, box, landmarks, quality, model_id, embedding)
        VALUES (gen_random_uuid(), ${identity.id}::uuid, ${imageKey},
                '{"x":10,"y":10,"width":80,"height":80}'::jsonb, '[[30,40],[70,40],[50,60],[35,75],[65,75]]'::jsonb,
                '{"score":0.9}'::jsonb, 'faceapi-resnet128',
                ${`[${Array.from({ length: 128 }, (_, i) => (i === 0 ? 1 : 0)).join(',')}]`}::vector)`;
      return { id: identity.id, imageKey };
    };
    const erasedPhoto = await readFile(lfwImage('Colin_Powell', 3));
    const keptPhoto = await readFile(lfwImage('Laura_Bush', 2));
    const erased = await person('erased-1', erasedPhoto);
    const kept = await person('kept-1', keptPhoto);
    const erasedThumb = Buffer.from((await store.thumbnail(erased.imageKey, 64))!);
    // 64 bytes from inside each file (past the JPEG headers every photo shares).
    const needles = {
      erasedPhoto: erasedPhoto.subarray(4000, 4064),
      erasedThumb: erasedThumb.subarray(700, 764),
      keptPhoto: keptPhoto.subarray(4000, 4064),
    };
    const before = new Set((await scanDatabaseFiles(db.prisma, needles)).map((hit) => hit.needle));
    expect(before).toEqual(new Set(['erasedPhoto', 'erasedThumb', 'keptPhoto']));

    // As IdentityErasureService runs it: the transaction, the images after commit, then the rewrite.
    const repository = new IdentityErasureRepository(db.prisma, store);
    const outcome = await db.prisma.$transaction((tx) => repository.eraseWithin(tx, erased.id));
    if (!outcome || outcome.alreadyErased) throw new Error('expected a fresh erasure');
    expect(outcome.imageKeys).toEqual([erased.imageKey]);
    expect(await repository.deleteImages(await repository.findUnreferencedImageKeys(outcome.imageKeys))).toBe(1);
    expect(tablesChangedBy(outcome.counts)).toContain('images');
    await repository.compactErasedTables(tablesChangedBy(outcome.counts), { erasedXid: outcome.xid });

    expect(await store.has(erased.imageKey)).toBe(false);
    expect(await store.thumbnail(erased.imageKey, 64)).toBeNull();
    expect(await db.prisma.storedImage.count({ where: { key: erased.imageKey } })).toBe(0);
    const after = (await scanDatabaseFiles(db.prisma, needles)).map((hit) => hit.needle);
    expect(after).toEqual(['keptPhoto']);
    expect(Buffer.from((await store.get(kept.imageKey))!)).toEqual(keptPhoto);
  });
});
