// Reviews: lists recorded match events for people to check, and records their verdicts. A REJECT of
// identity X turns the event's probe embedding into a negative exemplar for X (see MatchingService);
// UNKNOWN and DISMISS settle an event and teach nothing. A gallery may require two different
// reviewers to CONFIRM an identification before it counts.
import type { MatchDecision, MatchKind, ReviewVerdict } from '@faceledger/db';
import type { ResolversParentTypes } from '@faceledger/schema/server';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { dateInputMessage, parseStorableDate } from '../../shared/date-input.js';
import { notFound } from '../../shared/not-found.js';
import {
  encodeCreatedAtCursor,
  parseCreatedAtKey,
  parsePageArgs,
  toConnection,
} from '../../shared/relay-pagination.js';
import { isUuid } from '../../shared/uuid.js';
import type { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { auditEntry, type Actor } from '../auth/actor.js';
import { galleryScope, requireGallery } from '../auth/gallery-access.js';
import { authorize, authorizeGallery } from '../auth/permissions.js';
import type { IdentitiesRepository } from '../identities/identities.repository.js';
import type { MatchingRepository } from '../matching/matching.repository.js';
import { toFaceModel, toIdentityModel } from '../matching/recognition-models.js';
import type {
  MatchEventFilter,
  MatchEventRecord,
  ReviewRecord,
  ReviewsRepository,
} from './reviews.repository.js';

export type MatchEventModel = ResolversParentTypes['MatchEvent'];
export type MatchEventConnectionModel = ResolversParentTypes['MatchEventConnection'];
export type ReviewModel = ResolversParentTypes['Review'];

/** The filter as GraphQL hands it over. */
export interface MatchEventFilterArg {
  galleryId?: string | null;
  kind?: MatchKind | null;
  decision?: MatchDecision | null;
  needsReview?: boolean | null;
  from?: string | null;
  to?: string | null;
}

export interface ReviewsDependencies {
  reviews: Pick<
    ReviewsRepository,
    | 'findPage'
    | 'findById'
    | 'createReview'
    | 'hasConfirmed'
    | 'findReviewPolicy'
    | 'setRequiredConfirmations'
  >;
  identities: Pick<IdentitiesRepository, 'findById' | 'findByIds'>;
  matching: Pick<MatchingRepository, 'findFaces'>;
  uow: Pick<UnitOfWork, 'transaction'>;
}

function parseDate(value: string | null | undefined, field: string): Date | null {
  if (value == null) return null;
  const date = parseStorableDate(value);
  if (date === null) throw new AppError(ErrorCode.BAD_INPUT, dateInputMessage(field), { field });
  return date;
}

/**
 * Different reviewers who confirmed the identity of the latest CONFIRM, and whether that stands
 * (no other verdict came after it).
 */
export function confirmationsOf(reviews: readonly ReviewRecord[]): {
  confirmations: number;
  isStanding: boolean;
} {
  const lastConfirm = reviews.findLast((r) => r.verdict === 'CONFIRM');
  if (!lastConfirm) return { confirmations: 0, isStanding: false };
  const reviewers = new Set(
    reviews
      .filter((r) => r.verdict === 'CONFIRM' && r.targetIdentityId === lastConfirm.targetIdentityId)
      .map((r) => r.reviewerId),
  );
  return { confirmations: reviewers.size, isStanding: reviews.at(-1)?.verdict === 'CONFIRM' };
}

export class ReviewsService {
  constructor(private readonly deps: ReviewsDependencies) {}

  /** Match events newest first, a page at a time. */
  async listMatchEvents(
    actor: Actor,
    args: { filter?: MatchEventFilterArg | null; first?: number | null; after?: string | null },
  ): Promise<MatchEventConnectionModel> {
    authorize(actor, 'matchEvents.read');
    const f = args.filter ?? {};
    // A key bound to a gallery sees that gallery's events, whether it names the gallery or not.
    if (f.galleryId != null) authorizeGallery(actor, f.galleryId);
    const filter: MatchEventFilter = {
      galleryId: galleryScope(actor) ?? f.galleryId ?? null,
      kind: f.kind ?? null,
      decision: f.decision ?? null,
      needsReview: f.needsReview ?? null,
      from: parseDate(f.from, 'filter.from'),
      to: parseDate(f.to, 'filter.to'),
    };
    const page = parsePageArgs({ first: args.first, after: args.after }, parseCreatedAtKey);
    if (filter.galleryId !== null && !isUuid(filter.galleryId)) return toConnection(page, [], false, false);
    const { rows, hasMore } = await this.deps.reviews.findPage(filter, page.size, page.cursor);
    const models = await this.toModels(rows);
    const edges = models.map((node) => ({ node, cursor: encodeCreatedAtCursor(node.createdAt, node.id) }));
    return toConnection(page, edges, hasMore);
  }

  async getMatchEvent(actor: Actor, id: string): Promise<MatchEventModel> {
    authorize(actor, 'matchEvents.read');
    const event = await this.deps.reviews.findById(id);
    if (!event) throw notFound('match event', id);
    if (event.galleryId !== null) authorizeGallery(actor, event.galleryId);
    // An event of no gallery (compareFaces, detectFaces) is outside every gallery-bound key's reach.
    else if (galleryScope(actor) !== null) throw notFound('match event', id);
    const [model] = await this.toModels([event]);
    if (!model) throw notFound('match event', id);
    return model;
  }

  /**
   * Records a verdict. CONFIRM and REJECT name one of the event's candidates (rank 1 when identityId
   * is left out); REASSIGN names the right identity, which must belong to the event's gallery.
   */
  async reviewMatch(
    actor: Actor,
    args: { eventId: string; verdict: ReviewVerdict; identityId?: string | null; note?: string | null },
  ): Promise<ReviewModel> {
    authorize(actor, 'matchEvents.review');
    if (actor.kind !== 'user')
      throw new AppError(
        ErrorCode.FORBIDDEN,
        'Reviews are signed by a person; sign in to review match events.',
      );
    const note = (args.note ?? '').trim();
    if (note.length > 2000)
      throw new AppError(ErrorCode.BAD_INPUT, 'note must be at most 2000 characters.', { field: 'note' });
    const event = await this.deps.reviews.findById(args.eventId);
    if (!event) throw notFound('match event', args.eventId);
    if (event.kind !== 'IDENTIFY' && event.kind !== 'VERIFY') {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        'Only identify and verify events can be reviewed; compare and detect events name no identity.',
        {
          field: 'eventId',
        },
      );
    }
    const targetIdentityId = await this.pickTarget(event, args.verdict, args.identityId ?? null);
    const review = await this.deps.uow.transaction(async (tx) => {
      if (
        args.verdict === 'CONFIRM' &&
        targetIdentityId !== null &&
        (await this.deps.reviews.hasConfirmed(tx.db, event.id, actor.userId, targetIdentityId))
      ) {
        throw new AppError(
          ErrorCode.BAD_INPUT,
          event.requiredConfirmations > 1
            ? 'You already confirmed this identification; a second, different reviewer must confirm it before it counts.'
            : 'You already confirmed this identification.',
          { field: 'verdict' },
        );
      }
      const created = await this.deps.reviews.createReview(tx.db, {
        eventId: event.id,
        reviewerId: actor.userId,
        verdict: args.verdict,
        targetIdentityId,
        note,
      });
      await tx.audit(
        auditEntry(actor, 'matchEvent.review', `matchEvent:${event.id}`, {
          reviewId: created.id,
          verdict: args.verdict,
          identityId: targetIdentityId,
          galleryId: event.galleryId,
          hasNote: note.length > 0,
          requiredConfirmations: event.requiredConfirmations,
        }),
      );
      return created;
    });
    const target = targetIdentityId === null ? null : await this.deps.identities.findById(targetIdentityId);
    return this.toReviewModel(review, new Map(target ? [[target.id, toIdentityModel(target)]] : []));
  }

  /** Sets how many different reviewers must confirm an identification of the gallery (1 or 2); audited. */
  async setGalleryReviewPolicy(
    actor: Actor,
    args: { galleryId: string; requiredConfirmations: number },
  ): Promise<void> {
    authorize(actor, 'galleries.write');
    if (args.requiredConfirmations !== 1 && args.requiredConfirmations !== 2) {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        'requiredConfirmations must be 1 (one reviewer) or 2 (two different reviewers).',
        { field: 'requiredConfirmations' },
      );
    }
    await requireGallery(actor, args.galleryId, (id) => this.deps.reviews.findReviewPolicy(id));
    await this.deps.uow.transaction(async (tx) => {
      const to = args.requiredConfirmations;
      const from = await this.deps.reviews.setRequiredConfirmations(tx.db, args.galleryId, to);
      await tx.audit(
        auditEntry(actor, 'gallery.reviewPolicy', `gallery:${args.galleryId}`, {
          requiredConfirmations: { from, to },
        }),
      );
    });
  }

  private async pickTarget(
    event: MatchEventRecord,
    verdict: ReviewVerdict,
    identityId: string | null,
  ): Promise<string | null> {
    if (verdict === 'UNKNOWN' || verdict === 'DISMISS') {
      if (identityId !== null) {
        throw new AppError(
          ErrorCode.BAD_INPUT,
          `${verdict} names no identity; leave identityId out (use REJECT or REASSIGN to name one).`,
          { field: 'identityId' },
        );
      }
      return null;
    }
    if (verdict === 'REASSIGN') {
      if (identityId === null) {
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'REASSIGN needs identityId: the identity the probe really shows.',
          { field: 'identityId' },
        );
      }
      const identity = await this.deps.identities.findById(identityId);
      if (!identity || identity.status === 'ERASED' || identity.galleryId !== event.galleryId) {
        throw new AppError(ErrorCode.BAD_INPUT, "identityId must be an identity of the event's gallery.", {
          field: 'identityId',
        });
      }
      return identity.id;
    }
    const candidate =
      identityId === null ? event.candidates[0] : event.candidates.find((c) => c.identityId === identityId);
    if (!candidate) {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        identityId === null
          ? 'The event has no candidate to confirm or reject; use REASSIGN with identityId.'
          : `${verdict} needs identityId to be one of the event's candidates; use REASSIGN for another identity.`,
        { field: 'identityId' },
      );
    }
    return candidate.identityId;
  }

  private async toModels(events: readonly MatchEventRecord[]): Promise<MatchEventModel[]> {
    const identityIds = new Set<string>();
    const faceIds = new Set<string>();
    for (const e of events) {
      for (const c of e.candidates) {
        identityIds.add(c.identityId);
        if (c.faceId) faceIds.add(c.faceId);
      }
      for (const r of e.reviews) if (r.targetIdentityId) identityIds.add(r.targetIdentityId);
    }
    const [identityRows, faceRows] = await Promise.all([
      this.deps.identities.findByIds([...identityIds]),
      this.deps.matching.findFaces([...faceIds]),
    ]);
    const identities = new Map(identityRows.map((r) => [r.id, toIdentityModel(r)]));
    const faces = new Map(faceRows.map((r) => [r.id, toFaceModel(r)]));
    return events.map((e) => {
      // The rest (ids, decision, threshold, model, latency, sha256, box, needsReview) as recorded.
      const { probeImageKey, requesterUserId, requesterKeyId, candidates, reviews, createdAt, ...recorded } =
        e;
      return {
        ...recorded,
        probeImageAvailable: probeImageKey !== null,
        requester: requesterUserId
          ? `user:${requesterUserId}`
          : requesterKeyId
            ? `key:${requesterKeyId}`
            : null,
        candidates: candidates.flatMap((c) => {
          const identity = identities.get(c.identityId);
          return identity
            ? [{ rank: c.rank, identity, score: c.score, face: (c.faceId && faces.get(c.faceId)) || null }]
            : [];
        }),
        topScore: candidates[0]?.score ?? null,
        reviews: reviews.map((r) => this.toReviewModel(r, identities)),
        ...this.confirmationState(e),
        createdAt: createdAt.toISOString(),
      };
    });
  }

  private confirmationState(e: MatchEventRecord): {
    confirmations: number;
    requiredConfirmations: number;
    confirmed: boolean;
  } {
    const { confirmations, isStanding } = confirmationsOf(e.reviews);
    return {
      confirmations,
      requiredConfirmations: e.requiredConfirmations,
      confirmed: isStanding && confirmations >= e.requiredConfirmations,
    };
  }

  private toReviewModel(
    review: ReviewRecord,
    identities: ReadonlyMap<string, ResolversParentTypes['Identity']>,
  ): ReviewModel {
    return {
      id: review.id,
      eventId: review.eventId,
      verdict: review.verdict,
      identity: review.targetIdentityId ? (identities.get(review.targetIdentityId) ?? null) : null,
      note: review.note,
      reviewerId: review.reviewerId,
      reviewerEmail: review.reviewerEmail,
      createdAt: review.createdAt.toISOString(),
    };
  }
}
