// Matching: identify (1:N inside a gallery), verify (1:1), compareFaces and detectFaces. Every call is
// recorded as a MatchEvent with its candidates and audited in one unit of work, which publishes a
// MatchRecorded event per row after the commit (the live feed and webhooks subscribe); the probe
// image and embedding are kept for the gallery's retention period, then purged by purgeExpiredProbes.
// In shadow mode (shadow-scoring.ts) identify's one analysis embeds the probe with the migration's
// target too, and the target is decided by identify's own rule (decideFace).
import type { MatchDecision } from '@faceledger/db';
import type { AnalysisResult, Face as EngineFace } from '@faceledger/recognition';
import { rankIdentities, type IdentityCandidate } from '@faceledger/recognition/identify';
import type { ResolversParentTypes } from '@faceledger/schema/server';
import type { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { MatchRecorded } from '../../infrastructure/events/domain-events.js';
import type { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { cosine } from '../../shared/cosine.js';
import { AppError, ErrorCode, isAppError } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import type { NewAuditEntry } from '../audit/audit.repository.js';
import { actorRef, type Actor } from '../auth/actor.js';
import { requireGallery } from '../auth/gallery-access.js';
import { authorize } from '../auth/permissions.js';
import type { GalleriesRepository, GalleryRecord } from '../galleries/galleries.repository.js';
import { effectiveIdentifyThreshold, MAX_IDENTIFY_SCORE } from '../galleries/identify-threshold.js';
import type { IdentitiesRepository, IdentityRecord } from '../identities/identities.repository.js';
import type { ImageArg, ImageBytes, UploadsService } from '../uploads/uploads.service.js';
import type { FaceHit, MatchingRepository, NewMatchEvent } from './matching.repository.js';
import type { ShadowResult, ShadowScorer, ShadowScoring } from './shadow-scoring.js';
import { toDetectedFace, toFaceBox, toFaceModel, toIdentityModel } from './recognition-models.js';

/** What identify returns (GraphQL IdentifyResult with Identity models). */
export type IdentifyModel = ResolversParentTypes['IdentifyResult'];
export type VerifyModel = ResolversParentTypes['VerifyResult'];
export type CompareModel = ResolversParentTypes['CompareResult'];
export type DetectModel = ResolversParentTypes['DetectResult'];

/** Tunables of matching; the defaults are what the API documents. */
export interface MatchingSettings {
  /**
   * A probe whose embedding has at least this cosine similarity with the probe of a REJECT review of
   * identity X can not be a MATCH for X (a negative exemplar).
   */
  negativeExemplarSimilarity: number;
  /** identify reads topK x this many nearest faces before keeping each identity's best face. */
  overFetchFactor: number;
  /** Largest topK a caller may ask for. */
  maxTopK: number;
}

export const DEFAULT_MATCHING_SETTINGS: Readonly<MatchingSettings> = Object.freeze({
  negativeExemplarSimilarity: 0.9,
  overFetchFactor: 10,
  maxTopK: 50,
});

/** The repositories and services matching works with (narrowed, so unit tests can fake them). */
export interface MatchingDependencies {
  matching: Pick<
    MatchingRepository,
    | 'searchGallery'
    | 'bestFaceOfIdentity'
    | 'identitiesRejectedNear'
    | 'createEvent'
    | 'expireProbes'
    | 'countExpiredProbes'
    | 'findFaces'
  >;
  galleries: Pick<GalleriesRepository, 'findById'>;
  identities: Pick<IdentitiesRepository, 'findById' | 'findByIds'>;
  recognition: Pick<RecognitionRepository, 'analyze' | 'modelInfo' | 'defaultModelId' | 'detectorName'>;
  images: Pick<ImageRepository, 'put' | 'deleteUnreferenced'>;
  uploads: Pick<UploadsService, 'resolve'>;
  uow: Pick<UnitOfWork, 'transaction'>;
  /** Shadow mode of model migrations: scores identify's probes with a gallery's target model too. */
  shadow?: ShadowScorer;
}

/** One identity proposed for a probe face: its score under the identity scoring rule, its best face. */
export type Candidate = IdentityCandidate;

/** What identify decided for one probe face under one model. */
export interface FaceDecision {
  /** Ranked by rankByBestFace, rank 1 first. */
  candidates: Candidate[];
  /** Identities at or above the threshold that a negative exemplar ruled out. */
  demoted: Set<string>;
  /** The MATCH (pickMatch); null: UNKNOWN. */
  match: Candidate | null;
}

/** What identify worked out for one face of the probe. */
interface FaceOutcome extends FaceDecision {
  face: EngineFace;
  embedding: Float32Array;
  /** The face's negative exemplars (rejectedNear). */
  rejectedAmong: (identityIds: readonly string[]) => Promise<Set<string>>;
}

/**
 * Scoring rule of identify: @faceledger/recognition's rankIdentities, the rule `faceledger eval
 * identify` measures (mean of an identity's two best faces among those read + 0.75 x its margin to
 * the best rival; numbers in the package README). The name stays for its callers.
 */
export const rankByBestFace = rankIdentities;

/** The MATCH of a ranked list: the first candidate at or above the threshold that no negative exemplar demoted. */
export function pickMatch(
  candidates: readonly Candidate[],
  threshold: number,
  demoted: ReadonlySet<string>,
): Candidate | null {
  return candidates.find((c) => c.score >= threshold && !demoted.has(c.identityId)) ?? null;
}

/**
 * identify's decision for one probe face from `hits`, the nearest faces of the gallery's ACTIVE
 * identities under one model (nearest first, topK x overFetchFactor of them): ranked by
 * rankByBestFace, the contenders at or above `threshold` that a negative exemplar rules out
 * (`rejectedAmong`, the probe's REJECT reviews), and the MATCH (pickMatch). Shadow mode decides the
 * target model's hits with it too, so its agreement counts compare like with like, and camera
 * sightings decide each best face of a track with it.
 */
export async function decideFace(
  hits: readonly FaceHit[],
  topK: number,
  threshold: number,
  rejectedAmong: (identityIds: readonly string[]) => Promise<Set<string>>,
): Promise<FaceDecision> {
  const candidates = rankByBestFace(hits, topK);
  const demoted = await rejectedAmong(
    candidates.filter((c) => c.score >= threshold).map((c) => c.identityId),
  );
  return { candidates, demoted, match: pickMatch(candidates, threshold, demoted) };
}

/** What every event of one call shares (who asked is filled in from the actor). */
type MatchCall = Omit<
  NewMatchEvent,
  'decision' | 'probeEmbedding' | 'probeBox' | 'candidates' | 'requesterUserId' | 'requesterKeyId'
>;

/** One event of a call: its decision and candidates, and the top candidate as the live feed shows it. */
type MatchOutcome = Pick<NewMatchEvent, 'decision' | 'probeEmbedding' | 'probeBox' | 'candidates'> & {
  top: MatchRecorded['topCandidate'];
};

/** The ledger entry of a call, given the ids of the events it recorded. */
type MatchAudit = (eventIds: string[]) => Omit<NewAuditEntry, 'actor'>;

/** An outcome with no candidate and nothing kept of the probe but its box. */
function bareOutcome(decision: MatchDecision, probeBox: NewMatchEvent['probeBox']): MatchOutcome {
  return { decision, probeEmbedding: null, probeBox, candidates: [], top: null };
}

function embeddingOf(face: EngineFace): Float32Array {
  if (!face.embedding)
    throw new Error('The engine returned a face without an embedding although one was asked for.');
  return face.embedding;
}

export { MAX_IDENTIFY_SCORE };

/** A cosine threshold (verify, compareFaces): between 0 and 1. */
function checkThreshold(value: number | null | undefined): number | null {
  if (value == null) return null;
  if (!Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      'threshold must be greater than 0 and less than 1, such as 0.9; leave it out for the default.',
      { field: 'threshold' },
    );
  }
  return value;
}

/** An identify threshold: an identify score, greater than 0 and at most MAX_IDENTIFY_SCORE. */
function checkIdentifyThreshold(value: number | null | undefined): number | null {
  if (value == null) return null;
  if (!Number.isFinite(value) || value <= 0 || value > MAX_IDENTIFY_SCORE) {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `threshold must be greater than 0 and at most ${MAX_IDENTIFY_SCORE} (an identify score, such as 0.97); leave it out for the gallery's.`,
      { field: 'threshold' },
    );
  }
  return value;
}

