// Reviews: lists recorded match events for people to check, and records their verdicts. A REJECT of
// identity X turns the event's probe embedding into a negative exemplar for X (see MatchingService);
// UNKNOWN and DISMISS settle an event and teach nothing. A gallery may require two different
// reviewers to CONFIRM an identification before it counts. While the gallery migrates to another
// model (or a switch's rollback window is open), a REJECT also embeds the kept probe image with the
// other model, so the exemplar applies whichever model the gallery ends up using.
import type { MatchDecision, MatchKind, ReviewVerdict } from '@faceledger/db';
import type { ResolversParentTypes } from '@faceledger/schema/server';
import type { Logger } from 'pino';
import type { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
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
import type { Transaction } from '../audit/audit.repository.js';
import { probeFaceAt } from '../enrollment/face-choice.js';
import { auditEntry, type Actor } from '../auth/actor.js';
import { galleryScope, requireGallery } from '../auth/gallery-access.js';
import { authorize, authorizeGallery } from '../auth/permissions.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import type { IdentitiesRepository } from '../identities/identities.repository.js';
import type { MatchingRepository } from '../matching/matching.repository.js';
import { toFaceModel, toIdentityModel } from '../matching/recognition-models.js';
import { otherModelForNewFaces } from '../model-migration/migration-target.js';
import type { ModelMigrationRepository } from '../model-migration/model-migration.repository.js';

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
    | 'findProbeModels'
  >;
  identities: Pick<IdentitiesRepository, 'findById' | 'findByIds'>;
  matching: Pick<MatchingRepository, 'findFaces'>;
  /** A REJECT's probe carried to the other model of a migration (embedProbeForModels, storeCarried). */
  galleries: Pick<GalleriesRepository, 'findById'>;
  migrations: Pick<ModelMigrationRepository, 'findLatest' | 'lockGalleryShared' | 'storeProbeEmbedding'>;
  recognition: Pick<RecognitionRepository, 'analyze'>;
  images: Pick<ImageRepository, 'get'>;
  uow: Pick<UnitOfWork, 'transaction'>;
  logger: Pick<Logger, 'warn'>;
}

/** A REJECTed probe's embedding under a model its event has none of yet, to store with the review. */
interface ProbeEmbedding {
  modelId: string;
  embedding: ArrayLike<number>;
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
    // Analysed before the transaction: the engine is never called inside one.
    const carry = args.verdict === 'REJECT' ? await this.embedProbeForModels(event) : [];
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
      // A migration's start, switch or rollback waits for the carried embeddings, or they for it (the
      // gallery before the event, as enrollment locks the gallery before the identity).
      if (carry.length > 0 && event.galleryId !== null)
        await this.deps.migrations.lockGalleryShared(tx.db, event.galleryId);
      const created = await this.deps.reviews.createReview(tx.db, {
        eventId: event.id,
        reviewerId: actor.userId,
        verdict: args.verdict,
        targetIdentityId,
        note,
      });
      const carriedTo = carry.length > 0 ? await this.storeCarried(tx.db, event, carry) : [];
      await tx.audit(
        auditEntry(actor, 'matchEvent.review', `matchEvent:${event.id}`, {
          reviewId: created.id,
          verdict: args.verdict,
          identityId: targetIdentityId,
          galleryId: event.galleryId,
          hasNote: note.length > 0,
          requiredConfirmations: event.requiredConfirmations,
          ...(args.verdict === 'REJECT' ? { carriedTo } : {}),
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

  /**
   * The models a REJECT of `event` must leave an exemplar under: the gallery's own and the other model
   * its new faces need (otherModelForNewFaces: a migration's target before the switch, the previous
   * model in a switch's rollback window); none for an event of no gallery.
   */
  private async exemplarModels(galleryId: string | null, db?: Transaction): Promise<string[]> {
    if (galleryId === null) return [];
    const gallery = await this.deps.galleries.findById(galleryId, db);
    if (!gallery) return [];
    const other = otherModelForNewFaces(
      await this.deps.migrations.findLatest(galleryId, db),
      gallery.embeddingModelId,
    );
    return other === null ? [gallery.embeddingModelId] : [gallery.embeddingModelId, other];
  }

  /**
   * Embeds the REJECTed event's kept probe image with each exemplar model the probe has no embedding
   * under yet (a REJECT given after the migration job listed its probes, or in a rollback window),
   * taking the face at the event's probe box as the job does (probeFaceAt). Nothing when the image
   * is gone or unreadable, no face is at the box or the engine is down: the verdict is recorded all
   * the same, and rejectionsNotCarried counts the REJECT.
   */
  private async embedProbeForModels(event: MatchEventRecord): Promise<ProbeEmbedding[]> {
    const wanted = await this.exemplarModels(event.galleryId);
    const kept = await this.deps.reviews.findProbeModels(event.id);
    // No kept exemplar (erased or purged probe): nothing to carry.
    const models = kept.length === 0 ? [] : wanted.filter((m) => !kept.includes(m));
    const [modelId, ...extraModelIds] = models;
    if (modelId === undefined || event.probeImageKey === null) return [];
    const why = (reason: string): ProbeEmbedding[] => {
      this.deps.logger.warn(
        { eventId: event.id, galleryId: event.galleryId, models, reason },
        'The REJECTed probe could not be embedded with the migration model(s); the REJECT does not apply under them.',
      );
      return [];
    };
    let faces: Awaited<ReturnType<ReviewsDependencies['recognition']['analyze']>>['faces'];
    try {
      const bytes = await this.deps.images.get(event.probeImageKey);
      if (!bytes) return why('the probe image is no longer kept');
      faces = (
        await this.deps.recognition.analyze(bytes, {
          modelId,
          ...(extraModelIds.length > 0 ? { extraModelIds } : {}),
        })
      ).faces;
    } catch (error) {
      // BAD_IMAGE, ENGINE_UNAVAILABLE, a failing image store: the verdict does not wait for them.
      return why(error instanceof Error ? error.message : String(error));
    }
    const face = probeFaceAt(faces, event.probeBox);
    if (!face) return why(`no face at the probe box (${faces.length} faces found)`);
    return models.flatMap((m) => {
      const embedding = m === modelId ? face.embedding : face.extraEmbeddings?.[m];
      return embedding ? [{ modelId: m, embedding }] : [];
    });
  }

  /**
   * Stores the carried embeddings inside the review's transaction (the gallery's share lock taken),
   * those of models the gallery still needs then; returns the models stored.
   */
  private async storeCarried(
    db: Transaction,
    event: MatchEventRecord,
    carry: readonly ProbeEmbedding[],
  ): Promise<string[]> {
    const wanted = await this.exemplarModels(event.galleryId, db);
    const stored: string[] = [];
    for (const { modelId, embedding } of carry) {
      if (
        wanted.includes(modelId) &&
        (await this.deps.migrations.storeProbeEmbedding(db, event.id, modelId, embedding))
      )
        stored.push(modelId);
    }
    return stored;
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
