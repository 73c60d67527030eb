// MatchingService with its repositories faked: the aggregation rule, the negative-exemplar rule,
// authorization, recorded events and the retention purge.
import { describe, expect, it, vi } from 'vitest';
import {
  ADMIN,
  AUDITOR,
  engineFace,
  gallery,
  GALLERY_ID,
  identity,
} from '../../../test/recognition-fakes.js';
import { recordingUnitOfWork } from '../../infrastructure/unit-of-work/recording-unit-of-work.js';
import type { Actor } from '../auth/actor.js';
import type { NewMatchEvent } from './matching.repository.js';
import {
  MAX_IDENTIFY_SCORE,
  MatchingService,
  pickMatch,
  rankByBestFace,
  type MatchingDependencies,
} from './matching.service.js';

const X = '00000000-0000-4000-8000-000000000001';
const Y = '00000000-0000-4000-8000-000000000002';
const Z = '00000000-0000-4000-8000-000000000003';

function setup(
  options: {
    hits?: Array<{ faceId: string; identityId: string; score: number }>;
    rejected?: string[];
    faces?: number;
  } = {},
) {
  const events: NewMatchEvent[] = [];
  const { uow, entries, events: published } = recordingUnitOfWork();
  const audit = { entries };
  const deps = {
    matching: {
      searchGallery: vi.fn(async () => options.hits ?? []),
      bestFaceOfIdentity: vi.fn(async () => ({ faceId: 'f-x1', identityId: X, score: 0.95 })),
      identitiesRejectedNear: vi.fn(
        async (ids: readonly string[]) => new Set(ids.filter((id) => options.rejected?.includes(id))),
      ),
      createEvent: vi.fn(async (_tx: unknown, event: NewMatchEvent) => {
        events.push(event);
        return { id: `event-${events.length}`, createdAt: new Date(Date.UTC(2026, 11, 6, 8, 0, events.length)) };
      }),
      countExpiredProbes: vi.fn(async () => 3),
      expireProbes: vi.fn(async () => [
        { eventId: 'e1', imageKey: 'a'.repeat(64), embeddingCleared: true },
        { eventId: 'e2', imageKey: 'b'.repeat(64), embeddingCleared: false },
        { eventId: 'e3', imageKey: null, embeddingCleared: true },
      ]),
      findFaces: vi.fn(async () => []),
    },
    galleries: { findById: vi.fn(async (id: string) => (id === GALLERY_ID ? gallery() : null)) },
    identities: {
      findById: vi.fn(async (id: string) => identity(id)),
      findByIds: vi.fn(async (ids: readonly string[]) => ids.map((id) => identity(id))),
    },
    recognition: {
      analyze: vi.fn(async () => ({
        width: 200,
        height: 200,
        // Side by side, so each face has its own box.
        faces: Array.from({ length: options.faces ?? 1 }, (_, i) =>
          engineFace({ box: { x: 10 + 200 * i, y: 10, width: 120, height: 140 } }),
        ),
        facesTruncated: false,
        timings: { decode: 0, detect: 0, align: 0, quality: 0, embed: 0, total: 0 },
      })),
      modelInfo: vi.fn(() => ({ dims: 3, threshold: 0.91 }) as never),
      defaultModelId: vi.fn(() => 'faceapi-resnet128'),
      detectorName: vi.fn(() => 'blazeface'),
    },
    images: {
      put: vi.fn(async () => 'c'.repeat(64)),
      deleteUnreferenced: vi.fn(async (keys: readonly string[]) => [...keys]),
    },
    uploads: {
      resolve: vi.fn(async () => ({ bytes: new Uint8Array([1, 2, 3]), sha256: 'c'.repeat(64) })),
    },
    uow,
  } satisfies MatchingDependencies;
  return { service: new MatchingService(deps), deps, events, audit, published };
}

const image = { base64: 'AAAA' };

