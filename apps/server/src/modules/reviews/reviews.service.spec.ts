// ReviewsService with its repositories faked: who may review, which identity a verdict names, and
// the audit entry.
import { describe, expect, it, vi } from 'vitest';
import { ADMIN, AUDITOR, GALLERY_ID, identity, REVIEWER } from '../../../test/recognition-fakes.js';
import { recordingUnitOfWork } from '../../infrastructure/unit-of-work/recording-unit-of-work.js';
import type { Actor } from '../auth/actor.js';
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

function setup(found: MatchEventRecord | null = event()) {
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
    },
    identities: {
      findById: vi.fn(async (id: string) => identity(id)),
      findByIds: vi.fn(async (ids: readonly string[]) => ids.map((id) => identity(id))),
    },
    matching: { findFaces: vi.fn(async () => []) },
    uow,
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
