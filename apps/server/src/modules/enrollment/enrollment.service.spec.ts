// EnrollmentService with its repositories faked: every typed result and what gets stored and audited.
import { describe, expect, it, vi } from 'vitest';
import { recordingUnitOfWork } from '../../infrastructure/unit-of-work/recording-unit-of-work.js';
import {
  ADMIN,
  engineFace,
  gallery,
  GALLERY_ID,
  identity,
  REVIEWER,
} from '../../../test/recognition-fakes.js';
import type { Actor } from '../auth/actor.js';
import type { ModelMigrationRecord } from '../model-migration/model-migration.repository.js';
import { EnrollmentService, type EnrollmentDependencies } from './enrollment.service.js';

const X = '00000000-0000-4000-8000-000000000001';
const Y = '00000000-0000-4000-8000-000000000002';
const image = { base64: 'AAAA' };

function setup(
  options: {
    faces?: number;
    /** Boxes of the engine's faces, largest first (overrides faces). */
    boxes?: Array<{ x: number; y: number; width: number; height: number }>;
    violations?: string[];
    nearest?: number;
    forbid?: boolean;
    duplicateOf?: string;
    /** The box of the face enrolled from the same image (duplicateOf). */
    duplicateBox?: { x: number; y: number; width: number; height: number };
  } = {},
) {
  const { uow, entries, events } = recordingUnitOfWork();
  const audit = { entries, events };
  const deps = {
    enrollment: {
      lockIdentityStatus: vi.fn(async (): Promise<string | null> => 'ACTIVE'),
      findFacesByImage: vi.fn(async () =>
        options.duplicateOf
          ? [
              {
                faceId: 'face-old',
                identityId: options.duplicateOf,
                box: options.duplicateBox ?? { x: 10, y: 10, width: 120, height: 140 },
              },
            ]
          : [],
      ),
      insertFace: vi.fn(
        async (_tx: unknown, face: { identityId: string; imageKey: string; modelId: string }) => ({
          id: 'face-new',
          identityId: face.identityId,
          imageKey: face.imageKey,
          box: {},
          landmarks: {},
          quality: {},
          modelId: face.modelId,
          createdAt: new Date('2026-01-02T00:00:00Z'),
        }),
      ),
      findFace: vi.fn(async (id: string) => ({ id, identityId: X, imageKey: 'c'.repeat(64) })),
      deleteFace: vi.fn(async () => true),
      clearWarning: vi.fn(async () => true),
      findWarnings: vi.fn(async () => []),
    },
    matching: {
      searchGallery: vi.fn(async () =>
        options.nearest === undefined ? [] : [{ faceId: 'face-y', identityId: Y, score: options.nearest }],
      ),
    },
    galleries: { findById: vi.fn(async () => gallery({ forbidLikelyDuplicates: options.forbid ?? false })) },
    identities: {
      findById: vi.fn(async (id: string) => identity(id)),
      findByIds: vi.fn(async (ids: readonly string[]) => ids.map((id) => identity(id))),
    },
    migrations: {
      findLatest: vi.fn(async (): Promise<ModelMigrationRecord | null> => null),
      lockGalleryShared: vi.fn(async () => undefined),
      storeEmbedding: vi.fn(async () => true),
    },
    recognition: {
      analyze: vi.fn(async () => ({
        width: 200,
        height: 200,
        faces: options.boxes
          ? options.boxes.map((box) => engineFace({ box }))
          : Array.from({ length: options.faces ?? 1 }, () => engineFace()),
        facesTruncated: false,
        timings: { decode: 0, detect: 0, align: 0, quality: 0, embed: 0, total: 0 },
      })),
      modelInfo: vi.fn(() => ({ dims: 3 }) as never),
      checkEnrollment: vi.fn(() => ({
        accepted: (options.violations ?? []).length === 0,
        violations: (options.violations ?? []).map(
          (code) => ({ code, message: `fix ${code}`, actual: 1, limit: 2 }) as never,
        ),
      })),
    },
    images: { put: vi.fn(async () => 'd'.repeat(64)), deleteUnreferenced: vi.fn(async () => []) },
    uploads: { resolve: vi.fn(async () => ({ bytes: new Uint8Array([1]), sha256: 'd'.repeat(64) })) },
    uow,
  } satisfies EnrollmentDependencies;
  return { service: new EnrollmentService(deps), deps, audit };
}