export class MatchingService {
  private readonly settings: MatchingSettings;

  constructor(
    private readonly deps: MatchingDependencies,
    settings: Partial<MatchingSettings> = {},
  ) {
    this.settings = { ...DEFAULT_MATCHING_SETTINGS, ...settings };
  }

  /** Who is this? Ranked candidates and a decision for every face of the image. */
  async identify(
    actor: Actor,
    args: { galleryId: string; image: ImageArg; topK?: number | null; threshold?: number | null },
  ): Promise<IdentifyModel> {
    authorize(actor, 'faces.identify');
    const topK = args.topK ?? 5;
    if (!Number.isInteger(topK) || topK < 1 || topK > this.settings.maxTopK) {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        `topK must be a whole number from 1 to ${this.settings.maxTopK}.`,
        { field: 'topK' },
      );
    }
    const requested = checkIdentifyThreshold(args.threshold);
    const gallery = await requireGallery(actor, args.galleryId, (id) => this.deps.galleries.findById(id));
    // Identify scores are not cosines: the pair threshold (matchThreshold) is never the default here.
    const threshold = requested ?? effectiveIdentifyThreshold(gallery).threshold;
    if (threshold === null)
      throw new AppError(
        ErrorCode.CONFLICT,
        `Model ${gallery.embeddingModelId} has no identify calibration; set the gallery's identifyThresholdOverride (updateGallery) or pass threshold.`,
        { field: 'identifyThresholdOverride' },
      );
    const probe = await this.deps.uploads.resolve(actor, args.image);
    const shadowMode = (await this.deps.shadow?.shadowFor(gallery)) ?? null;

