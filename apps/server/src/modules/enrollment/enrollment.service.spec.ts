// EnrollmentService with its repositories faked: every typed result and what gets stored and audited.
import { describe, expect, it, vi } from 'vitest';
import {
  ADMIN,
  engineFace,
  fakeAudit,
  gallery,
  GALLERY_ID,
  identity,
  REVIEWER,
} from '../../../test/recognition-fakes.js';
import type { Actor } from '../auth/actor.js';
import { EnrollmentService, type EnrollmentDependencies } from './enrollment.service.js';

const X = '00000000-0000-4000-8000-000000000001';
const Y = '00000000-0000-4000-8000-000000000002';
const image = { base64: 'AAAA' };

function setup(
  options: {
    faces?: number;
    violations?: string[];
    nearest?: number;
    forbid?: boolean;
    duplicateOf?: string;
  } = {},
) {
  const audit = fakeAudit();
  const deps = {
    enrollment: {
      lockIdentityStatus: vi.fn(async (): Promise<string | null> => 'ACTIVE'),
      findFaceByImage: vi.fn(async () =>
        options.duplicateOf ? { faceId: 'face-old', identityId: options.duplicateOf } : null,
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
    recognition: {
      analyze: vi.fn(async () => ({
        width: 200,
        height: 200,
        faces: Array.from({ length: options.faces ?? 1 }, () => engineFace()),
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
    audit,
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
    expect(ok.deps.images.deleteUnreferenced).toHaveBeenCalledWith(['c'.repeat(64)]);
    expect(audit.entries.map((e) => e.action)).toEqual(['face.enrollRefused']);
  });
});