describe('EnrollmentService.enrollFace', () => {
  it('stores the image and the face with its embedding, and audits face.enroll', async () => {
    const { service, deps, audit } = setup({ nearest: 0.5 });
    const result = await service.enrollFace(ADMIN, { identityId: X, image });
    expect(result).toMatchObject({
      __typename: 'Enrolled',
      face: { id: 'face-new', createdAt: '2026-01-02T00:00:00.000Z' },
      warnings: [],
    });
    expect(deps.images.put).toHaveBeenCalled();
    expect(deps.enrollment.insertFace).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({
        identityId: X,
        imageKey: 'd'.repeat(64),
        modelId: 'faceapi-resnet128',
        embedding: Float32Array.from([1, 0, 0]),
      }),
    );
    expect(deps.matching.searchGallery).toHaveBeenCalledWith(
      expect.objectContaining({ galleryId: GALLERY_ID, excludeIdentityId: X, activeOnly: false }),
    );
    expect(audit.entries).toMatchObject([{ action: 'face.enroll', subject: 'face:face-new' }]);
    expect(audit.events).toEqual([
      {
        type: 'FaceEnrolled',
        faceId: 'face-new',
        identityId: X,
        galleryId: GALLERY_ID,
        replacedFaceId: null,
      },
    ]);
  });

  it.each([
    [{ faces: 0 }, { __typename: 'NoFace' }],
    [{ faces: 2 }, { __typename: 'MultipleFaces', count: 2 }],
    [
      { violations: ['FACE_TOO_SMALL', 'BLURRY'] },
      { __typename: 'LowQuality', reasons: [{ code: 'FACE_TOO_SMALL' }, { code: 'BLURRY' }] },
    ],
    [{ duplicateOf: Y }, { __typename: 'DuplicateImage', faceId: 'face-old', identity: { id: Y } }],
    [
      { nearest: 0.95, forbid: true },
      { __typename: 'LikelySameAs', identity: { id: Y }, score: 0.95 },
    ],
  ])('refuses %o as %o, storing nothing and auditing the refusal', async (options, expected) => {
    const { service, deps, audit } = setup(options);
    expect(await service.enrollFace(ADMIN, { identityId: X, image })).toMatchObject(expected);
    expect(deps.enrollment.insertFace).not.toHaveBeenCalled();
    expect(deps.images.put).not.toHaveBeenCalled();
    expect(audit.events).toEqual([]);
    expect(audit.entries).toMatchObject([
      {
        action: 'face.enrollRefused',
        payload: { reason: expected.__typename === 'NoFace' ? 'NO_FACE' : expect.any(String) },
      },
    ]);
  });

  it('re-checks the status under a row lock, and drops the stored image when the identity was erased meanwhile', async () => {
    const { service, deps, audit } = setup();
    deps.enrollment.lockIdentityStatus.mockResolvedValueOnce('ERASED');
    await expect(service.enrollFace(ADMIN, { identityId: X, image })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(deps.enrollment.insertFace).not.toHaveBeenCalled();
    expect(deps.images.deleteUnreferenced).toHaveBeenCalledWith(['d'.repeat(64)]);
    expect(audit.entries).toEqual([]);
  });

  it('enrolls a look-alike with a LIKELY_SAME_AS warning when the gallery allows it', async () => {
    const { service } = setup({ nearest: 0.95 });
    const result = await service.enrollFace(ADMIN, { identityId: X, image });
    expect(result).toMatchObject({
      __typename: 'Enrolled',
      warnings: [{ code: 'LIKELY_SAME_AS', identity: { id: Y }, score: 0.95 }],
    });
  });

  it('needs faces.enroll, an ACTIVE identity and the key to reach the gallery', async () => {
    const { service, deps } = setup();
    await expect(service.enrollFace(REVIEWER, { identityId: X, image })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const key: Actor = { kind: 'apiKey', keyId: 'k', scopes: ['enroll'], galleryId: Y, createdById: 'u' };
    await expect(service.enrollFace(key, { identityId: X, image })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    deps.identities.findById.mockResolvedValueOnce(identity(X, { status: 'SUSPENDED' }));
    await expect(service.enrollFace(ADMIN, { identityId: X, image })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    deps.identities.findById.mockResolvedValueOnce(null as never);
    await expect(service.enrollFace(ADMIN, { identityId: X, image })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(deps.recognition.analyze).not.toHaveBeenCalled();
  });
});

describe('EnrollmentService.enrollFace with a face choice', () => {
  const big = { x: 100, y: 50, width: 200, height: 220 };
  const small = { x: 400, y: 80, width: 90, height: 100 };

  it('enrolls the face the box or the index names, and audits the choice', async () => {
    const byBox = setup({ boxes: [big, small] });
    const result = await byBox.service.enrollFace(ADMIN, {
      identityId: X,
      image,
      face: { box: { x: 395, y: 70, width: 100, height: 110 } },
    });
    expect(result.__typename).toBe('Enrolled');
    expect(byBox.deps.enrollment.insertFace).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ box: small }),
    );
    expect(byBox.deps.recognition.checkEnrollment).toHaveBeenCalledWith(
      expect.objectContaining({ box: small }),
      expect.anything(),
      1,
    );
    expect(byBox.audit.entries).toMatchObject([
      { action: 'face.enroll', payload: { faceChoice: { kind: 'box', index: 1, faces: 2 } } },
    ]);

    const byIndex = setup({ boxes: [big, small] });
    await byIndex.service.enrollFace(ADMIN, { identityId: X, image, face: { index: 0 } });
    expect(byIndex.deps.enrollment.insertFace).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ box: big }),
    );
  });

  it('answers NoFaceInBox and FaceIndexOutOfRange with the detected boxes, audited, storing nothing', async () => {
    const { service, deps, audit } = setup({ boxes: [big, small] });
    expect(
      await service.enrollFace(ADMIN, {
        identityId: X,
        image,
        face: { box: { x: 0, y: 300, width: 50, height: 50 } },
      }),
    ).toMatchObject({ __typename: 'NoFaceInBox', faces: [big, small], bestOverlap: 0 });
    expect(await service.enrollFace(ADMIN, { identityId: X, image, face: { index: 2 } })).toMatchObject({
      __typename: 'FaceIndexOutOfRange',
      index: 2,
      count: 2,
      faces: [big, small],
    });
    expect(deps.enrollment.insertFace).not.toHaveBeenCalled();
    expect(audit.entries).toMatchObject([
      { action: 'face.enrollRefused', payload: { reason: 'NO_FACE_IN_BOX' } },
      { action: 'face.enrollRefused', payload: { reason: 'FACE_INDEX_OUT_OF_RANGE', index: 2, count: 2 } },
    ]);
  });

  it('lists the boxes in MultipleFaces without a choice', async () => {
    const { service } = setup({ boxes: [big, small] });
    expect(await service.enrollFace(ADMIN, { identityId: X, image })).toMatchObject({
      __typename: 'MultipleFaces',
      count: 2,
      faces: [big, small],
    });
  });

  it('counts the same image as a duplicate only for the same face when a face is chosen', async () => {
    const other = setup({ boxes: [big, small], duplicateOf: Y, duplicateBox: big });
    const enrolled = await other.service.enrollFace(ADMIN, { identityId: X, image, face: { index: 1 } });
    expect(enrolled.__typename).toBe('Enrolled');

    const same = setup({ boxes: [big, small], duplicateOf: Y, duplicateBox: small });
    expect(await same.service.enrollFace(ADMIN, { identityId: X, image, face: { index: 1 } })).toMatchObject({
      __typename: 'DuplicateImage',
      faceId: 'face-old',
      identity: { id: Y },
    });
    expect(same.deps.enrollment.insertFace).not.toHaveBeenCalled();
  });

  it('refuses a malformed choice as BAD_INPUT before reading the image', async () => {
    const { service, deps } = setup();
    for (const face of [
      {},
      { index: 0, largestIfClear: true },
      { index: -1 },
      { box: { x: 0, y: 0, width: 0, height: 5 } },
    ]) {
      await expect(service.enrollFace(ADMIN, { identityId: X, image, face })).rejects.toMatchObject({
        code: 'BAD_INPUT',
      });
    }
    expect(deps.uploads.resolve).not.toHaveBeenCalled();
  });
});

