// ReviewsService with its repositories faked: who may review, which identity a verdict names, the
// audit entry, and which models a REJECT's probe is carried to during a model migration.
import type { AnalysisResult } from '@faceledger/recognition';
import { describe, expect, it, vi } from 'vitest';
import {
  ADMIN,
  AUDITOR,
  engineFace,
  gallery,
  GALLERY_ID,
  identity,
  REVIEWER,
} from '../../../test/recognition-fakes.js';
import { recordingUnitOfWork } from '../../infrastructure/unit-of-work/recording-unit-of-work.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { Actor } from '../auth/actor.js';
import type { ModelMigrationRecord } from '../model-migration/model-migration.repository.js';
import type { MatchEventRecord, ReviewRecord } from './reviews.repository.js';
import { confirmationsOf, ReviewsService, type ReviewsDependencies } from './reviews.service.js';

const X = '00000000-0000-4000-8000-000000000001';
const Y = '00000000-0000-4000-8000-000000000002';
const EVENT = '00000000-0000-4000-8000-0000000000e1';

function event(overrides: Partial<MatchEventRecord> = {}): MatchEventRecord {
  return {
    id: EVENT,
    kind: 'IDENTIFY',
    galleryId: GALLERY_ID,
    decision: 'MATCH',
    threshold: 0.9,
    modelId: 'faceapi-resnet128',
    latencyMs: 12,
    probeSha256: 'e'.repeat(64),
    probeImageKey: null,
    probeBox: null,
    requesterUserId: null,
    requesterKeyId: null,
    createdAt: new Date('2026-01-03T00:00:00Z'),
    needsReview: false,
    requiredConfirmations: 1,
    candidates: [
      { identityId: X, faceId: null, score: 0.93, rank: 1 },
      { identityId: Y, faceId: null, score: 0.8, rank: 2 },
    ],
    reviews: [],
    ...overrides,
  };
}

const ORIGINAL = 'faceapi-resnet128';
const TARGET = 'human-mobileface';
const PROBE_BOX = { x: 200, y: 40, width: 100, height: 120 };

function migration(overrides: Partial<ModelMigrationRecord> = {}): ModelMigrationRecord {
  return {
    id: '00000000-0000-4000-8000-0000000000f1',
    galleryId: GALLERY_ID,
    fromModelId: ORIGINAL,
    toModelId: TARGET,
    status: 'SHADOW',
    jobId: null,
    shadowProbes: 0,
    shadowSameDecision: 0,
    shadowSameTop: 0,
    shadowCurrentMatches: 0,
    shadowTargetMatches: 0,
    previousMatchThreshold: null,
    previousIdentifyThresholdOverride: null,
    switchedAt: null,
    rolledBackAt: null,
    createdBy: 'user:x',
    createdAt: new Date(0),
    ...overrides,
  };
}

/** Two faces, the second at PROBE_BOX; each embedded with the model asked for and the extra ones. */
function twoFaces(options: { modelId?: string; extraModelIds?: readonly string[] } = {}): AnalysisResult {
  const face = (box: typeof PROBE_BOX, first: number) => {
    const modelId = options.modelId ?? ORIGINAL;
    return engineFace({
      box,
      modelId,
      embedding: Float32Array.from([first, 0, 1]),
      extraEmbeddings: Object.fromEntries(
        (options.extraModelIds ?? []).map((m) => [m, Float32Array.from([first, 1, 0])]),
      ),
    });
  };
  return {
    faces: [face({ x: 10, y: 10, width: 100, height: 120 }, 1), face(PROBE_BOX, 2)],
  } as unknown as AnalysisResult;
}

