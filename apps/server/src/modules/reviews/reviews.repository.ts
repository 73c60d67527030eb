// Match events as reviewers see them (newest first, keyset-paged, with the needs-review rule in SQL)
// and the reviews written on them.
import {
  Prisma,
  type MatchDecision,
  type MatchKind,
  type PrismaClient,
  type ReviewVerdict,
} from '@faceledger/db';
import type { FaceBox } from '@faceledger/schema';
import { isUuid } from '../../shared/uuid.js';
import type { Transaction } from '../audit/audit.repository.js';

/** Top scores this close to the threshold (either side) need a person's review. */
export const REVIEW_MARGIN = 0.05;

/** Which events a list shows; null fields do not filter. */
export interface MatchEventFilter {
  galleryId: string | null;
  kind: MatchKind | null;
  decision: MatchDecision | null;
  needsReview: boolean | null;
  from: Date | null;
  to: Date | null;
}

/** The sort key of event lists: createdAt, then id, both descending. */
export interface MatchEventKey {
  createdAt: Date;
  id: string;
}

export interface ReviewRecord {
  id: string;
  eventId: string;
  verdict: ReviewVerdict;
  targetIdentityId: string | null;
  note: string;
  reviewerId: string;
  reviewerEmail: string | null;
  createdAt: Date;
}

export interface MatchEventRecord {
  id: string;
  kind: MatchKind;
  galleryId: string | null;
  decision: MatchDecision;
  threshold: number | null;
  modelId: string;
  latencyMs: number;
  probeSha256: string;
  probeImageKey: string | null;
  /** Box of the probe face the event is about; null for detect, no face, or events older than the column. */
  probeBox: FaceBox | null;
  requesterUserId: string | null;
  requesterKeyId: string | null;
  createdAt: Date;
  needsReview: boolean;
  /** Different reviewers that must confirm an identification of the event's gallery (1 when it has none). */
  requiredConfirmations: number;
  candidates: Array<{ identityId: string; faceId: string | null; score: number; rank: number }>;
  reviews: ReviewRecord[];
}

const reviewInclude = { reviewer: { select: { email: true } } } as const satisfies Prisma.ReviewInclude;

/** Reads a stored probe box ({ x, y, width, height } JSON); null when the column holds none. */
function toProbeBox(value: Prisma.JsonValue): FaceBox | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { x, y, width, height } = value;
  return typeof x === 'number' &&
    typeof y === 'number' &&
    typeof width === 'number' &&
    typeof height === 'number'
    ? { x, y, width, height }
    : null;
}

function toReview(row: Prisma.ReviewGetPayload<{ include: typeof reviewInclude }>): ReviewRecord {
  const { reviewer, ...fields } = row;
  return { ...fields, reviewerEmail: reviewer.email };
}