describe('rankByBestFace', () => {
  it('scores each identity by the rule of @faceledger/recognition (mean of top two faces + 0.75 x margin to the rival), ranks, keeps topK', () => {
    const ranked = rankByBestFace(
      [
        { faceId: 'y1', identityId: Y, score: 0.93 },
        { faceId: 'x1', identityId: X, score: 0.91 },
        { faceId: 'x2', identityId: X, score: 0.96 },
        { faceId: 'z1', identityId: Z, score: 0.5 },
      ],
      2,
    );
    // X: (0.96 + 0.91) / 2 = 0.935 against Y's 0.93 (its only face read)
    expect(ranked).toEqual([
      { identityId: X, faceId: 'x2', score: 0.935 + 0.75 * (0.935 - 0.93), rank: 1 },
      { identityId: Y, faceId: 'y1', score: 0.93 + 0.75 * (0.93 - 0.935), rank: 2 },
    ]);
  });

  it('picks the best candidate at or above the threshold that is not demoted', () => {
    const ranked = rankByBestFace(
      [
        { faceId: 'x1', identityId: X, score: 0.96 },
        { faceId: 'y1', identityId: Y, score: 0.93 },
      ],
      5,
    );
    expect(pickMatch(ranked, 0.9, new Set())?.identityId).toBe(X);
    expect(pickMatch(ranked, 0.9, new Set([X]))?.identityId).toBe(Y);
    expect(pickMatch(ranked, 0.95, new Set([X]))).toBeNull();
  });
});

