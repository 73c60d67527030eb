// Sightings: a closed face track of a camera becomes one sighting. Its best faces are identified
// against the camera's watchlist galleries with identify's own search and decision (decideFace:
// scoring, negative exemplars) at the calibrated threshold (modules/matching, modules/galleries); an
// unknown joins its "unknown #N" cluster; a watchlist MATCH raises an alert (recorded as a MATCH
// match event too, so the matchEvents subscription and webhooks carry it), deduplicated per person
// and camera within the cool-down. Each sighting is one audited unit of work that publishes
// SightingRecorded (and AlertRaised). Also the reads (sightings, alerts, clusters, face search),
// naming or dismissing a cluster, and the retention purge.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ResolversParentTypes } from '@faceledger/schema/server';
import type { FaceBox } from '@faceledger/schema';
import type { SightingIdentity } from '../../infrastructure/events/domain-events.js';
import type { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { TransactionScope, UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import {
  cutPage,
  encodeCreatedAtCursor,
  parseCreatedAtKey,
  parsePageArgs,
  toConnection,
  type Connection,
  type PageArgs,
} from '../../shared/relay-pagination.js';
import { actorRef, type Actor } from '../auth/actor.js';
import { authorize } from '../auth/permissions.js';
import type { CheckedFace, EnrollmentRefusal, EnrollmentService } from '../enrollment/enrollment.service.js';
import type { GalleriesRepository, GalleryRecord } from '../galleries/galleries.repository.js';
import { effectiveIdentifyThreshold } from '../galleries/identify-threshold.js';
import type { IdentitiesRepository, IdentityRecord } from '../identities/identities.repository.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import type { MatchingRepository } from '../matching/matching.repository.js';
import { decideFace, DEFAULT_MATCHING_SETTINGS, type Candidate } from '../matching/matching.service.js';
import { toIdentityModel } from '../matching/recognition-models.js';
import type { ImageArg, UploadsService } from '../uploads/uploads.service.js';
import { faceBoxInCrop } from './sighting-crop.js';
import { addToCentroid, assignCluster, sameFaceSimilarity } from './unknown-clusters.js';
import type {
  AlertRecord,
  CameraSettings,
  ClusterRecord,
  FaceProbe,
  KeysetPage,
  SightingFilter,
  SightingRecord,
  SightingsRepository,
} from './sightings.repository.js';

export type SightingModel = ResolversParentTypes['Sighting'];
export type AlertModel = ResolversParentTypes['Alert'];
export type UnknownClusterModel = ResolversParentTypes['UnknownCluster'];
export type UnknownClusterNamedModel = ResolversParentTypes['UnknownClusterNamed'];

/** Alerting and identification tunables; the defaults are what docs/API.md documents. */
export interface SightingsSettings {
  /** No second alert for the same person (or unknown cluster) on the same camera within this long. */
  alertCooldownMs: number;
  /** An unknown cluster raises a REPEATED_UNKNOWN alert once it has this many sightings; 0: never. */
  unknownAlertAfter: number;
  /** Candidates kept per sighting and gallery. */
  topK: number;
  /** Open clusters compared with a new unknown template (the nearest by centroid). */
  clusterCandidates: number;
}

export const DEFAULT_SIGHTINGS_SETTINGS: Readonly<SightingsSettings> = Object.freeze({
  alertCooldownMs: 5 * 60_000,
  unknownAlertAfter: 0,
  topK: 5,
  clusterCandidates: 10,
});

/** One of a track's best faces, as the analyzer hands it over. */
export interface TrackFaceInput {
  box: FaceBox;
  /** The face's embedding under the tracking model. */
  embedding: Float32Array;
  quality: number;
  /** The crop of this face (JPEG), for galleries of another model and for the sighting's image. */
  crop: Buffer;
}

/** A closed track, as the analyzer hands it over. */
export interface ClosedTrack {
  cameraId: string;
  startedAt: Date;
  endedAt: Date;
  frames: number;
  /** The tracking model (the engine's default) of the embeddings. */
  modelId: string;
  /** L2-normalised mean embedding of every face of the track. */
  template: Float32Array;
  /** Best first. */
  best: TrackFaceInput[];
}

/** What recordTrack did (for the analyzer's log and the tests). */
export interface RecordedSighting {
  sightingId: string;
  decision: 'MATCH' | 'UNKNOWN';
  identityId: string | null;
  clusterId: string | null;
  alertId: string | null;
}

export interface SightingsDependencies {
  sightings: SightingsRepository;
  galleries: Pick<GalleriesRepository, 'findById'>;
  identities: Pick<IdentitiesRepository, 'findById' | 'findByIds'>;
  matching: Pick<MatchingRepository, 'searchGallery' | 'identitiesRejectedNear' | 'createEvent'>;
  recognition: Pick<RecognitionRepository, 'analyze' | 'modelInfo' | 'defaultModelId'>;
  images: Pick<ImageRepository, 'put' | 'get' | 'deleteUnreferenced'>;
  uploads: Pick<UploadsService, 'resolve'>;
  enrollment: Pick<EnrollmentService, 'findTarget' | 'checkFace' | 'writeFace' | 'auditRefusal'>;
  identitiesService: Pick<IdentitiesService, 'createIn'>;
  uow: Pick<UnitOfWork, 'transaction'>;
  logger: Logger;
}

/** The outcome of one watchlist gallery for a track (exported for the decision test). */
export interface GalleryOutcome {
  gallery: GalleryRecord;
  threshold: number;
  /** Per best face: its ranked candidates and the MATCH identify would answer. */
  faces: Array<{ candidates: Candidate[]; match: Candidate | null }>;
}

const SYSTEM: Actor = { kind: 'system' };

/** A sighting's keyset cursor: (startedAt, id). */
function sightingCursor(s: SightingRecord): string {
  return encodeCreatedAtCursor(s.startedAt, s.id);
}

function toPage(args: PageArgs): {
  request: ReturnType<typeof parsePageArgs<ReturnType<typeof parseCreatedAtKey>>>;
  page: KeysetPage;
} {
  const request = parsePageArgs(args, parseCreatedAtKey);
  return { request, page: { direction: request.direction, limit: request.size + 1, cursor: request.cursor } };
}

function checkCosineThreshold(value: number | null | undefined, fallback: number): number {
  if (value == null) return fallback;
  if (!Number.isFinite(value) || value <= 0 || value >= 1)
    throw new AppError(
      ErrorCode.BAD_INPUT,
      'threshold must be greater than 0 and less than 1 (a cosine similarity, such as 0.9); leave it out for the model default.',
      { field: 'threshold' },
    );
  return value;
}

export class SightingsService {
  private readonly settings: SightingsSettings;

  constructor(
    private readonly deps: SightingsDependencies,
    settings: Partial<SightingsSettings> = {},
  ) {
    this.settings = { ...DEFAULT_SIGHTINGS_SETTINGS, ...settings };
  }

  /** The camera's name, retention and galleries (the analyzer's cache reads it). */
  findCamera(cameraId: string): Promise<CameraSettings | null> {
    return this.deps.sightings.findCamera(cameraId);
  }

  /**
   * Records a closed track as one sighting: identifies it against the camera's galleries, clusters
   * it when unknown, stores its best crop, raises an alert when due, all in one audited transaction.
   */
  async recordTrack(camera: CameraSettings, track: ClosedTrack): Promise<RecordedSighting> {
    const best = track.best[0];
    if (!best) throw new Error('A track without faces cannot be recorded.');
    const galleries = await this.identifyTrack(camera, track);
    const decided = decide(galleries);
    const identity = decided ? await this.deps.identities.findById(decided.identityId) : null;
    const cropImageKey = await this.deps.images.put(best.crop);
    const { dims } = this.deps.recognition.modelInfo(track.modelId);
    const candidates = galleries.flatMap(({ gallery, faces }) =>
      mergeCandidates(faces, this.settings.topK).map((c) => ({ ...c, galleryId: gallery.id })),
    );

    const recording = this.deps.uow.transaction(async (tx) => {
      await this.deps.sightings.lockCamera(tx.db, camera.id);
      let cluster: { clusterId: string; number: number; size: number } | null = null;
      if (!decided) {
        const near = await this.deps.sightings.nearestOpenClusters(
          tx.db,
          track.template,
          dims,
          track.modelId,
          this.settings.clusterCandidates,
        );
        const assigned = assignCluster(
          track.template,
          near,
          sameFaceSimilarity(this.deps.recognition.modelInfo(track.modelId).threshold),
        );
        const joined = near.find((c) => c.id === assigned.clusterId);
        if (joined) {
          await this.deps.sightings.growCluster(tx.db, joined.id, {
            centroid: addToCentroid(joined.centroid, joined.size, track.template),
            size: joined.size + 1,
            seenAt: track.endedAt,
          });
          cluster = { clusterId: joined.id, number: joined.number, size: joined.size + 1 };
        } else {
          const created = await this.deps.sightings.createCluster(tx.db, {
            modelId: track.modelId,
            centroid: track.template,
            seenAt: track.endedAt,
          });
          cluster = { clusterId: created.id, number: created.number, size: 1 };
        }
      }
      const sightingId = await this.deps.sightings.createSighting(tx.db, {
        cameraId: camera.id,
        startedAt: track.startedAt,
        endedAt: track.endedAt,
        frames: track.frames,
        quality: best.quality,
        cropImageKey,
        box: best.box,
        decision: decided ? 'MATCH' : 'UNKNOWN',
        galleryId: decided?.gallery.id ?? null,
        identityId: decided?.identityId ?? null,
        score: decided?.score ?? null,
        threshold: decided?.threshold ?? null,
        modelId: track.modelId,
        embedding: track.template,
        clusterId: cluster?.clusterId ?? null,
        candidates,
      });
      const sightingIdentity: SightingIdentity | null =
        decided && identity
          ? {
              identityId: identity.id,
              displayName: identity.displayName,
              externalId: identity.externalId,
              galleryId: decided.gallery.id,
              galleryName: decided.gallery.name,
              score: decided.score,
            }
          : null;
      const since = new Date(track.endedAt.getTime() - this.settings.alertCooldownMs);
      let alert: AlertRecord | null = null;
      if (decided && sightingIdentity) {
        if (
          !(await this.deps.sightings.hasRecentAlert(tx.db, {
            cameraId: camera.id,
            identityId: decided.identityId,
            since,
          }))
        ) {
          const event = await this.deps.matching.createEvent(tx.db, {
            kind: 'IDENTIFY',
            galleryId: decided.gallery.id,
            probeImageKey: null,
            probeSha256: createHash('sha256').update(best.crop).digest('hex'),
            requesterUserId: null,
            requesterKeyId: null,
            threshold: decided.threshold,
            modelId: decided.gallery.embeddingModelId,
            decision: 'MATCH',
            latencyMs: 0,
            probeEmbedding: null,
            probeBox: best.box,
            candidates: candidates
              .filter((c) => c.galleryId === decided.gallery.id)
              .map(({ identityId, faceId, score, rank }) => ({ identityId, faceId, score, rank })),
          });
          alert = await this.deps.sightings.createAlert(tx.db, {
            kind: 'WATCHLIST_MATCH',
            cameraId: camera.id,
            sightingId,
            galleryId: decided.gallery.id,
            identityId: decided.identityId,
            clusterId: null,
            matchEventId: event.id,
          });
          tx.publish({
            type: 'MatchRecorded',
            eventId: event.id,
            kind: 'IDENTIFY',
            decision: 'MATCH',
            galleryId: decided.gallery.id,
            galleryName: decided.gallery.name,
            topCandidate: {
              identityId: sightingIdentity.identityId,
              displayName: sightingIdentity.displayName,
              externalId: sightingIdentity.externalId,
              score: decided.score,
            },
            createdAt: event.createdAt.toISOString(),
          });
        }
      } else if (
        cluster &&
        this.settings.unknownAlertAfter > 0 &&
        cluster.size >= this.settings.unknownAlertAfter &&
        !(await this.deps.sightings.hasRecentAlert(tx.db, {
          cameraId: camera.id,
          clusterId: cluster.clusterId,
          since,
        }))
      ) {
        alert = await this.deps.sightings.createAlert(tx.db, {
          kind: 'REPEATED_UNKNOWN',
          cameraId: camera.id,
          sightingId,
          galleryId: null,
          identityId: null,
          clusterId: cluster.clusterId,
          matchEventId: null,
        });
      }
      await tx.audit({
        actor: actorRef(SYSTEM),
        action: 'sighting.record',
        subject: `camera:${camera.id}`,
        payload: {
          sightingId,
          decision: decided ? 'MATCH' : 'UNKNOWN',
          galleryId: decided?.gallery.id ?? null,
          identityId: decided?.identityId ?? null,
          score: decided?.score ?? null,
          threshold: decided?.threshold ?? null,
          clusterId: cluster?.clusterId ?? null,
          frames: track.frames,
          alertId: alert?.id ?? null,
          alertKind: alert?.kind ?? null,
        },
      });
      const clusterRef = cluster ? { clusterId: cluster.clusterId, number: cluster.number } : null;
      tx.publish({
        type: 'SightingRecorded',
        sightingId,
        cameraId: camera.id,
        cameraName: camera.name,
        decision: decided ? 'MATCH' : 'UNKNOWN',
        startedAt: track.startedAt.toISOString(),
        endedAt: track.endedAt.toISOString(),
        frames: track.frames,
        quality: best.quality,
        identity: sightingIdentity,
        cluster: clusterRef,
      });
      if (alert)
        tx.publish({
          type: 'AlertRaised',
          alertId: alert.id,
          kind: alert.kind,
          sightingId,
          cameraId: camera.id,
          cameraName: camera.name,
          identity: sightingIdentity,
          cluster: cluster ? { ...clusterRef!, sightings: cluster.size } : null,
          matchEventId: alert.matchEventId,
          createdAt: alert.createdAt.toISOString(),
        });
      return {
        sightingId,
        decision: decided ? ('MATCH' as const) : ('UNKNOWN' as const),
        identityId: decided?.identityId ?? null,
        clusterId: cluster?.clusterId ?? null,
        alertId: alert?.id ?? null,
      };
    });
    // Nothing recorded: the crop (biometric data) goes again unless a sighting or a face uses it.
    return this.undoPutsOnFailure([cropImageKey], recording);
  }

  /**
   * Identify, per watchlist gallery and per best face: the gallery's nearest faces of ACTIVE
   * identities decided by identify's one rule (decideFace: ranked, demoted by the face's negative
   * exemplars, held against the gallery's identify threshold). A gallery of another model than the
   * tracker's embeds the crops with its own.
   */
  private async identifyTrack(camera: CameraSettings, track: ClosedTrack): Promise<GalleryOutcome[]> {
    const { topK } = this.settings;
    const { overFetchFactor, negativeExemplarSimilarity } = DEFAULT_MATCHING_SETTINGS;
    const outcomes: GalleryOutcome[] = [];
    for (const galleryId of camera.galleryIds) {
      const gallery = await this.deps.galleries.findById(galleryId);
      if (!gallery) continue;
      const { threshold } = effectiveIdentifyThreshold(gallery);
      if (threshold === null) {
        this.deps.logger.warn(
          { galleryId, cameraId: camera.id },
          'watchlist gallery has no identify threshold; skipped',
        );
        continue;
      }
      const { dims } = this.deps.recognition.modelInfo(gallery.embeddingModelId);
      const faces: GalleryOutcome['faces'] = [];
      for (const face of track.best) {
        const embedding =
          gallery.embeddingModelId === track.modelId
            ? face.embedding
            : (await this.deps.recognition.analyze(face.crop, { modelId: gallery.embeddingModelId })).faces[0]
                ?.embedding;
        if (!embedding) continue;
        const hits = await this.deps.matching.searchGallery({
          galleryId: gallery.id,
          modelId: gallery.embeddingModelId,
          embedding,
          dims,
          limit: topK * overFetchFactor,
          activeOnly: true,
        });
        const { candidates, match } = await decideFace(hits, topK, threshold, (identityIds) =>
          this.deps.matching.identitiesRejectedNear(
            identityIds,
            embedding,
            { id: gallery.embeddingModelId, dims },
            negativeExemplarSimilarity,
          ),
        );
        faces.push({ candidates, match });
      }
      outcomes.push({ gallery, threshold, faces });
    }
    return outcomes;
  }

  // ----- reads -----

  async listSightings(
    actor: Actor,
    args: SightingFilter & PageArgs,
    now = new Date(),
  ): Promise<Connection<SightingModel>> {
    authorize(actor, 'sightings.read');
    const { request, page } = toPage(args);
    const read = await this.deps.sightings.listSightings(args, page, now);
    return this.sightingConnection(request, read);
  }

  async getSighting(actor: Actor, id: string, now = new Date()): Promise<SightingModel> {
    authorize(actor, 'sightings.read');
    const record = await this.deps.sightings.findSighting(id);
    const camera = record ? await this.deps.sightings.findCamera(record.cameraId) : null;
    if (!record || !camera || record.startedAt.getTime() <= now.getTime() - camera.retentionDays * 86_400_000)
      throw notFound('sighting', id);
    const [model] = await this.toSightingModels([record]);
    return model!;
  }

  async listAlerts(
    actor: Actor,
    args: { cameraId?: string | null; kind?: AlertRecord['kind'] | null } & PageArgs,
  ): Promise<Connection<AlertModel>> {
    authorize(actor, 'sightings.read');
    const { request, page } = toPage(args);
    const read = await this.deps.sightings.listAlerts(args, page);
    const { rows, hasMore } = cutPage(request, read);
    const sightings = new Map(
      (
        await this.toSightingModels(
          (await Promise.all(rows.map((a) => this.deps.sightings.findSighting(a.sightingId)))).flatMap((s) =>
            s ? [s] : [],
          ),
        )
      ).map((s) => [s.id, s]),
    );
    const edges = rows.flatMap((a) => {
      const sighting = sightings.get(a.sightingId);
      return sighting
        ? [
            {
              cursor: encodeCreatedAtCursor(a.createdAt, a.id),
              node: {
                id: a.id,
                kind: a.kind,
                cameraId: a.cameraId,
                sighting,
                matchEventId: a.matchEventId,
                createdAt: a.createdAt.toISOString(),
              },
            },
          ]
        : [];
    });
    return toConnection(request, edges, hasMore);
  }

  async listClusters(
    actor: Actor,
    args: { status?: ClusterRecord['status'] | null } & PageArgs,
  ): Promise<Connection<UnknownClusterModel>> {
    authorize(actor, 'sightings.read');
    const { request, page } = toPage(args);
    const read = await this.deps.sightings.listClusters(args.status ?? null, page);
    const { rows, hasMore } = cutPage(request, read);
    const models = await this.toClusterModels(rows, true);
    return toConnection(
      request,
      rows.map((c, i) => ({ cursor: encodeCreatedAtCursor(c.lastSeenAt, c.id), node: models[i]! })),
      hasMore,
    );
  }

  /** Where was this face seen? Sightings at or above the threshold, newest first, within retention. */
  async sightingsOfFace(
    actor: Actor,
    args: { image?: ImageArg | null; identityId?: string | null; threshold?: number | null } & PageArgs,
    now = new Date(),
  ): Promise<Connection<SightingModel>> {
    authorize(actor, 'sightings.search');
    if ((args.image == null) === (args.identityId == null))
      throw new AppError(
        ErrorCode.BAD_INPUT,
        'Give either image (a photo of the face) or identityId, not both.',
        { field: 'image' },
      );
    const { request, page } = toPage(args);
    let probe: FaceProbe;
    let modelId: string;
    if (args.image != null) {
      const image = await this.deps.uploads.resolve(actor, args.image);
      modelId = this.deps.recognition.defaultModelId();
      const face = (await this.deps.recognition.analyze(image.bytes, { modelId })).faces[0];
      if (!face?.embedding)
        throw new AppError(
          ErrorCode.BAD_IMAGE,
          'No face was found in image; send a photo where one face is clearly visible.',
          { field: 'image' },
        );
      probe = { kind: 'embedding', embedding: face.embedding, dims: face.embedding.length, modelId };
    } else {
      const identity = await this.deps.identities.findById(args.identityId!);
      if (!identity || identity.status === 'ERASED') throw notFound('identity', args.identityId!);
      const gallery = await this.deps.galleries.findById(identity.galleryId);
      modelId = gallery?.embeddingModelId ?? this.deps.recognition.defaultModelId();
      probe = { kind: 'identity', identityId: identity.id };
    }
    const threshold = checkCosineThreshold(
      args.threshold,
      sameFaceSimilarity(this.deps.recognition.modelInfo(modelId).threshold),
    );
    const read = await this.deps.sightings.searchSightings(probe, threshold, page, now);
    return this.sightingConnection(request, read);
  }

  // ----- review of unknown clusters -----

  /** Enrolls the cluster's best crops into an identity (given or created) and marks it NAMED. */
  async nameCluster(
    actor: Actor,
    args: {
      clusterId: string;
      identityId?: string | null;
      newIdentity?: Parameters<IdentitiesService['create']>[1] | null;
      faces?: number | null;
    },
  ): Promise<UnknownClusterNamedModel> {
    // A reviewer's decision (sightings.review) is what enrolls here: naming a cluster creates the
    // identity and enrolls its crops under that permission, not HR's faces.enroll.
    authorize(actor, 'sightings.review');
    const limit = args.faces ?? 3;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10)
      throw new AppError(ErrorCode.BAD_INPUT, 'faces must be a whole number from 1 to 10.', {
        field: 'faces',
      });
    if ((args.identityId == null) === (args.newIdentity == null))
      throw new AppError(
        ErrorCode.BAD_INPUT,
        'Give either identityId (an existing identity) or newIdentity, not both.',
        { field: 'identityId' },
      );
    const cluster = (await this.deps.sightings.findClusters([args.clusterId]))[0];
    if (!cluster) throw notFound('unknown cluster', args.clusterId);
    requireOpen(cluster);
    const sightings = await this.deps.sightings.bestSightingsOfCluster(cluster.id, limit);
    if (sightings.length === 0)
      throw new AppError(
        ErrorCode.CONFLICT,
        `Unknown #${cluster.number} has no face crop left to enroll (purged or erased); dismiss it instead.`,
        { clusterId: cluster.id },
      );
    // The slow, read-only part first (crops, engine analysis): nothing is written until naming is
    // certain, then the identity, its faces, their entries and the closed cluster are one transaction.
    const target = await this.deps.enrollment.findTarget(
      actor,
      args.identityId != null ? { identityId: args.identityId } : { galleryId: args.newIdentity!.galleryId },
      'sightings.review',
    );
    const accepted: CheckedFace[] = [];
    const refused: EnrollmentRefusal[] = [];
    const refusals: string[] = [];
    for (const sighting of sightings) {
      const bytes = sighting.cropImageKey ? await this.deps.images.get(sighting.cropImageKey) : null;
      if (!bytes) {
        refusals.push(`Sighting ${sighting.id}: its crop was purged or erased.`);
        continue;
      }
      const checked = await this.deps.enrollment.checkFace(
        actor,
        target,
        { bytes },
        { largestIfClear: true },
      );
      if ('refusal' in checked) {
        const { result } = checked.refusal;
        refused.push(checked.refusal);
        refusals.push(
          `Sighting ${sighting.id}: ${'message' in result ? String(result.message) : result.__typename}`,
        );
      } else if (accepted.some((other) => other.sha256 === checked.sha256)) {
        refusals.push(`Sighting ${sighting.id}: the same crop as another sighting of this cluster.`);
      } else accepted.push(checked);
    }
    if (accepted.length === 0)
      throw new AppError(
        ErrorCode.CONFLICT,
        `None of the crops of unknown #${cluster.number} could be enrolled: ${refusals.join(' ')} Dismiss it, or wait for better sightings.`,
        { clusterId: cluster.id },
      );
    // The crops are in the store already (keys are the bytes' sha256); put is kept so the faces'
    // images exist even if a purge took a crop meanwhile, and undone below when nothing commits.
    const imageKeys: string[] = [];
    for (const checked of accepted) imageKeys.push(await this.deps.images.put(checked.bytes));
    const facesEnrolled = accepted.length;
    const naming = this.deps.uow.transaction(async (tx) => {
      const identityId =
        args.identityId ??
        (await this.deps.identitiesService.createIn(tx, actor, args.newIdentity!, 'sightings.review')).id;
      // Refused crops are audited as enrollFace audits them, with the faces that were enrolled.
      for (const refusal of refused)
        await this.deps.enrollment.auditRefusal(tx, actor, { identityId, gallery: target.gallery, refusal });
      for (const [i, checked] of accepted.entries())
        await this.deps.enrollment.writeFace(tx, actor, {
          identityId,
          gallery: target.gallery,
          checked,
          imageKey: imageKeys[i]!,
        });
      const closed = await this.closeClusterIn(tx, actor, cluster.id, 'NAMED', identityId, {
        facesEnrolled,
      });
      return { closed, identityId };
    });
    const { closed, identityId } = await this.undoPutsOnFailure(imageKeys, naming);
    const identity = await this.deps.identities.findById(identityId);
    return {
      cluster: (await this.toClusterModels([closed], true))[0]!,
      identity: toIdentityModel(identity!),
      facesEnrolled,
      refusals,
    };
  }

  /** Marks an OPEN cluster DISMISSED: its centroid goes, nothing joins it any more. */
  async dismissCluster(actor: Actor, clusterId: string): Promise<UnknownClusterModel> {
    authorize(actor, 'sightings.review');
    const cluster = (await this.deps.sightings.findClusters([clusterId]))[0];
    if (!cluster) throw notFound('unknown cluster', clusterId);
    requireOpen(cluster);
    return this.closeCluster(actor, cluster.id, 'DISMISSED', null, {});
  }

  // ----- retention -----

  /** Deletes the sightings past their camera's retention (with their candidates and alerts), empty clusters and unused crops. */
  async purgeExpired(
    actor: Actor,
    now: Date,
  ): Promise<{ sightingsDeleted: number; clustersDeleted: number; imagesDeleted: number }> {
    if (actor.kind !== 'system')
      throw new AppError(ErrorCode.FORBIDDEN, 'Only the server itself purges sightings.');
    if ((await this.deps.sightings.countExpired(now)) === 0)
      return { sightingsDeleted: 0, clustersDeleted: 0, imagesDeleted: 0 };
    const purged = await this.deps.uow.transaction(async (tx) => {
      const deleted = await this.deps.sightings.deleteExpired(tx.db, now);
      await tx.audit({
        actor: actorRef(actor),
        action: 'sightings.purge',
        subject: 'sightings',
        payload: {
          sightingsDeleted: deleted.sightings,
          clustersDeleted: deleted.clusters,
          crops: deleted.cropKeys.length,
          at: now.toISOString(),
        },
      });
      return deleted;
    });
    const images = await this.deps.images.deleteUnreferenced(purged.cropKeys);
    return {
      sightingsDeleted: purged.sightings,
      clustersDeleted: purged.clusters,
      imagesDeleted: images.length,
    };
  }

  // ----- helpers -----

  /**
   * Awaits `write`, a transaction that would reference the images `keys` put before it; when it
   * fails (rolled back, nothing stored) deletes those images unless something else references them,
   * so no crop stays in the store without an owner. Rethrows the failure.
   */
  private async undoPutsOnFailure<T>(keys: readonly string[], write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      // The write's failure is what the caller needs; a failed clean-up is only logged.
      await this.deps.images
        .deleteUnreferenced(keys)
        .catch((cleanup: unknown) =>
          this.deps.logger.warn(
            { err: cleanup, images: keys.length },
            'images of a failed write not deleted',
          ),
        );
      throw error;
    }
  }

  private async closeCluster(
    actor: Actor,
    clusterId: string,
    status: 'NAMED' | 'DISMISSED',
    identityId: string | null,
    extra: Record<string, unknown>,
  ): Promise<UnknownClusterModel> {
    const closed = await this.deps.uow.transaction((tx) =>
      this.closeClusterIn(tx, actor, clusterId, status, identityId, extra),
    );
    return (await this.toClusterModels([closed], true))[0]!;
  }

  /** Closes the OPEN cluster inside `tx` (locked first: CONFLICT when someone closed it meanwhile), audited. */
  private async closeClusterIn(
    tx: TransactionScope,
    actor: Actor,
    clusterId: string,
    status: 'NAMED' | 'DISMISSED',
    identityId: string | null,
    extra: Record<string, unknown>,
  ): Promise<ClusterRecord> {
    const locked = await this.deps.sightings.lockCluster(tx.db, clusterId);
    if (!locked) throw notFound('unknown cluster', clusterId);
    requireOpen(locked);
    const record = await this.deps.sightings.closeCluster(tx.db, clusterId, {
      status,
      identityId,
      reviewedBy: actorRef(actor),
      at: new Date(),
    });
    await tx.audit({
      actor: actorRef(actor),
      action: status === 'NAMED' ? 'unknownCluster.name' : 'unknownCluster.dismiss',
      subject: `unknownCluster:${clusterId}`,
      payload: { number: record.number, identityId, ...extra },
    });
    return record;
  }

  private sightingConnection(
    request: ReturnType<typeof parsePageArgs<ReturnType<typeof parseCreatedAtKey>>>,
    read: SightingRecord[],
  ): Promise<Connection<SightingModel>> {
    const { rows, hasMore } = cutPage(request, read);
    return this.toSightingModels(rows).then((models) =>
      toConnection(
        request,
        rows.map((row, i) => ({ cursor: sightingCursor(row), node: models[i]! })),
        hasMore,
      ),
    );
  }

  private async toSightingModels(rows: readonly SightingRecord[]): Promise<SightingModel[]> {
    const candidates = await this.deps.sightings.candidatesOf(rows.map((r) => r.id));
    const clusters = new Map(
      (
        await this.toClusterModels(
          await this.deps.sightings.findClusters(rows.flatMap((r) => (r.clusterId ? [r.clusterId] : []))),
          false,
        )
      ).map((c) => [c.id, c]),
    );
    const identities = await this.identityModels([
      ...rows.flatMap((r) => (r.identityId ? [r.identityId] : [])),
      ...candidates.map((c) => c.identityId),
    ]);
    return rows.map((r) => ({
      id: r.id,
      cameraId: r.cameraId,
      cameraName: r.cameraName,
      startedAt: new Date(r.startedAt).toISOString(),
      endedAt: new Date(r.endedAt).toISOString(),
      frames: r.frames,
      quality: r.quality,
      decision: r.decision,
      cropImageKey: r.cropImageKey,
      box: r.box,
      cropBox: r.cropImageKey ? faceBoxInCrop(r.box) : null,
      galleryId: r.galleryId,
      identity: r.identityId ? (identities.get(r.identityId) ?? null) : null,
      score: r.score,
      threshold: r.threshold,
      candidates: candidates
        .filter((c) => c.sightingId === r.id)
        .flatMap((c) => {
          const identity = identities.get(c.identityId);
          return identity ? [{ rank: c.rank, galleryId: c.galleryId, identity, score: c.score }] : [];
        }),
      cluster: r.clusterId ? (clusters.get(r.clusterId) ?? null) : null,
      similarity: r.similarity ?? null,
    }));
  }

  private async toClusterModels(
    rows: readonly ClusterRecord[],
    withCrops: boolean,
  ): Promise<UnknownClusterModel[]> {
    const identities = await this.identityModels(rows.flatMap((c) => (c.identityId ? [c.identityId] : [])));
    return Promise.all(
      rows.map(async (c) => ({
        id: c.id,
        number: c.number,
        label: `unknown #${c.number}`,
        status: c.status,
        size: c.size,
        firstSeenAt: c.firstSeenAt.toISOString(),
        lastSeenAt: c.lastSeenAt.toISOString(),
        identity: c.identityId ? (identities.get(c.identityId) ?? null) : null,
        cropImageKeys: withCrops
          ? (await this.deps.sightings.bestSightingsOfCluster(c.id, 3)).flatMap((s) =>
              s.cropImageKey ? [s.cropImageKey] : [],
            )
          : null,
        reviewedAt: c.reviewedAt?.toISOString() ?? null,
      })),
    );
  }

  private async identityModels(ids: readonly string[]) {
    const records: IdentityRecord[] = await this.deps.identities.findByIds([...new Set(ids)]);
    return new Map(records.map((r) => [r.id, toIdentityModel(r)]));
  }
}