export class ReviewsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** One page of events newest first, after `cursor`, plus whether more follow. */
  async findPage(
    filter: MatchEventFilter,
    size: number,
    cursor: MatchEventKey | null,
  ): Promise<{ rows: MatchEventRecord[]; hasMore: boolean }> {
    const conditions: Prisma.Sql[] = [];
    if (filter.galleryId !== null) conditions.push(Prisma.sql`e.gallery_id = ${filter.galleryId}::uuid`);
    if (filter.kind !== null) conditions.push(Prisma.sql`e.kind = ${filter.kind}::"MatchKind"`);
    if (filter.decision !== null)
      conditions.push(Prisma.sql`e.decision = ${filter.decision}::"MatchDecision"`);
    if (filter.from !== null) conditions.push(Prisma.sql`e.created_at >= ${filter.from}::timestamptz`);
    if (filter.to !== null) conditions.push(Prisma.sql`e.created_at < ${filter.to}::timestamptz`);
    if (cursor !== null)
      conditions.push(
        Prisma.sql`(e.created_at, e.id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`,
      );
    if (filter.needsReview !== null)
      conditions.push(Prisma.sql`(${needsReviewSql()}) = ${filter.needsReview}`);
    const ids = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT e.id
      FROM match_events e
      WHERE ${conditions.length > 0 ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`}
      ORDER BY e.created_at DESC, e.id DESC
      LIMIT ${size + 1}`;
    const hasMore = ids.length > size;
    const rows = await this.findByIds(ids.slice(0, size).map((r) => r.id));
    return { rows, hasMore };
  }

  async findById(id: string): Promise<MatchEventRecord | null> {
    if (!isUuid(id)) return null;
    return (await this.findByIds([id]))[0] ?? null;
  }

  /**
   * Locks the event's row inside `tx` and answers whether `reviewerId` already confirmed
   * `identityId` on it: reviews of one event are then written one at a time, so the same person
   * cannot count twice toward a gallery's two confirmations.
   */
  async hasConfirmed(
    tx: Transaction,
    eventId: string,
    reviewerId: string,
    identityId: string,
  ): Promise<boolean> {
    await tx.$queryRaw`SELECT id FROM match_events WHERE id = ${eventId}::uuid FOR UPDATE`;
    const count = await tx.review.count({
      where: { eventId, reviewerId, verdict: 'CONFIRM', targetIdentityId: identityId },
    });
    return count > 0;
  }

  /** The gallery's review policy; null when there is no such gallery. */
  async findReviewPolicy(galleryId: string): Promise<{ requiredConfirmations: number } | null> {
    if (!isUuid(galleryId)) return null;
    return this.prisma.gallery.findUnique({
      where: { id: galleryId },
      select: { requiredConfirmations: true },
    });
  }

  /**
   * Sets the gallery's required confirmations inside `tx` and returns the value it had. A change
   * also stamps review_policy_since (database clock): MATCH events recorded from then on wait for
   * the reviewers, older ones are not pulled into the queue.
   */
  async setRequiredConfirmations(
    tx: Transaction,
    galleryId: string,
    requiredConfirmations: number,
  ): Promise<number> {
    const [before] = await tx.$queryRaw<Array<{ n: number }>>`
      SELECT required_confirmations AS n FROM galleries WHERE id = ${galleryId}::uuid FOR UPDATE`;
    await tx.$executeRaw`
      UPDATE galleries
      SET review_policy_since = CASE WHEN required_confirmations <> ${requiredConfirmations}
                                     THEN now() ELSE review_policy_since END,
          required_confirmations = ${requiredConfirmations},
          updated_at = now()
      WHERE id = ${galleryId}::uuid`;
    return before?.n ?? 1;
  }

  /**
   * The models event `eventId`'s probe has an embedding under: its own and those carried beside it
   * (probe_embeddings). Empty when the probe embedding was cleared (erasure, purge) or there is no
   * such event: a REJECT of it has no negative exemplar to carry.
   */
  async findProbeModels(eventId: string): Promise<string[]> {
    if (!isUuid(eventId)) return [];
    const rows = await this.prisma.$queryRaw<Array<{ modelId: string }>>`
      SELECT e.model_id AS "modelId" FROM match_events e
      WHERE e.id = ${eventId}::uuid AND e.probe_embedding IS NOT NULL
      UNION
      SELECT pe.model_id AS "modelId" FROM probe_embeddings pe
      JOIN match_events e ON e.id = pe.event_id
      WHERE pe.event_id = ${eventId}::uuid AND e.probe_embedding IS NOT NULL`;
    return rows.map((r) => r.modelId);
  }

  /** Writes a review inside `tx`. */
  async createReview(
    tx: Transaction,
    review: {
      eventId: string;
      reviewerId: string;
      verdict: ReviewVerdict;
      targetIdentityId: string | null;
      note: string;
    },
  ): Promise<ReviewRecord> {
    return toReview(await tx.review.create({ data: review, include: reviewInclude }));
  }

  /**
   * Events by id, newest first, with candidates, reviews and the needs-review flag, read in one
   * snapshot: read apart, a review committed between the two reads answered needsReview true for
   * an event that already showed its review.
   */
  private async findByIds(ids: readonly string[]): Promise<MatchEventRecord[]> {
    if (ids.length === 0) return [];
    const [events, flags] = await this.prisma.$transaction(
      [
        this.prisma.matchEvent.findMany({
          where: { id: { in: [...ids] } },
          include: {
            candidates: {
              orderBy: { rank: 'asc' },
              select: { identityId: true, faceId: true, score: true, rank: true },
            },
            reviews: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], include: reviewInclude },
          },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
        this.prisma.$queryRaw<Array<{ id: string; needsReview: boolean; requiredConfirmations: number }>>`
        SELECT e.id, (${needsReviewSql()}) AS "needsReview", (${requiredConfirmationsSql()}) AS "requiredConfirmations"
        FROM match_events e
        WHERE e.id IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))})`,
      ],
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
    const needs = new Map(flags.map((f) => [f.id, f]));
    return events.map((e) => ({
      id: e.id,
      kind: e.kind,
      galleryId: e.galleryId,
      decision: e.decision,
      threshold: e.threshold,
      modelId: e.modelId,
      latencyMs: e.latencyMs,
      probeSha256: e.probeSha256,
      probeImageKey: e.probeImageKey,
      probeBox: toProbeBox(e.probeBox),
      requesterUserId: e.requesterUserId,
      requesterKeyId: e.requesterKeyId,
      createdAt: e.createdAt,
      needsReview: needs.get(e.id)?.needsReview ?? false,
      requiredConfirmations: needs.get(e.id)?.requiredConfirmations ?? 1,
      candidates: e.candidates,
      reviews: e.reviews.map(toReview),
    }));
  }
}

/** The event's gallery's required confirmations; 1 for an event without gallery. */
function requiredConfirmationsSql(): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT g.required_confirmations FROM galleries g WHERE g.id = e.gallery_id), 1)`;
}

/**
 * Needs review: an identify or verify event that no verdict settled yet and whose top candidate's
 * score lies within REVIEW_MARGIN of the threshold, or that was flagged (its top candidate reached the
 * threshold yet the decision is not MATCH: a negative exemplar demoted it, or the identity is
 * suspended), or that was confirmed once where the gallery requires two, or is a MATCH recorded since
 * the gallery began to require two (review_policy_since; older events are not pulled in).
 * REJECT, REASSIGN, UNKNOWN and DISMISS settle an event; CONFIRMs settle it once as many different
 * reviewers as the gallery requires confirmed the same identity.
 */
function needsReviewSql(): Prisma.Sql {
  return Prisma.sql`
    e.kind IN ('IDENTIFY', 'VERIFY')
    AND e.threshold IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.event_id = e.id AND r.verdict <> 'CONFIRM')
    AND COALESCE((
      SELECT max(n) FROM (
        SELECT count(DISTINCT r.reviewer_id) AS n FROM reviews r
        WHERE r.event_id = e.id AND r.verdict = 'CONFIRM' GROUP BY r.target_identity_id
      ) confirmed
    ), 0) < ${requiredConfirmationsSql()}
    AND (
      EXISTS (SELECT 1 FROM reviews r WHERE r.event_id = e.id)
      OR (e.decision = 'MATCH' AND EXISTS (
        SELECT 1 FROM galleries g
        WHERE g.id = e.gallery_id AND g.required_confirmations >= 2 AND e.created_at >= g.review_policy_since
      ))
      OR COALESCE((
        SELECT abs(c.score - e.threshold) <= ${REVIEW_MARGIN} OR (c.score >= e.threshold AND e.decision <> 'MATCH')
        FROM match_candidates c WHERE c.event_id = e.id ORDER BY c.rank LIMIT 1
      ), FALSE)
    )`;
}
