// identify's shadow-mode hook with its repositories faked: the scorer gets each probe face's answer,
// its counts are recorded inside identify's own transaction and its answer goes into the audit
// entry; identify's own answer is unchanged, and without a shadow nothing of it appears.
import { describe, expect, it, vi } from 'vitest';
import { ADMIN, engineFace, gallery, GALLERY_ID, identity } from '../../../test/recognition-fakes.js';
import { recordingUnitOfWork } from '../../infrastructure/unit-of-work/recording-unit-of-work.js';
import type { Transaction } from '../audit/audit.repository.js';
import { MatchingService, type MatchingDependencies } from './matching.service.js';
import type { ShadowResult, ShadowScorer } from './shadow-scoring.js';

const X = '00000000-0000-4000-8000-000000000001';
const Y = '00000000-0000-4000-8000-000000000002';
const TX = { marker: 'identify-transaction' } as unknown as Transaction;

function setup(shadow?: ShadowScorer) {
  const { uow, entries } = recordingUnitOfWork(TX);
  const deps = {
    matching: {
      searchGallery: vi.fn(async () => [
        { faceId: 'x1', identityId: X, score: 0.97 },
        { faceId: 'y1', identityId: Y, score: 0.6 },
      ]),
      bestFaceOfIdentity: vi.fn(async () => null),
      identitiesRejectedNear: vi.fn(async () => new Set<string>()),
      createEvent: vi.fn(async () => ({ id: 'event-1', createdAt: new Date(0) })),
      countExpiredProbes: vi.fn(async () => 0),
      expireProbes: vi.fn(async () => []),
      findFaces: vi.fn(async () => []),
    },
    galleries: { findById: vi.fn(async () => gallery({ identifyThresholdOverride: 0.9 })) },
    identities: {
      findById: vi.fn(async (id: string) => identity(id)),
      findByIds: vi.fn(async (ids: readonly string[]) => ids.map((id) => identity(id))),
    },
    recognition: {
      analyze: vi.fn(async () => ({
        width: 200,
        height: 200,
        faces: [engineFace({ box: { x: 10, y: 12, width: 120, height: 140 } })],
        facesTruncated: false,
        timings: { decode: 0, detect: 0, align: 0, quality: 0, embed: 0, total: 0 },
      })),
      modelInfo: vi.fn(() => ({ dims: 3, threshold: 0.91 }) as never),
      defaultModelId: vi.fn(() => 'faceapi-resnet128'),
      detectorName: vi.fn(() => 'blazeface'),
    },
    images: { put: vi.fn(async () => 'c'.repeat(64)), deleteUnreferenced: vi.fn(async () => []) },
    uploads: { resolve: vi.fn(async () => ({ bytes: new Uint8Array([1, 2, 3]), sha256: 'c'.repeat(64) })) },
    uow,
    ...(shadow && { shadow }),
  } satisfies MatchingDependencies;
  return { service: new MatchingService(deps), entries };
}

describe('identify in shadow mode', () => {
  it('hands the scorer each face’s answer, records its counts in identify’s transaction and audits its answer', async () => {
    const recorded: unknown[] = [];
    const result: ShadowResult = {
      modelId: 'human-mobileface',
      threshold: 0.17,
      faces: [{ decision: 'UNKNOWN', topIdentityId: Y, topScore: 0.12 }],
      counts: { probes: 1, sameDecision: 0, sameTop: 0, currentMatches: 1, targetMatches: 0 },
      record: async (tx) => {
        recorded.push(tx);
      },
    };
    const scoreShadow = vi.fn(async () => result);
    const { service, entries } = setup({ scoreShadow });

    const answer = await service.identify(ADMIN, { galleryId: GALLERY_ID, image: { base64: 'AAAA' } });

    expect(answer.faces[0]?.decision).toBe('MATCH');
    expect(answer.faces[0]?.identity?.id).toBe(X);
    expect(scoreShadow).toHaveBeenCalledWith(
      expect.objectContaining({ id: GALLERY_ID }),
      new Uint8Array([1, 2, 3]),
      [{ box: { x: 10, y: 12, width: 120, height: 140 }, decision: 'MATCH', topIdentityId: X }],
    );
    expect(recorded).toEqual([TX]);
    expect(entries[0]?.payload).toMatchObject({
      decisions: ['MATCH'],
      shadow: { modelId: 'human-mobileface', threshold: 0.17, faces: result.faces },
    });
  });

  it('leaves identify as it was when the gallery is not in shadow mode or there is no scorer', async () => {
    const idle = setup({ scoreShadow: vi.fn(async () => null) });
    await idle.service.identify(ADMIN, { galleryId: GALLERY_ID, image: { base64: 'AAAA' } });
    expect(idle.entries[0]?.payload).not.toHaveProperty('shadow');
    const plain = setup();
    const answer = await plain.service.identify(ADMIN, { galleryId: GALLERY_ID, image: { base64: 'AAAA' } });
    expect(answer.faces[0]?.decision).toBe('MATCH');
    expect(plain.entries[0]?.payload).not.toHaveProperty('shadow');
  });
});