describe('MatchingService.identify', () => {
  it('over-fetches topK x 10 faces, returns MATCH and records one event per face with its candidates', async () => {
    const { service, deps, events, audit } = setup({
      hits: [
        { faceId: 'x1', identityId: X, score: 0.95 },
        { faceId: 'y1', identityId: Y, score: 0.7 },
      ],
    });
    const result = await service.identify(ADMIN, { galleryId: GALLERY_ID, image, topK: 3 });
    expect(deps.matching.searchGallery).toHaveBeenCalledWith(
      expect.objectContaining({ limit: 30, activeOnly: true, dims: 3 }),
    );
    expect(result.faces[0]).toMatchObject({
      decision: 'MATCH',
      identity: { id: X },
      score: 0.95 + 0.75 * (0.95 - 0.7),
      eventId: 'event-1',
    });
    expect(result.threshold).toBe(0.9);
    expect(events[0]).toMatchObject({
      kind: 'IDENTIFY',
      decision: 'MATCH',
      galleryId: GALLERY_ID,
      requesterUserId: '00000000-0000-4000-8000-00000000000a',
      requesterKeyId: null,
      probeImageKey: 'c'.repeat(64),
    });
    expect(events[0]?.candidates).toEqual([
      { identityId: X, faceId: 'x1', score: 0.95 + 0.75 * (0.95 - 0.7), rank: 1 },
      { identityId: Y, faceId: 'y1', score: 0.7 + 0.75 * (0.7 - 0.95), rank: 2 },
    ]);
    expect(audit.entries[0]).toMatchObject({ action: 'faces.identify', subject: `gallery:${GALLERY_ID}` });
    expect(JSON.stringify(audit.entries)).not.toContain('embedding');
  });

  it('accepts an identify threshold above 1, which a clear rank-1 reaches (scores are not cosines)', async () => {
    // X: 0.95 + 0.75 x (0.95 - 0.7) = 1.1375.
    const score = 0.95 + 0.75 * (0.95 - 0.7);
    const hits = [
      { faceId: 'x1', identityId: X, score: 0.95 },
      { faceId: 'y1', identityId: Y, score: 0.7 },
    ];
    const { service } = setup({ hits });
    const above = await service.identify(ADMIN, { galleryId: GALLERY_ID, image, threshold: 1.1 });
    expect(above.faces[0]).toMatchObject({ decision: 'MATCH', identity: { id: X }, score });
    const below = await service.identify(ADMIN, { galleryId: GALLERY_ID, image, threshold: 1.2 });
    expect(below.faces[0]).toMatchObject({ decision: 'UNKNOWN', identity: null });
    // The highest score the rule gives: two identical faces (cosine 1) against a rival at cosine -1.
    const extreme = rankByBestFace(
      [
        { faceId: 'x1', identityId: X, score: 1 },
        { faceId: 'x2', identityId: X, score: 1 },
        { faceId: 'y1', identityId: Y, score: -1 },
      ],
      2,
    );
    expect(extreme[0]?.score).toBe(MAX_IDENTIFY_SCORE);
    const top = await service.identify(ADMIN, { galleryId: GALLERY_ID, image, threshold: MAX_IDENTIFY_SCORE });
    expect(top.threshold).toBe(2.5);
  });

  it('publishes one MatchRecorded per recorded event with what the live feed and webhooks need', async () => {
    const { service, published } = setup({
      faces: 2,
      hits: [
        { faceId: 'x1', identityId: X, score: 0.95 },
        { faceId: 'y1', identityId: Y, score: 0.7 },
      ],
    });
    const result = await service.identify(ADMIN, { galleryId: GALLERY_ID, image });
    expect(published).toEqual(
      result.faces.map((f, i) => ({
        type: 'MatchRecorded',
        eventId: f.eventId,
        kind: 'IDENTIFY',
        decision: 'MATCH',
        galleryId: GALLERY_ID,
        galleryName: 'Staff',
        topCandidate: {
          identityId: X,
          displayName: 'Person 0001',
          externalId: '0001',
          score: 0.95 + 0.75 * (0.95 - 0.7),
        },
        createdAt: new Date(Date.UTC(2026, 11, 6, 8, 0, i + 1)).toISOString(),
      })),
    );
    expect(JSON.stringify(published)).not.toMatch(/embedding|probe/i);
  });

  it("records the box of each probe face with that face's event", async () => {
    const { service, events } = setup({ faces: 2, hits: [{ faceId: 'x1', identityId: X, score: 0.95 }] });
    const result = await service.identify(ADMIN, { galleryId: GALLERY_ID, image });
    expect(result.faces.map((f) => f.eventId)).toEqual(['event-1', 'event-2']);
    expect(events.map((e) => e.probeBox)).toEqual([
      { x: 10, y: 10, width: 120, height: 140 },
      { x: 210, y: 10, width: 120, height: 140 },
    ]);
    expect(events.map((e) => e.probeBox)).toEqual(result.faces.map((f) => f.face.box));
  });

  it('never returns a rejected identity as the MATCH: it is demoted and the next candidate above the threshold wins', async () => {
    const { service, deps } = setup({
      hits: [
        { faceId: 'x1', identityId: X, score: 0.97 },
        { faceId: 'y1', identityId: Y, score: 0.96 },
        { faceId: 'z1', identityId: Z, score: 0.6 },
      ],
      rejected: [X],
    });
    const result = await service.identify(ADMIN, { galleryId: GALLERY_ID, image });
    expect(deps.matching.identitiesRejectedNear).toHaveBeenCalledWith(
      [X, Y],
      expect.any(Float32Array),
      { id: 'faceapi-resnet128', dims: 3 },
      0.9,
    );
    expect(result.faces[0]).toMatchObject({ decision: 'MATCH', identity: { id: Y } });
    expect(result.faces[0]?.candidates.map((c) => [c.identity.id, c.demoted])).toEqual([
      [X, true],
      [Y, false],
      [Z, false],
    ]);
  });

  it('records one UNKNOWN event without embedding when the image has no face, and keeps no probe when retention is 0', async () => {
    const { service, deps, events, published } = setup({ faces: 0 });
    deps.galleries.findById.mockResolvedValueOnce(gallery({ probeRetentionDays: 0 }));
    const result = await service.identify(ADMIN, { galleryId: GALLERY_ID, image, threshold: 0.8 });
    expect(result.faces).toEqual([]);
    expect(result.threshold).toBe(0.8);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      decision: 'UNKNOWN',
      probeEmbedding: null,
      probeBox: null,
      probeImageKey: null,
      candidates: [],
    });
    // Published like any event of the gallery (webhooks taking UNKNOWN get it at once, not by recovery).
    expect(published).toMatchObject([{ eventId: 'event-1', decision: 'UNKNOWN', topCandidate: null }]);
    expect(deps.images.put).not.toHaveBeenCalled();
  });

  it('keeps neither probe image nor probe embedding of a face when the gallery retains probes 0 days', async () => {
    const { service, deps, events } = setup();
    deps.galleries.findById.mockResolvedValue(gallery({ probeRetentionDays: 0 }));
    await service.identify(ADMIN, { galleryId: GALLERY_ID, image });
    await service.verify(ADMIN, { identityId: X, image });
    expect(events.map((e) => [e.kind, e.probeImageKey, e.probeEmbedding])).toEqual([
      ['IDENTIFY', null, null],
      ['VERIFY', null, null],
    ]);
    expect(events.every((e) => e.probeBox !== null)).toBe(true);
  });

  it('checks permission, gallery restriction and arguments before touching the image', async () => {
    const { service, deps } = setup();
    await expect(
      service.identify({ kind: 'anonymous' }, { galleryId: GALLERY_ID, image }),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(service.identify(AUDITOR, { galleryId: GALLERY_ID, image })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const key: Actor = { kind: 'apiKey', keyId: 'k', scopes: ['identify'], galleryId: Z, createdById: 'u' };
    await expect(service.identify(key, { galleryId: GALLERY_ID, image })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(service.identify(ADMIN, { galleryId: GALLERY_ID, image, topK: 0 })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    for (const threshold of [0, -0.5, MAX_IDENTIFY_SCORE + 0.01, Number.NaN]) {
      await expect(
        service.identify(ADMIN, { galleryId: GALLERY_ID, image, threshold }),
      ).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'threshold' } });
    }
    await expect(service.identify(ADMIN, { galleryId: Z, image })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(deps.uploads.resolve).not.toHaveBeenCalled();
  });
});

