// identify's shadow-mode hook with its repositories faked: one analysis embeds the probe with both
// models, the scoring gets each probe face's answer, target embedding and negative exemplars, its
// counts are recorded inside identify's own transaction and its answer goes into the audit entry;
// identify's own answer is unchanged, a failing target leaves identify answering without the
// shadow, and without a shadow nothing of it appears.
import { describe, expect, it, vi } from 'vitest';
import { ADMIN, engineFace, gallery, GALLERY_ID, identity } from '../../../test/recognition-fakes.js';
import { recordingUnitOfWork } from '../../infrastructure/unit-of-work/recording-unit-of-work.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { Transaction } from '../audit/audit.repository.js';
import { MatchingService, type MatchingDependencies } from './matching.service.js';
import type { ShadowResult, ShadowScorer, ShadowScoring } from './shadow-scoring.js';

const X = '00000000-0000-4000-8000-000000000001';
const Y = '00000000-0000-4000-8000-000000000002';
const TX = { marker: 'identify-transaction' } as unknown as Transaction;
const TARGET = 'human-mobileface';
/** The probe face's embedding under the target, as the engine returns it beside the current one. */
const TARGET_EMBEDDING = Float32Array.from([0, 1, 0, 0]);

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
        faces: [
          engineFace({
            box: { x: 10, y: 12, width: 120, height: 140 },
            extraEmbeddings: { [TARGET]: TARGET_EMBEDDING },
          }),
        ],
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
  return { service: new MatchingService(deps), deps, entries };
}

/** A scorer in shadow mode whose scoring answers `result`. */
function scorer(result: ShadowResult | null = null) {
  const scoring = {
    modelId: TARGET,
    scoreShadow: vi.fn<ShadowScoring['scoreShadow']>(async () => result),
    abandon: vi.fn<ShadowScoring['abandon']>(),
  };
  return { scoring, shadowFor: vi.fn(async () => scoring) };
}

describe('identify in shadow mode', () => {
  it('embeds the probe with both models in one analysis, hands the scoring each face’s answer, records its counts in identify’s transaction and audits its answer', async () => {
    const recorded: unknown[] = [];
    const result: ShadowResult = {
      modelId: TARGET,
      threshold: 0.17,
      faces: [{ decision: 'UNKNOWN', topIdentityId: Y, topScore: 0.12 }],
      counts: { probes: 1, sameDecision: 0, sameTop: 0, currentMatches: 1, targetMatches: 0 },
      record: async (tx) => {
        recorded.push(tx);
      },
    };
    const { scoring, shadowFor } = scorer(result);
    const { service, deps, entries } = setup({ shadowFor });

    const answer = await service.identify(ADMIN, {
      galleryId: GALLERY_ID,
      image: { base64: 'AAAA' },
      topK: 3,
    });

    expect(answer.faces[0]?.decision).toBe('MATCH');
    expect(answer.faces[0]?.identity?.id).toBe(X);
    expect(shadowFor).toHaveBeenCalledWith(expect.objectContaining({ id: GALLERY_ID }));
    expect(deps.recognition.analyze).toHaveBeenCalledTimes(1);
    expect(deps.recognition.analyze).toHaveBeenCalledWith(new Uint8Array([1, 2, 3]), {
      modelId: 'faceapi-resnet128',
      extraModelIds: [TARGET],
    });
    // Read and ranked as identify did: its topK, and topK x the over-fetch factor 10 faces.
    expect(scoring.scoreShadow).toHaveBeenCalledWith({
      topK: 3,
      facesRead: 30,
      faces: [
        {
          decision: 'MATCH',
          topIdentityId: X,
          targetEmbedding: TARGET_EMBEDDING,
          rejectedAmong: expect.any(Function),
        },
      ],
    });
    // The face's negative exemplars are identify's own: its current-model embedding and model.
    const [call] = scoring.scoreShadow.mock.calls[0]!;
    deps.matching.identitiesRejectedNear.mockClear();
    await call.faces[0]!.rejectedAmong([Y]);
    expect(deps.matching.identitiesRejectedNear).toHaveBeenCalledWith(
      [Y],
      Float32Array.from([1, 0, 0]),
      { id: 'faceapi-resnet128', dims: 3 },
      0.9,
    );
    expect(recorded).toEqual([TX]);
    expect(entries[0]?.payload).toMatchObject({
      decisions: ['MATCH'],
      shadow: { modelId: TARGET, threshold: 0.17, faces: result.faces },
    });
    expect(scoring.abandon).not.toHaveBeenCalled();
  });

  it('answers without the shadow when the analysis with the target fails, and throws a bad image as it is', async () => {
    const { scoring, shadowFor } = scorer();
    const { service, deps, entries } = setup({ shadowFor });
    const refused = new AppError(ErrorCode.BAD_INPUT, 'Model human-mobileface is unavailable.');
    deps.recognition.analyze.mockRejectedValueOnce(refused);

    const answer = await service.identify(ADMIN, { galleryId: GALLERY_ID, image: { base64: 'AAAA' } });

    expect(answer.faces[0]?.decision).toBe('MATCH');
    expect(deps.recognition.analyze).toHaveBeenCalledTimes(2);
    expect(deps.recognition.analyze).toHaveBeenLastCalledWith(new Uint8Array([1, 2, 3]), {
      modelId: 'faceapi-resnet128',
    });
    expect(scoring.abandon).toHaveBeenCalledWith(refused);
    expect(scoring.scoreShadow).not.toHaveBeenCalled();
    expect(entries[0]?.payload).not.toHaveProperty('shadow');

    const bad = setup(scorer());
    bad.deps.recognition.analyze.mockRejectedValueOnce(new AppError(ErrorCode.BAD_IMAGE, 'Not an image.'));
    await expect(
      bad.service.identify(ADMIN, { galleryId: GALLERY_ID, image: { base64: 'AAAA' } }),
    ).rejects.toMatchObject({ code: ErrorCode.BAD_IMAGE });
    expect(bad.deps.recognition.analyze).toHaveBeenCalledTimes(1);
  });

  it('leaves identify as it was when the gallery is not in shadow mode or there is no scorer', async () => {
    const idle = setup({ shadowFor: vi.fn(async () => null) });
    await idle.service.identify(ADMIN, { galleryId: GALLERY_ID, image: { base64: 'AAAA' } });
    expect(idle.deps.recognition.analyze).toHaveBeenCalledWith(new Uint8Array([1, 2, 3]), {
      modelId: 'faceapi-resnet128',
    });
    expect(idle.entries[0]?.payload).not.toHaveProperty('shadow');
    const plain = setup();
    const answer = await plain.service.identify(ADMIN, { galleryId: GALLERY_ID, image: { base64: 'AAAA' } });
    expect(answer.faces[0]?.decision).toBe('MATCH');
    expect(plain.entries[0]?.payload).not.toHaveProperty('shadow');
  });
});