describe('EnrollmentService.deleteFace and replaceFace', () => {
  it('deletes under the identity lock, audits face.delete, then purges the photo unless still used', async () => {
    const { service, deps, audit } = setup();
    deps.images.deleteUnreferenced.mockResolvedValueOnce(['c'.repeat(64)] as never);
    const result = await service.deleteFace(ADMIN, { faceId: 'face-1' });
    expect(deps.enrollment.lockIdentityStatus).toHaveBeenCalled();
    expect(deps.enrollment.deleteFace).toHaveBeenCalledWith({}, 'face-1', X);
    expect(audit.entries).toEqual([
      expect.objectContaining({
        action: 'face.delete',
        subject: 'face:face-1',
        payload: { identityId: X, galleryId: GALLERY_ID },
      }),
    ]);
    expect(audit.events).toEqual([
      { type: 'FaceDeleted', faceId: 'face-1', identityId: X, galleryId: GALLERY_ID },
    ]);
    expect(deps.images.deleteUnreferenced).toHaveBeenCalledWith(['c'.repeat(64)]);
    expect(result).toMatchObject({ faceId: 'face-1', imageDeleted: true, identity: { id: X } });
  });

  it('needs faces.enroll and the gallery; an unknown or erased face is NOT_FOUND and nothing is purged', async () => {
    const { service, deps } = setup();
    await expect(service.deleteFace(REVIEWER, { faceId: 'face-1' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const key: Actor = { kind: 'apiKey', keyId: 'k', scopes: ['enroll'], galleryId: Y, createdById: 'u' };
    await expect(service.deleteFace(key, { faceId: 'face-1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    deps.enrollment.findFace.mockResolvedValueOnce(null as never);
    await expect(service.deleteFace(ADMIN, { faceId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    deps.enrollment.lockIdentityStatus.mockResolvedValueOnce('ERASED');
    await expect(service.deleteFace(ADMIN, { faceId: 'face-1' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(deps.enrollment.deleteFace).not.toHaveBeenCalled();
    expect(deps.images.deleteUnreferenced).not.toHaveBeenCalled();
  });

  it('replaces in the enrollment transaction (face.replace) and purges the old photo; a refusal keeps it', async () => {
    const { service, deps, audit } = setup({ faces: 2 });
    const refused = await service.replaceFace(ADMIN, { faceId: 'face-1', image });
    expect(refused.__typename).toBe('MultipleFaces');
    expect(deps.enrollment.deleteFace).not.toHaveBeenCalled();
    expect(deps.images.deleteUnreferenced).not.toHaveBeenCalled();

    const ok = setup();
    const replaced = await ok.service.replaceFace(ADMIN, { faceId: 'face-1', image });
    expect(replaced.__typename).toBe('Enrolled');
    expect(ok.deps.enrollment.deleteFace).toHaveBeenCalledWith({}, 'face-1', X);
    expect(ok.audit.entries.at(-1)).toMatchObject({
      action: 'face.replace',
      subject: 'face:face-new',
      payload: { replacedFaceId: 'face-1', identityId: X },
    });
    expect(ok.audit.events).toMatchObject([
      { type: 'FaceEnrolled', faceId: 'face-new', replacedFaceId: 'face-1' },
    ]);
    expect(ok.deps.images.deleteUnreferenced).toHaveBeenCalledWith(['c'.repeat(64)]);
    expect(audit.entries.map((e) => e.action)).toEqual(['face.enrollRefused']);
  });
});

describe('EnrollmentService while the gallery migrates to another model', () => {
  const TARGET = 'human-mobileface';
  const shadow = {
    status: 'SHADOW' as const,
    fromModelId: 'faceapi-resnet128',
    toModelId: TARGET,
  } as ModelMigrationRecord;
  const targetEmbedding = Float32Array.from([0, 1, 0, 0]);
  function migrating() {
    const setupResult = setup();
    setupResult.deps.recognition.analyze.mockResolvedValue({
      width: 200,
      height: 200,
      faces: [engineFace({ extraEmbeddings: { [TARGET]: targetEmbedding } })],
      facesTruncated: false,
      timings: { decode: 0, detect: 0, align: 0, quality: 0, embed: 0, total: 0 },
    });
    return setupResult;
  }

  it('embeds the face with the target too and stores that embedding in the same transaction', async () => {
    const { service, deps, audit } = migrating();
    deps.migrations.findLatest.mockResolvedValue(shadow);
    expect((await service.enrollFace(ADMIN, { identityId: X, image })).__typename).toBe('Enrolled');
    expect(deps.recognition.analyze).toHaveBeenCalledWith(expect.anything(), {
      modelId: 'faceapi-resnet128',
      extraModelIds: [TARGET],
    });
    expect(deps.migrations.lockGalleryShared).toHaveBeenCalledWith(expect.anything(), GALLERY_ID);
    expect(deps.migrations.storeEmbedding).toHaveBeenCalledWith(
      expect.anything(),
      'face-new',
      TARGET,
      targetEmbedding,
    );
    expect(audit.entries).toMatchObject([{ action: 'face.enroll', payload: { targetModelId: TARGET } }]);
  });

  it('without a migration at the check, stores no target embedding (the switch names the face)', async () => {
    const { service, deps, audit } = setup();
    deps.migrations.findLatest.mockResolvedValueOnce(null).mockResolvedValue(shadow);
    expect((await service.enrollFace(ADMIN, { identityId: X, image })).__typename).toBe('Enrolled');
    expect(deps.recognition.analyze).toHaveBeenCalledWith(expect.anything(), {
      modelId: 'faceapi-resnet128',
    });
    expect(deps.migrations.storeEmbedding).not.toHaveBeenCalled();
    expect(audit.entries[0]?.payload).not.toHaveProperty('targetModelId');
  });

  it('refuses with CONFLICT when the gallery switched models between the check and the write', async () => {
    const { service, deps, audit } = migrating();
    deps.migrations.findLatest.mockResolvedValue(shadow);
    deps.galleries.findById
      .mockResolvedValueOnce(gallery())
      .mockResolvedValue(gallery({ embeddingModelId: TARGET }));
    await expect(service.enrollFace(ADMIN, { identityId: X, image })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/enroll the photo again/),
    });
    expect(deps.enrollment.insertFace).not.toHaveBeenCalled();
    expect(audit.entries).toEqual([]);
    expect(deps.images.deleteUnreferenced).toHaveBeenCalledWith(['d'.repeat(64)]);
  });
});