function setup(
  found: MatchEventRecord | null = event(),
  options: { latest?: ModelMigrationRecord | null; galleryModel?: string; probeModels?: string[] } = {},
) {
  const { uow, entries } = recordingUnitOfWork();
  const deps = {
    reviews: {
      findPage: vi.fn(async () => ({ rows: found ? [found] : [], hasMore: false })),
      findById: vi.fn(async () => found),
      createReview: vi.fn(
        async (
          _tx: unknown,
          r: {
            eventId: string;
            reviewerId: string;
            verdict: 'CONFIRM' | 'REJECT' | 'REASSIGN' | 'UNKNOWN' | 'DISMISS';
            targetIdentityId: string | null;
            note: string;
          },
        ) => ({
          id: 'review-1',
          ...r,
          reviewerEmail: 'r@example.org',
          createdAt: new Date('2026-01-04T00:00:00Z'),
        }),
      ),
      hasConfirmed: vi.fn(async (): Promise<boolean> => false),
      findReviewPolicy: vi.fn(async () => ({ requiredConfirmations: 1 })),
      setRequiredConfirmations: vi.fn(async () => 1),
      findProbeModels: vi.fn(async () => options.probeModels ?? [found?.modelId ?? ORIGINAL]),
    },
    identities: {
      findById: vi.fn(async (id: string) => identity(id)),
      findByIds: vi.fn(async (ids: readonly string[]) => ids.map((id) => identity(id))),
    },
    matching: { findFaces: vi.fn(async () => []) },
    galleries: {
      findById: vi.fn(async () => gallery({ embeddingModelId: options.galleryModel ?? ORIGINAL })),
    },
    migrations: {
      findLatest: vi.fn(async () => options.latest ?? null),
      lockGalleryShared: vi.fn(async () => undefined),
      storeProbeEmbedding: vi.fn(
        async (_tx: unknown, _eventId: string, _modelId: string, _embedding: ArrayLike<number>) => true,
      ),
    },
    recognition: {
      analyze: vi.fn(
        async (_image: Uint8Array, opts?: { modelId?: string; extraModelIds?: readonly string[] }) =>
          twoFaces(opts),
      ),
    },
    images: { get: vi.fn(async (): Promise<Uint8Array | null> => Uint8Array.from([0xff, 0xd8])) },
    uow,
    logger: { warn: vi.fn() },
  } satisfies ReviewsDependencies;
  return { service: new ReviewsService(deps), deps, entries };
}