    const started = performance.now();
    const { analysis, shadowing } = await this.analyzeProbe(probe.bytes, gallery, shadowMode);
    const model = {
      id: gallery.embeddingModelId,
      dims: this.deps.recognition.modelInfo(gallery.embeddingModelId).dims,
    };
    const facesRead = topK * this.settings.overFetchFactor;
    const perFace: FaceOutcome[] = [];
    for (const face of analysis.faces) {
      const embedding = embeddingOf(face);
      const hits = await this.deps.matching.searchGallery({
        galleryId: gallery.id,
        modelId: model.id,
        embedding,
        dims: model.dims,
        limit: facesRead,
        activeOnly: true,
      });
      const rejectedAmong = this.rejectedNear(embedding, model);
      perFace.push({
        face,
        embedding,
        rejectedAmong,
        ...(await decideFace(hits, topK, threshold, rejectedAmong)),
      });
    }
    const latencyMs = Math.round(performance.now() - started);
    const shadow =
      shadowing && perFace.length > 0
        ? await shadowing.scoreShadow({
            topK,
            facesRead,
            faces: perFace.map((f) => ({
              decision: f.match ? 'MATCH' : 'UNKNOWN',
              topIdentityId: f.candidates[0]?.identityId ?? null,
              targetEmbedding: f.face.extraEmbeddings?.[shadowing.modelId] ?? null,
              rejectedAmong: f.rejectedAmong,
            })),
          })
        : null;
    const imageKey = await this.keepProbe(gallery, probe);

