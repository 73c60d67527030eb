// ModelMigrationService with its repositories faked: the thresholds a switch sets, which detected
// face is the enrolled one, and shadow scoring's decisions (identify's rule: its topK and faces read,
// negative exemplars, the target threshold) and agreement counts.
import { describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { engineFace, gallery } from '../../../test/recognition-fakes.js';
import { sameFace } from '../enrollment/face-choice.js';
import type { ModelMigrationRecord } from './model-migration.repository.js';
import {
  ModelMigrationService,
  targetThresholds,
  type ModelMigrationDependencies,
} from './model-migration.service.js';

const X = '00000000-0000-4000-8000-000000000001';
const Y = '00000000-0000-4000-8000-000000000002';

function migration(overrides: Partial<ModelMigrationRecord> = {}): ModelMigrationRecord {
  return {
    id: '00000000-0000-4000-8000-0000000000f1',
    galleryId: gallery().id,
    fromModelId: 'faceapi-resnet128',
    toModelId: 'operator-model',
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

function setup(
  latest: ModelMigrationRecord | null,
  hits: Array<{ faceId: string; identityId: string; score: number }>,
) {
  const addShadowCounts = vi.fn(async () => undefined);
  const searchKept = vi.fn(async () => hits);
  const deps = {
    migrations: { findLatest: vi.fn(async () => latest), searchKept, addShadowCounts } as never,
    jobs: {} as never,
    galleries: {} as never,
    recognition: {
      // An operator model without an identify calibration: pair threshold 0.5.
      modelInfo: vi.fn(() => ({ id: 'operator-model', dims: 4, threshold: 0.5 }) as never),
      analyze: vi.fn(async () => ({
        width: 400,
        height: 200,
        faces: [
          engineFace({ box: { x: 12, y: 10, width: 118, height: 140 } }),
          engineFace({ box: { x: 250, y: 10, width: 100, height: 120 } }),
        ],
        facesTruncated: false,
        timings: { decode: 0, detect: 0, align: 0, quality: 0, embed: 0, total: 0 },
      })),
      status: vi.fn(),
    },
    images: {} as never,
    uow: {} as never,
    logger: pino({ level: 'silent' }),
  } satisfies ModelMigrationDependencies;
  return { service: new ModelMigrationService(deps), searchKept, addShadowCounts, deps };
}

describe('targetThresholds', () => {
  it('takes the pair threshold, and the calibration when the model ships one, else the pair threshold as the override', () => {
    expect(targetThresholds(gallery(), 'operator-model', 0.5)).toEqual({
      matchThreshold: 0.5,
      identifyThreshold: 0.5,
      identifyThresholdOverride: 0.5,
      source: 'OVERRIDE',
    });
    const calibrated = targetThresholds(
      gallery({ identifyThresholdOverride: 1.2 }),
      'faceapi-resnet128',
      0.911,
    );
    expect(calibrated).toMatchObject({
      matchThreshold: 0.911,
      identifyThresholdOverride: null,
      source: 'CALIBRATED',
    });
    // The old model's override is not carried over: the calibration at the gallery's size.
    expect(calibrated.identifyThreshold).not.toBe(1.2);
    expect(calibrated.identifyThreshold).toBeGreaterThan(0.9);
  });
});

describe('sameFace', () => {
  const faces = [
    { box: { x: 0, y: 0, width: 100, height: 100 } },
    { box: { x: 40, y: 0, width: 100, height: 100 } },
  ];
  it('picks the detected face overlapping the enrolled box most, at IoU 0.5 or more', () => {
    expect(sameFace(faces, { x: 35, y: 0, width: 100, height: 100 })).toBe(faces[1]);
    expect(sameFace(faces, { x: 0, y: 0, width: 100, height: 100 })).toBe(faces[0]);
    // IoU with the second face 60x100 / 140x100 = 0.43, with the first 20x100 / 180x100: no face.
    expect(sameFace(faces, { x: 80, y: 0, width: 100, height: 100 })).toBeNull();
  });
});

describe('shadowFor', () => {
  const probe = (
    decision: 'MATCH' | 'UNKNOWN',
    topIdentityId: string | null,
    rejected: readonly string[] = [],
    targetEmbedding: Float32Array | null = Float32Array.from([0, 1, 0, 0]),
  ) => ({
    decision,
    topIdentityId,
    targetEmbedding,
    rejectedAmong: vi.fn(
      async (ids: readonly string[]) => new Set(ids.filter((id) => rejected.includes(id))),
    ),
  });

  it('decides each probe face with the target by identify’s rule at its threshold and counts the agreement', async () => {
    // X's face at 0.8, Y's at 0.1: X scores 0.8 + 0.75 x 0.7 = 1.325 >= 0.5, a MATCH.
    const { service, searchKept, addShadowCounts, deps } = setup(migration(), [
      { faceId: 'x1', identityId: X, score: 0.8 },
      { faceId: 'y1', identityId: Y, score: 0.1 },
    ]);
    const scoring = (await service.shadowFor(gallery()))!;
    expect(scoring.modelId).toBe('operator-model');
    const faces = [probe('MATCH', X), probe('UNKNOWN', Y), probe('UNKNOWN', null, [], null)];
    const result = await scoring.scoreShadow({ topK: 2, facesRead: 20, faces });
    // The target's embeddings come from identify's analysis: the migration analyses nothing itself.
    expect(deps.recognition.analyze).not.toHaveBeenCalled();
    // Read as identify read; a face without a target embedding is not searched.
    expect(searchKept.mock.calls).toEqual([
      [gallery().id, 'operator-model', faces[0]!.targetEmbedding, 4, 20],
      [gallery().id, 'operator-model', faces[1]!.targetEmbedding, 4, 20],
    ]);
    // Each face's negative exemplars are asked about its contenders at or above the threshold.
    expect(faces[0]!.rejectedAmong).toHaveBeenCalledWith([X]);
    expect(result).toMatchObject({
      modelId: 'operator-model',
      threshold: 0.5,
      counts: { probes: 3, sameDecision: 2, sameTop: 2, currentMatches: 1, targetMatches: 2 },
    });
    expect(result!.faces.map((f) => [f.decision, f.topIdentityId])).toEqual([
      ['MATCH', X],
      ['MATCH', X],
      ['UNKNOWN', null],
    ]);
    await result!.record({} as never);
    expect(addShadowCounts).toHaveBeenCalledWith({}, migration().id, result!.counts);
  });

  it('applies the probe’s negative exemplars as identify does: a rejected identity is no MATCH, the next one above the threshold is', async () => {
    const hits = [
      { faceId: 'x1', identityId: X, score: 0.8 },
      { faceId: 'y1', identityId: Y, score: 0.7 },
    ];
    const alone = setup(migration(), hits.slice(0, 1));
    const rejected = await (await alone.service.shadowFor(gallery()))!.scoreShadow({
      topK: 5,
      facesRead: 50,
      faces: [probe('UNKNOWN', X, [X])],
    });
    expect(rejected!.faces).toEqual([{ decision: 'UNKNOWN', topIdentityId: X, topScore: 0.8 }]);
    expect(rejected!.counts).toMatchObject({ sameDecision: 1, sameTop: 1, targetMatches: 0 });

    const { service } = setup(migration(), hits);
    const next = await (await service.shadowFor(gallery()))!.scoreShadow({
      topK: 5,
      facesRead: 50,
      faces: [probe('MATCH', X, [X])],
    });
    expect(next!.faces[0]).toMatchObject({ decision: 'MATCH', topIdentityId: X });
  });

  it('is off unless the latest migration is in SHADOW from the gallery’s model, and never throws', async () => {
    for (const latest of [
      null,
      migration({ status: 'RE_EMBEDDING' }),
      migration({ status: 'SWITCHED' }),
      migration({ fromModelId: 'other' }),
    ]) {
      expect(await setup(latest, []).service.shadowFor(gallery())).toBeNull();
    }
    const unknown = setup(migration(), []);
    unknown.deps.recognition.modelInfo.mockImplementationOnce(() => {
      throw new Error('unknown model');
    });
    expect(await unknown.service.shadowFor(gallery())).toBeNull();
    const failing = setup(migration(), []);
    failing.searchKept.mockRejectedValueOnce(new Error('database gone'));
    const scoring = (await failing.service.shadowFor(gallery()))!;
    expect(await scoring.scoreShadow({ topK: 5, facesRead: 50, faces: [probe('MATCH', X)] })).toBeNull();
    expect(() => scoring.abandon(new Error('model unavailable'))).not.toThrow();
  });
});

describe('the job’s REJECTed probes', () => {
  const EVENT = '00000000-0000-4000-8000-0000000000e1';
  const job = {
    record: {
      id: '00000000-0000-4000-8000-0000000000a1',
      payload: { migrationId: 'm', galleryId: gallery().id, targetModelId: 'operator-model' },
    },
    actor: { kind: 'system' },
  } as never;
  const item = { index: 0, input: { eventId: EVENT } } as never;

  function probeSetup(
    probe: {
      imageKey: string | null;
      box: { x: number; y: number; width: number; height: number } | null;
    } | null,
  ) {
    const { service, deps } = setup(null, []);
    const stored: Array<{ eventId: string; modelId: string; embedding: ArrayLike<number> }> = [];
    const audited: unknown[] = [];
    Object.assign(deps.migrations as object, {
      findProbeToEmbed: vi.fn(async () => (probe ? { eventId: EVENT, ...probe } : null)),
      storeProbeEmbedding: vi.fn(
        async (_tx: unknown, eventId: string, modelId: string, embedding: ArrayLike<number>) => {
          stored.push({ eventId, modelId, embedding });
          return true;
        },
      ),
    });
    Object.assign(deps, {
      images: { get: vi.fn(async (key: string) => (key === 'kept' ? new Uint8Array([1]) : null)) },
      uow: {
        transaction: async (work: (tx: unknown) => Promise<unknown>) =>
          work({ db: {}, audit: async (entry: unknown) => void audited.push(entry) }),
      },
    });
    return { service, deps, stored, audited };
  }

  it('embeds the face at the event’s probe box with the target and stores it beside the probe (audited)', async () => {
    // The second detected face is the probe face the event was about.
    const { service, deps, stored, audited } = probeSetup({
      imageKey: 'kept',
      box: { x: 252, y: 12, width: 98, height: 118 },
    });
    const analyzed = await deps.recognition.analyze();
    expect(await service.processItem(job, item)).toEqual({
      outcome: 'PROBE_EMBEDDED',
      message: null,
      result: { eventId: EVENT },
    });
    expect(deps.recognition.analyze).toHaveBeenLastCalledWith(new Uint8Array([1]), {
      modelId: 'operator-model',
    });
    expect(stored).toEqual([
      { eventId: EVENT, modelId: 'operator-model', embedding: analyzed.faces[1]!.embedding },
    ]);
    expect(audited).toEqual([
      expect.objectContaining({ action: 'matchEvent.reembedProbe', subject: `matchEvent:${EVENT}` }),
    ]);
  });

  it('reports a purged probe image and a probe nothing needs any more, storing nothing', async () => {
    const purged = probeSetup({ imageKey: null, box: { x: 12, y: 10, width: 118, height: 140 } });
    expect(await purged.service.processItem(job, item)).toMatchObject({
      outcome: 'PROBE_IMAGE_MISSING',
      message: expect.stringMatching(/rejectionsNotCarried/),
    });
    const gone = probeSetup(null);
    expect(await gone.service.processItem(job, item)).toMatchObject({ outcome: 'PROBE_GONE' });
    expect([...purged.stored, ...gone.stored]).toEqual([]);
    expect(purged.service.successOutcomes).toContain('PROBE_GONE');
    expect(purged.service.successOutcomes).not.toContain('PROBE_IMAGE_MISSING');
  });
});