function requireOpen(cluster: ClusterRecord): void {
  if (cluster.status !== 'OPEN')
    throw new AppError(
      ErrorCode.CONFLICT,
      `Unknown #${cluster.number} is already ${cluster.status.toLowerCase()}; only an OPEN cluster can be named or dismissed.`,
      { clusterId: cluster.id, status: cluster.status },
    );
}

/**
 * The track's decision over its galleries: an identity is the MATCH when identify answered it for
 * more than half of the track's identified best faces in one gallery (one face: that face), so a
 * stranger needs two chance matches to the same person to raise an alarm. Among several, the most
 * faces, then the highest score.
 */
export function decide(
  galleries: readonly GalleryOutcome[],
): { gallery: GalleryRecord; identityId: string; score: number; threshold: number } | null {
  let best: {
    gallery: GalleryRecord;
    identityId: string;
    score: number;
    threshold: number;
    votes: number;
  } | null = null;
  for (const { gallery, threshold, faces } of galleries) {
    const votes = new Map<string, { votes: number; score: number }>();
    for (const { match } of faces) {
      if (!match) continue;
      const v = votes.get(match.identityId) ?? { votes: 0, score: 0 };
      votes.set(match.identityId, { votes: v.votes + 1, score: Math.max(v.score, match.score) });
    }
    for (const [identityId, v] of votes) {
      if (v.votes * 2 <= faces.length) continue;
      if (!best || v.votes > best.votes || (v.votes === best.votes && v.score > best.score))
        best = { gallery, identityId, score: v.score, threshold, votes: v.votes };
    }
  }
  return best
    ? { gallery: best.gallery, identityId: best.identityId, score: best.score, threshold: best.threshold }
    : null;
}

/** One ranked list over the best faces of a track: each identity at its best score, best first. */
function mergeCandidates(
  faces: GalleryOutcome['faces'],
  topK: number,
): Array<{ identityId: string; faceId: string | null; score: number; rank: number }> {
  const best = new Map<string, Candidate>();
  for (const { candidates } of faces)
    for (const c of candidates)
      if ((best.get(c.identityId)?.score ?? -Infinity) < c.score) best.set(c.identityId, c);
  return [...best.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, topK)
    .map((c, i) => ({ identityId: c.identityId, faceId: c.faceId, score: c.score, rank: i + 1 }));
}