    const allCandidates = perFace.flatMap((f) => f.candidates);
    const { identities, faces, records } = await this.loadModels(
      allCandidates.map((c) => c.identityId),
      allCandidates.map((c) => c.faceId),
    );
    const decisions = perFace.map((f) => (f.match ? ('MATCH' as const) : ('UNKNOWN' as const)));
    const eventIds = await this.record(
      actor,
      gallery,
      {
        kind: 'IDENTIFY',
        galleryId: gallery.id,
        probeImageKey: imageKey,
        probeSha256: probe.sha256,
        threshold,
        modelId: gallery.embeddingModelId,
        latencyMs,
      },
      // An image without a face is still one (UNKNOWN) event.
      perFace.length === 0
        ? [bareOutcome('UNKNOWN', null)]
        : perFace.map((f, i) => {
            const top = f.candidates[0];
            const topIdentity = top ? records.get(top.identityId) : undefined;
            return {
              decision: decisions[i] ?? 'UNKNOWN',
              // Kept as long as the probe image (none at retention 0): a REJECT review needs it.
              probeEmbedding: gallery.probeRetentionDays > 0 ? f.embedding : null,
              probeBox: toFaceBox(f.face.box),
              candidates: f.candidates.map(({ identityId, faceId, score, rank }) => ({
                identityId,
                faceId,
                score,
                rank,
              })),
              top:
                top && topIdentity
                  ? {
                      identityId: top.identityId,
                      displayName: topIdentity.displayName,
                      externalId: topIdentity.externalId,
                      score: top.score,
                    }
                  : null,
            };
          }),
      (ids) => ({
        action: 'faces.identify',
        subject: `gallery:${gallery.id}`,
        payload: {
          eventIds: ids,
          faces: perFace.length,
          facesTruncated: analysis.facesTruncated,
          decisions,
          matchedIdentityIds: perFace.map((f) => f.match?.identityId ?? null),
          threshold,
          modelId: gallery.embeddingModelId,
          latencyMs,
          ...(shadow && { shadow: { modelId: shadow.modelId, threshold: shadow.threshold, faces: shadow.faces } }),
        },
      }),
      shadow,
    );