describe('ReviewsService.reviewMatch', () => {
  it('REJECT without identityId rejects the top candidate, and is audited', async () => {
    const { service, deps, entries } = setup();
    const review = await service.reviewMatch(REVIEWER, {
      eventId: EVENT,
      verdict: 'REJECT',
      note: ' wrong person ',
    });
    expect(review).toMatchObject({
      verdict: 'REJECT',
      identity: { id: X },
      note: 'wrong person',
      reviewerEmail: 'r@example.org',
    });
    expect(deps.reviews.createReview).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({
        targetIdentityId: X,
        reviewerId: REVIEWER.kind === 'user' ? REVIEWER.userId : '',
      }),
    );
    expect(entries).toMatchObject([
      {
        action: 'matchEvent.review',
        subject: `matchEvent:${EVENT}`,
        payload: { verdict: 'REJECT', identityId: X },
      },
    ]);
  });

  it('CONFIRM and REJECT must name a candidate; REASSIGN needs an identity of the gallery', async () => {
    const { service, deps } = setup();
    expect(
      await service.reviewMatch(ADMIN, { eventId: EVENT, verdict: 'CONFIRM', identityId: Y }),
    ).toMatchObject({ identity: { id: Y } });
    const other = '00000000-0000-4000-8000-000000000009';
    await expect(
      service.reviewMatch(ADMIN, { eventId: EVENT, verdict: 'REJECT', identityId: other }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(service.reviewMatch(ADMIN, { eventId: EVENT, verdict: 'REASSIGN' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(
      await service.reviewMatch(ADMIN, { eventId: EVENT, verdict: 'REASSIGN', identityId: other }),
    ).toMatchObject({ identity: { id: other } });
    deps.identities.findById.mockResolvedValueOnce(
      identity(other, { galleryId: '00000000-0000-4000-8000-0000000000a2' }),
    );
    await expect(
      service.reviewMatch(ADMIN, { eventId: EVENT, verdict: 'REASSIGN', identityId: other }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('only people with matchEvents.review may review, and only identify and verify events', async () => {
    await expect(
      setup().service.reviewMatch(AUDITOR, { eventId: EVENT, verdict: 'CONFIRM' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const key: Actor = { kind: 'apiKey', keyId: 'k', scopes: ['read'], galleryId: null, createdById: 'u' };
    await expect(
      setup().service.reviewMatch(key, { eventId: EVENT, verdict: 'CONFIRM' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      setup(event({ kind: 'COMPARE', candidates: [] })).service.reviewMatch(ADMIN, {
        eventId: EVENT,
        verdict: 'CONFIRM',
      }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(
      setup(null).service.reviewMatch(ADMIN, { eventId: EVENT, verdict: 'CONFIRM' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('ReviewsService.listMatchEvents', () => {
  it('pins a gallery-restricted key to its gallery and maps events with cursors', async () => {
    const { service, deps } = setup();
    const key: Actor = {
      kind: 'apiKey',
      keyId: 'k',
      scopes: ['read'],
      galleryId: GALLERY_ID,
      createdById: 'u',
    };
    const page = await service.listMatchEvents(key, { filter: { needsReview: true }, first: 10 });
    expect(deps.reviews.findPage).toHaveBeenCalledWith(
      expect.objectContaining({ galleryId: GALLERY_ID, needsReview: true }),
      10,
      null,
    );
    expect(page.edges[0]?.node).toMatchObject({
      id: EVENT,
      topScore: 0.93,
      probeImageAvailable: false,
      probeBox: null,
      createdAt: '2026-01-03T00:00:00.000Z',
    });
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, endCursor: page.edges[0]?.cursor });
    await expect(service.listMatchEvents(key, { filter: { galleryId: X } })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(service.listMatchEvents(ADMIN, { filter: { from: 'yesterday' } })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(service.listMatchEvents(ADMIN, { after: 'garbage' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
  });
});

describe('ReviewsService verdicts that name nobody, and confirmations', () => {
  it('UNKNOWN and DISMISS name no identity and are audited as such', async () => {
    const { service, deps, entries } = setup(event({ decision: 'UNKNOWN' }));
    expect(await service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'UNKNOWN' })).toMatchObject({
      verdict: 'UNKNOWN',
      identity: null,
    });
    expect(deps.reviews.createReview).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ verdict: 'UNKNOWN', targetIdentityId: null }),
    );
    await expect(
      service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'DISMISS', identityId: X }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(entries).toMatchObject([{ payload: { verdict: 'UNKNOWN', identityId: null } }]);
  });

  it('counts different reviewers of the latest confirmed identity, standing only while no other verdict follows', () => {
    const review = (reviewerId: string, verdict: ReviewRecord['verdict'], target: string | null = X) => ({
      id: `${reviewerId}-${verdict}`,
      eventId: EVENT,
      verdict,
      targetIdentityId: target,
      note: '',
      reviewerId,
      reviewerEmail: null,
      createdAt: new Date('2026-01-04T00:00:00Z'),
    });
    expect(confirmationsOf([])).toEqual({ confirmations: 0, isStanding: false });
    expect(confirmationsOf([review('a', 'CONFIRM'), review('a', 'CONFIRM')])).toEqual({
      confirmations: 1,
      isStanding: true,
    });
    expect(
      confirmationsOf([review('a', 'CONFIRM', Y), review('b', 'CONFIRM'), review('c', 'CONFIRM')]),
    ).toEqual({
      confirmations: 2,
      isStanding: true,
    });
    expect(
      confirmationsOf([review('a', 'CONFIRM'), review('b', 'CONFIRM'), review('c', 'DISMISS', null)]),
    ).toEqual({ confirmations: 2, isStanding: false });
  });

  it('refuses a second CONFIRM of the same identity by the same reviewer', async () => {
    const { service, deps } = setup(event({ requiredConfirmations: 2 }));
    deps.reviews.hasConfirmed.mockResolvedValueOnce(true);
    await expect(service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'CONFIRM' })).rejects.toMatchObject(
      {
        code: 'BAD_INPUT',
        message: expect.stringMatching(/a second, different reviewer must confirm it/),
      },
    );
    expect(deps.reviews.createReview).not.toHaveBeenCalled();
  });
});

describe('ReviewsService: a REJECT given during a model migration carries its probe', () => {
  const kept = { probeImageKey: 'probes/e1.jpg', probeBox: PROBE_BOX };

  it('in SHADOW, embeds the kept probe with the target before the transaction and stores the face at the probe box in it', async () => {
    const { service, deps, entries } = setup(event(kept), { latest: migration({ status: 'SHADOW' }) });
    await service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'REJECT' });
    expect(deps.recognition.analyze).toHaveBeenCalledTimes(1);
    expect(deps.recognition.analyze.mock.calls[0]![1]).toEqual({ modelId: TARGET });
    // The face at the probe box (the second), not the first the engine found.
    expect(deps.migrations.storeProbeEmbedding).toHaveBeenCalledWith(
      expect.anything(),
      EVENT,
      TARGET,
      Float32Array.from([2, 0, 1]),
    );
    // The engine ran before the review's transaction, whose gallery lock came before the review.
    const analysed = deps.recognition.analyze.mock.invocationCallOrder[0]!;
    const locked = deps.migrations.lockGalleryShared.mock.invocationCallOrder[0]!;
    expect(analysed).toBeLessThan(locked);
    expect(locked).toBeLessThan(deps.reviews.createReview.mock.invocationCallOrder[0]!);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.payload).toMatchObject({ verdict: 'REJECT', carriedTo: [TARGET] });
    expect(JSON.stringify(entries[0]!.payload)).not.toMatch(/embedding|box/i);
  });

  it('in a rollback window, embeds a probe of the new model with the previous one and an old probe with the new one', async () => {
    const switched = migration({ status: 'SWITCHED' });
    const recordedAfter = setup(event({ ...kept, modelId: TARGET }), {
      latest: switched,
      galleryModel: TARGET,
    });
    await recordedAfter.service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'REJECT' });
    expect(recordedAfter.deps.recognition.analyze.mock.calls[0]![1]).toEqual({ modelId: ORIGINAL });
    expect(recordedAfter.entries[0]!.payload).toMatchObject({ carriedTo: [ORIGINAL] });

    const recordedBefore = setup(event(kept), { latest: switched, galleryModel: TARGET });
    await recordedBefore.service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'REJECT' });
    expect(recordedBefore.deps.recognition.analyze.mock.calls[0]![1]).toEqual({ modelId: TARGET });
    expect(recordedBefore.entries[0]!.payload).toMatchObject({ carriedTo: [TARGET] });

    // A probe of a model the gallery left: one analysis, both models' embeddings.
    const older = setup(event({ ...kept, modelId: 'operator-model' }), {
      latest: switched,
      galleryModel: TARGET,
    });
    await older.service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'REJECT' });
    expect(older.deps.recognition.analyze.mock.calls[0]![1]).toEqual({
      modelId: TARGET,
      extraModelIds: [ORIGINAL],
    });
    expect(older.deps.migrations.storeProbeEmbedding.mock.calls.map((c) => [c[2], Array.from(c[3])])).toEqual(
      [
        [TARGET, [2, 0, 1]],
        [ORIGINAL, [2, 1, 0]],
      ],
    );
    expect(older.entries[0]!.payload).toMatchObject({ carriedTo: [TARGET, ORIGINAL] });
  });

  it('embeds nothing when the probe has every model already, no migration runs, or the verdict is not a REJECT', async () => {
    const carried = setup(event(kept), {
      latest: migration({ status: 'SHADOW' }),
      probeModels: [ORIGINAL, TARGET],
    });
    await carried.service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'REJECT' });
    const none = setup(event(kept), { latest: migration({ status: 'CANCELLED' }) });
    await none.service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'REJECT' });
    const confirmed = setup(event(kept), { latest: migration({ status: 'SHADOW' }) });
    await confirmed.service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'CONFIRM' });
    const cleared = setup(event(kept), { latest: migration({ status: 'SHADOW' }), probeModels: [] });
    await cleared.service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'REJECT' });
    for (const { deps } of [carried, none, confirmed, cleared]) {
      expect(deps.recognition.analyze).not.toHaveBeenCalled();
      expect(deps.migrations.storeProbeEmbedding).not.toHaveBeenCalled();
    }
    expect(carried.entries[0]!.payload).toMatchObject({ carriedTo: [] });
    expect(confirmed.entries[0]!.payload).not.toHaveProperty('carriedTo');
  });

  it('records the REJECT all the same when the image is gone, unreadable, has no face at the box or the engine is down', async () => {
    const latest = migration({ status: 'RE_EMBEDDING' });
    const purged = setup(event({ ...kept, probeImageKey: null }), { latest });
    const missing = setup(event(kept), { latest });
    missing.deps.images.get.mockResolvedValueOnce(null);
    const unreadable = setup(event(kept), { latest });
    unreadable.deps.recognition.analyze.mockRejectedValueOnce(
      new AppError(ErrorCode.BAD_IMAGE, 'The image cannot be decoded.'),
    );
    const down = setup(event(kept), { latest });
    down.deps.recognition.analyze.mockRejectedValueOnce(
      new AppError(ErrorCode.ENGINE_UNAVAILABLE, 'The recognition engine is loading.'),
    );
    const elsewhere = setup(event({ ...kept, probeBox: { x: 600, y: 600, width: 50, height: 50 } }), {
      latest,
    });
    // No box kept and two faces: which one was the probe cannot be told.
    const noBox = setup(event({ ...kept, probeBox: null }), { latest });
    for (const { service, deps, entries } of [purged, missing, unreadable, down, elsewhere, noBox]) {
      expect(await service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'REJECT' })).toMatchObject({
        verdict: 'REJECT',
        identity: { id: X },
      });
      expect(deps.reviews.createReview).toHaveBeenCalledTimes(1);
      expect(deps.migrations.storeProbeEmbedding).not.toHaveBeenCalled();
      expect(entries[0]!.payload).toMatchObject({ verdict: 'REJECT', carriedTo: [] });
    }
    expect(purged.deps.images.get).not.toHaveBeenCalled();
    expect(down.deps.logger.warn).toHaveBeenCalledTimes(1);
  });

  it('stores only the models the gallery still needs when a migration changed during the analysis', async () => {
    const { service, deps, entries } = setup(event(kept), { latest: migration({ status: 'SHADOW' }) });
    // Cancelled (another start) between the analysis and the transaction.
    deps.migrations.findLatest
      .mockResolvedValueOnce(migration({ status: 'SHADOW' }))
      .mockResolvedValueOnce(migration({ status: 'CANCELLED' }));
    await service.reviewMatch(REVIEWER, { eventId: EVENT, verdict: 'REJECT' });
    expect(deps.recognition.analyze).toHaveBeenCalledTimes(1);
    expect(deps.migrations.storeProbeEmbedding).not.toHaveBeenCalled();
    expect(entries[0]!.payload).toMatchObject({ carriedTo: [] });
  });
});