describe('MatchingService.verify', () => {
  it('is a MATCH at or above the threshold, and not once a negative exemplar rejected the identity', async () => {
    const { service, events, published } = setup();
    expect(await service.verify(ADMIN, { identityId: X, image })).toMatchObject({
      match: true,
      decision: 'MATCH',
      score: 0.95,
      demoted: false,
    });
    expect(events[0]).toMatchObject({
      kind: 'VERIFY',
      probeBox: { x: 10, y: 10, width: 120, height: 140 },
      candidates: [{ identityId: X, faceId: 'f-x1', score: 0.95, rank: 1 }],
    });
    expect(published).toMatchObject([
      {
        type: 'MatchRecorded',
        kind: 'VERIFY',
        decision: 'MATCH',
        galleryName: 'Staff',
        topCandidate: { identityId: X, displayName: 'Person 0001', externalId: '0001', score: 0.95 },
      },
    ]);
    const rejected = setup({ rejected: [X] });
    expect(await rejected.service.verify(ADMIN, { identityId: X, image })).toMatchObject({
      match: false,
      decision: 'NO_MATCH',
      demoted: true,
    });
  });
});

describe('MatchingService.purgeExpiredProbes', () => {
  it('clears expired probes in one audited transaction and deletes the images nothing else references', async () => {
    const { service, deps, audit } = setup();
    const now = new Date('2026-03-01T00:00:00Z');
    // the image repository keeps what a face, another event or a pending upload still references
    deps.images.deleteUnreferenced.mockImplementationOnce(async (keys: readonly string[]) =>
      keys.slice(0, 1),
    );
    expect(await service.purgeExpiredProbes({ kind: 'system' }, now)).toEqual({
      eventsCleared: 3,
      embeddingsCleared: 2,
      imagesDeleted: 1,
    });
    expect(deps.matching.expireProbes).toHaveBeenCalledWith(expect.anything(), now);
    expect(deps.images.deleteUnreferenced).toHaveBeenCalledWith(['a'.repeat(64), 'b'.repeat(64)]);
    expect(audit.entries).toMatchObject([{ actor: 'system', action: 'matchEvents.purgeProbes' }]);
  });

  it('writes nothing when nothing expired', async () => {
    const { service, deps, audit } = setup();
    deps.matching.countExpiredProbes.mockResolvedValueOnce(0);
    expect(await service.purgeExpiredProbes({ kind: 'system' }, new Date())).toEqual({
      eventsCleared: 0,
      embeddingsCleared: 0,
      imagesDeleted: 0,
    });
    expect(audit.entries).toEqual([]);
  });
});