    return {
      galleryId: gallery.id,
      threshold,
      modelId: gallery.embeddingModelId,
      latencyMs,
      facesTruncated: analysis.facesTruncated,
      faces: perFace.map((f, i) => {
        const candidates = f.candidates.flatMap((c) => {
          const identity = identities.get(c.identityId);
          return identity
            ? [
                {
                  rank: c.rank,
                  identity,
                  score: c.score,
                  face: faces.get(c.faceId) ?? null,
                  demoted: f.demoted.has(c.identityId),
                },
              ]
            : [];
        });
        return {
          eventId: eventIds[i] ?? '',
          face: toDetectedFace(f.face),
          decision: decisions[i] ?? 'UNKNOWN',
          identity: f.match ? (identities.get(f.match.identityId) ?? null) : null,
          score: f.match?.score ?? null,
          candidates,
        };
      }),
    };
  }

  /** Is this the identity? The image's largest face against the identity's faces. */
  async verify(
    actor: Actor,
    args: { identityId: string; image: ImageArg; threshold?: number | null },
  ): Promise<VerifyModel> {
    authorize(actor, 'faces.verify');
    const requested = checkThreshold(args.threshold);
    const identity = await this.deps.identities.findById(args.identityId);
    if (!identity || identity.status === 'ERASED') throw notFound('identity', args.identityId);
    const gallery = await requireGallery(actor, identity.galleryId, (id) => this.deps.galleries.findById(id));
    const threshold = requested ?? gallery.matchThreshold;
    const probe = await this.deps.uploads.resolve(actor, args.image);

    const started = performance.now();
    const analysis = await this.deps.recognition.analyze(probe.bytes, { modelId: gallery.embeddingModelId });
    const { dims } = this.deps.recognition.modelInfo(gallery.embeddingModelId);
    const face = analysis.faces[0] ?? null;
    const embedding = face ? embeddingOf(face) : null;
    const best = embedding
      ? await this.deps.matching.bestFaceOfIdentity(identity.id, gallery.embeddingModelId, embedding, dims)
      : null;
    const demoted =
      embedding !== null && best !== null && best.score >= threshold
        ? (
            await this.deps.matching.identitiesRejectedNear(
              [identity.id],
              embedding,
              { id: gallery.embeddingModelId, dims },
              this.settings.negativeExemplarSimilarity,
            )
          ).has(identity.id)
        : false;
    let decision: MatchDecision = 'NO_MATCH';
    if (!face) decision = 'UNKNOWN';
    else if (best && best.score >= threshold && !demoted && identity.status === 'ACTIVE') decision = 'MATCH';
    const latencyMs = Math.round(performance.now() - started);
    const imageKey = await this.keepProbe(gallery, probe);

    const [eventId = ''] = await this.record(
      actor,
      gallery,
      {
        kind: 'VERIFY',
        galleryId: gallery.id,
        probeImageKey: imageKey,
        probeSha256: probe.sha256,
        threshold,
        modelId: gallery.embeddingModelId,
        latencyMs,
      },
      [
        {
          decision,
          probeEmbedding: gallery.probeRetentionDays > 0 ? embedding : null,
          probeBox: face ? toFaceBox(face.box) : null,
          candidates: best ? [{ identityId: identity.id, faceId: best.faceId, score: best.score, rank: 1 }] : [],
          top: best
            ? {
                identityId: identity.id,
                displayName: identity.displayName,
                externalId: identity.externalId,
                score: best.score,
              }
            : null,
        },
      ],
      ([id]) => ({
        action: 'faces.verify',
        subject: `identity:${identity.id}`,
        payload: {
          eventId: id,
          galleryId: gallery.id,
          decision,
          score: best?.score ?? null,
          threshold,
          demoted,
          latencyMs,
        },
      }),
    );
    const bestFace = best ? ((await this.deps.matching.findFaces([best.faceId]))[0] ?? null) : null;
    return {
      eventId,
      match: decision === 'MATCH',
      decision,
      score: best?.score ?? null,
      threshold,
      modelId: gallery.embeddingModelId,
      latencyMs,
      face: face ? toDetectedFace(face) : null,
      bestFace: bestFace ? toFaceModel(bestFace) : null,
      demoted,
    };
  }

  /** Do two images show the same person? The largest face of each, with the engine's default model. */
  async compareFaces(
    actor: Actor,
    args: { imageA: ImageArg; imageB: ImageArg; threshold?: number | null },
  ): Promise<CompareModel> {
    authorize(actor, 'faces.verify');
    const requested = checkThreshold(args.threshold);
    const a = await this.deps.uploads.resolve(actor, args.imageA, 'imageA');
    const b = await this.deps.uploads.resolve(actor, args.imageB, 'imageB');
    const modelId = this.deps.recognition.defaultModelId();
    const threshold = requested ?? this.deps.recognition.modelInfo(modelId).threshold;

    const started = performance.now();
    const [resultA, resultB] = await Promise.all([
      this.deps.recognition.analyze(a.bytes, { modelId }),
      this.deps.recognition.analyze(b.bytes, { modelId }),
    ]);
    const faceA = resultA.faces[0] ?? null;
    const faceB = resultB.faces[0] ?? null;
    const embeddingA = faceA ? embeddingOf(faceA) : null;
    const score = embeddingA && faceB ? cosine(embeddingA, embeddingOf(faceB)) : null;
    const decision: MatchDecision = score === null ? 'UNKNOWN' : score >= threshold ? 'MATCH' : 'NO_MATCH';
    const latencyMs = Math.round(performance.now() - started);

    // No gallery, so no retention period: the event keeps the sha256 of image A, never the images
    // nor an embedding (no review or negative exemplar ever reads one from a COMPARE event).
    const [eventId = ''] = await this.record(
      actor,
      null,
      { kind: 'COMPARE', galleryId: null, probeImageKey: null, probeSha256: a.sha256, threshold, modelId, latencyMs },
      [bareOutcome(decision, faceA ? toFaceBox(faceA.box) : null)],
      ([id]) => ({
        action: 'faces.compare',
        subject: `matchEvent:${id}`,
        payload: { decision, score, threshold, modelId, latencyMs },
      }),
    );
    return {
      eventId,
      match: decision === 'MATCH',
      decision,
      score,
      threshold,
      modelId,
      latencyMs,
      faceA: faceA ? toDetectedFace(faceA) : null,
      faceB: faceB ? toDetectedFace(faceB) : null,
    };
  }

  /** Every face of the image with quality and spoof scores; no embeddings, nothing stored but the event. */
  async detectFaces(actor: Actor, args: { image: ImageArg }): Promise<DetectModel> {
    authorize(actor, 'faces.detect');
    const probe = await this.deps.uploads.resolve(actor, args.image);
    const started = performance.now();
    const analysis: AnalysisResult = await this.deps.recognition.analyze(probe.bytes, { embed: false });
    const latencyMs = Math.round(performance.now() - started);
    const modelId = this.deps.recognition.detectorName();
    const [eventId = ''] = await this.record(
      actor,
      null,
      {
        kind: 'DETECT',
        galleryId: null,
        probeImageKey: null,
        probeSha256: probe.sha256,
        threshold: null,
        modelId,
        latencyMs,
      },
      [bareOutcome('UNKNOWN', null)],
      ([id]) => ({
        action: 'faces.detect',
        subject: `matchEvent:${id}`,
        payload: { faces: analysis.faces.length, facesTruncated: analysis.facesTruncated, modelId, latencyMs },
      }),
    );
    return {
      eventId,
      width: analysis.width,
      height: analysis.height,
      faces: analysis.faces.map(toDetectedFace),
      facesTruncated: analysis.facesTruncated,
      latencyMs,
    };
  }

  /**
   * The retention job: clears the probe image and the probe embedding of every event older than its
   * gallery's probeRetentionDays at `now` (keeping the embedding of a standing REJECT, the negative
   * exemplar) and deletes the image unless an enrolled face, another event or a pending upload still
   * uses it. Writes one audit entry when anything expired.
   */
  async purgeExpiredProbes(
    actor: Actor,
    now: Date,
  ): Promise<{ eventsCleared: number; embeddingsCleared: number; imagesDeleted: number }> {
    if (actor.kind !== 'system')
      throw new AppError(ErrorCode.FORBIDDEN, 'Only the server itself purges probe images.');
    if ((await this.deps.matching.countExpiredProbes(now)) === 0)
      return { eventsCleared: 0, embeddingsCleared: 0, imagesDeleted: 0 };
    const expired = await this.deps.uow.transaction(async (tx) => {
      const rows = await this.deps.matching.expireProbes(tx.db, now);
      await tx.audit({
        actor: actorRef(actor),
        action: 'matchEvents.purgeProbes',
        subject: 'matchEvents',
        payload: {
          eventsCleared: rows.length,
          embeddingsCleared: rows.filter((r) => r.embeddingCleared).length,
          images: new Set(rows.flatMap((r) => (r.imageKey === null ? [] : [r.imageKey]))).size,
          at: now.toISOString(),
        },
      });
      return rows;
    });
    const deleted = await this.deps.images.deleteUnreferenced([
      ...new Set(expired.flatMap((r) => (r.imageKey === null ? [] : [r.imageKey]))),
    ]);
    return {
      eventsCleared: expired.length,
      embeddingsCleared: expired.filter((r) => r.embeddingCleared).length,
      imagesDeleted: deleted.length,
    };
  }

  /**
   * Records the events of one call and its ledger entry in one unit of work, and publishes a
   * MatchRecorded per event with what it carries (delivered after the commit). Returns the event ids.
   */
  private async record(
    actor: Actor,
    gallery: Pick<GalleryRecord, 'id' | 'name'> | null,
    call: MatchCall,
    outcomes: readonly MatchOutcome[],
    audit: MatchAudit,
    shadow: ShadowResult | null = null,
  ): Promise<string[]> {
    return this.deps.uow.transaction(async (tx) => {
      const ids: string[] = [];
      for (const { top, ...outcome } of outcomes) {
        const { id, createdAt } = await this.deps.matching.createEvent(tx.db, {
          ...call,
          requesterUserId: actor.kind === 'user' ? actor.userId : null,
          requesterKeyId: actor.kind === 'apiKey' ? actor.keyId : null,
          ...outcome,
        });
        ids.push(id);
        tx.publish({
          type: 'MatchRecorded',
          eventId: id,
          kind: call.kind,
          decision: outcome.decision,
          galleryId: gallery?.id ?? null,
          galleryName: gallery?.name ?? null,
          topCandidate: top,
          createdAt: createdAt.toISOString(),
        });
      }
      await shadow?.record(tx.db);
      await tx.audit({ actor: actorRef(actor), ...audit(ids) });
      return ids;
    });
  }

  /** A probe's negative exemplars: which of the given identities a REJECT of a nearby probe of `model` rules out. */
  private rejectedNear(
    embedding: Float32Array,
    model: { id: string; dims: number },
  ): (identityIds: readonly string[]) => Promise<Set<string>> {
    return (identityIds) =>
      this.deps.matching.identitiesRejectedNear(
        identityIds,
        embedding,
        model,
        this.settings.negativeExemplarSimilarity,
      );
  }

  /**
   * identify's one analysis of the probe with the gallery's model and, in shadow mode, the target's
   * embedding of each face (extraModelIds: one detection). When that analysis fails for anything but
   * the image itself, the probe is analysed again without the target and identify answers without
   * the shadow (the scoring logs why), so shadow mode never fails identify. `shadowing`: the shadow
   * scoring the analysis served, null without one.
   */
  private async analyzeProbe(
    image: Uint8Array,
    gallery: GalleryRecord,
    shadowMode: ShadowScoring | null,
  ): Promise<{ analysis: AnalysisResult; shadowing: ShadowScoring | null }> {
    const modelId = gallery.embeddingModelId;
    if (!shadowMode)
      return { analysis: await this.deps.recognition.analyze(image, { modelId }), shadowing: null };
    try {
      const analysis = await this.deps.recognition.analyze(image, {
        modelId,
        extraModelIds: [shadowMode.modelId],
      });
      return { analysis, shadowing: shadowMode };
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.BAD_IMAGE) throw error;
      shadowMode.abandon(error);
      return { analysis: await this.deps.recognition.analyze(image, { modelId }), shadowing: null };
    }
  }

  /** Stores the probe image when the gallery keeps probes; returns its key or null. */
  private async keepProbe(gallery: GalleryRecord, probe: ImageBytes): Promise<string | null> {
    return gallery.probeRetentionDays > 0 ? this.deps.images.put(probe.bytes) : null;
  }

  private async loadModels(identityIds: readonly string[], faceIds: readonly string[]) {
    const [identityRows, faceRows] = await Promise.all([
      this.deps.identities.findByIds([...new Set(identityIds)]),
      this.deps.matching.findFaces(faceIds),
    ]);
    return {
      records: new Map(identityRows.map((r: IdentityRecord) => [r.id, r])),
      identities: new Map(identityRows.map((r: IdentityRecord) => [r.id, toIdentityModel(r)])),
      faces: new Map(faceRows.map((r) => [r.id, toFaceModel(r)])),
    };
  }
}
