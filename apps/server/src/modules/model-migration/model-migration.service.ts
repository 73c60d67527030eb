// Model migration: moves a gallery to another embedding model without downtime. start re-embeds
// every face from its stored image as a MODEL_MIGRATION job (this service is its handler), and the
// kept probe of every standing REJECT review, so the negative exemplars carry over; once done
// the gallery is in shadow mode (identify's analysis also embeds probes with the target and
// shadowFor's scoring decides them by identify's rule, the counts kept); switch changes the model and thresholds in one audited transaction, keeping
// the old embeddings in face_embeddings so rollback can go back.
import type { Prisma } from '@faceledger/db';
import type { Face as EngineFace } from '@faceledger/recognition';
import { identifyCalibration } from '@faceledger/recognition/identify';
import type {
  GalleryModelMigration,
  IdentifyThresholdSource,
  ModelErrorRates,
  ModelMigration,
} from '@faceledger/schema';
import type { JobModel } from '@faceledger/schema/server';
import type { Logger } from 'pino';
import type { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { AppError, ErrorCode, isAppError } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import type { Transaction } from '../audit/audit.repository.js';
import { actorRef, auditEntry, type Actor } from '../auth/actor.js';
import { requireGallery } from '../auth/gallery-access.js';
import { authorize } from '../auth/permissions.js';
import { probeFaceAt, sameFace } from '../enrollment/face-choice.js';
import type { GalleriesRepository, GalleryRecord } from '../galleries/galleries.repository.js';
import { effectiveIdentifyThreshold } from '../galleries/identify-threshold.js';
import { RetryLaterError, type JobHandler, type RunningJob } from '../jobs/job-handler.js';
import type { ItemOutcome, JobItemRecord, JobRecord, JobsRepository } from '../jobs/jobs.repository.js';
import { decideFace, type FaceDecision } from '../matching/matching.service.js';
import type { ShadowCall, ShadowResult, ShadowScorer, ShadowScoring } from '../matching/shadow-scoring.js';
import { leaveOneOutRates } from './leave-one-out.js';
import type { ModelMigrationRecord, ModelMigrationRepository } from './model-migration.repository.js';

export const MODEL_MIGRATION = 'MODEL_MIGRATION';

/** Above this many faces the leave-one-out rates are not computed (n² cosines per model). */
export const MAX_RATE_FACES = 2_000;
/** Missing faces listed at most. */
const MISSING_LISTED = 100;

/** A job item: one enrolled face, or the probe of a match event with a standing REJECT. */
type MigrationItem = { faceId: string } | { eventId: string };

/** Item outcomes of a rejected probe (faces have EMBEDDED, FACE_GONE, IMAGE_MISSING, NO_FACE). */
const PROBE_OUTCOMES = {
  EMBEDDED: 'PROBE_EMBEDDED',
  /** Erased, purged or the REJECT overturned since the start: nothing to carry over. */
  GONE: 'PROBE_GONE',
  IMAGE_MISSING: 'PROBE_IMAGE_MISSING',
  NO_FACE: 'PROBE_NO_FACE',
} as const;

/** The job's payload. */
interface MigrationPayload {
  migrationId: string;
  galleryId: string;
  targetModelId: string;
}

/** The thresholds a gallery has with a model it does not use yet. */
export interface TargetThresholds {
  matchThreshold: number;
  identifyThreshold: number;
  /** Null: follow the model's calibration. */
  identifyThresholdOverride: number | null;
  source: IdentifyThresholdSource;
}

/**
 * What a switch to `modelId` sets: its pair threshold, and identify's calibration when the model has
 * one (the gallery's target FPIR at its size), else the pair threshold as an explicit identify
 * threshold (identify's score of a lone face at that cosine with no rival is that cosine).
 */
export function targetThresholds(
  gallery: GalleryRecord,
  modelId: string,
  pairThreshold: number,
): TargetThresholds {
  if (identifyCalibration(modelId) !== null) {
    const calibrated = effectiveIdentifyThreshold({
      ...gallery,
      embeddingModelId: modelId,
      identifyThresholdOverride: null,
    });
    if (calibrated.threshold !== null)
      return {
        matchThreshold: pairThreshold,
        identifyThreshold: calibrated.threshold,
        identifyThresholdOverride: null,
        source: 'CALIBRATED',
      };
  }
  return {
    matchThreshold: pairThreshold,
    identifyThreshold: pairThreshold,
    identifyThresholdOverride: pairThreshold,
    source: 'OVERRIDE',
  };
}

/** What sets a switch and a rollback apart (ModelMigrationService.changeModel). */
interface ModelChange {
  action: 'gallery.switchModel' | 'gallery.rollbackModel';
  /** Why the latest migration cannot be changed this way; null when it can. */
  refusal(latest: ModelMigrationRecord | null, gallery: GalleryRecord): string | null;
  /** The model the gallery leaves and the one it moves to. */
  models(m: ModelMigrationRecord): { from: string; to: string };
  /** The CONFLICT message when `count` faces have no embedding under the model moved to. */
  missing(count: number, m: ModelMigrationRecord): string;
  /** That CONFLICT's `reason`, when it has one a client switches on. */
  missingReason?: string;
  /**
   * A refusal that acceptMissingFaces does not lift (faces the re-embedding never reached), read
   * inside the change's transaction; null when there is none.
   */
  unreached?(db: Transaction, gallery: GalleryRecord, m: ModelMigrationRecord): Promise<AppError | null>;
  /** The gallery's new thresholds, the migration's new state, and what else the audit entry holds. */
  apply(
    gallery: GalleryRecord,
    m: ModelMigrationRecord,
  ): {
    settings: { matchThreshold: number; identifyThresholdOverride: number | null };
    record: Parameters<ModelMigrationRepository['update']>[2];
    audited: Record<string, unknown>;
  };
}

export interface ModelMigrationDependencies {
  migrations: ModelMigrationRepository;
  jobs: Pick<JobsRepository, 'create' | 'findById'>;
  galleries: Pick<GalleriesRepository, 'findById' | 'update'>;
  recognition: Pick<RecognitionRepository, 'analyze' | 'modelInfo' | 'status'>;
  images: Pick<ImageRepository, 'get'>;
  uow: Pick<UnitOfWork, 'transaction'>;
  logger: Logger;
}

export class ModelMigrationService implements JobHandler, ShadowScorer {
  readonly kind = MODEL_MIGRATION;
  readonly permission = 'galleries.write' as const;
  readonly successOutcomes = ['EMBEDDED', 'FACE_GONE', PROBE_OUTCOMES.EMBEDDED, PROBE_OUTCOMES.GONE] as const;

  constructor(private readonly deps: ModelMigrationDependencies) {}

  /** The gallery's model and latest migration (errorRates only when asked: they cost n² cosines). */
  async status(
    actor: Actor,
    galleryId: string,
    options: { withErrorRates?: boolean } = {},
  ): Promise<GalleryModelMigration> {
    const gallery = await this.readGallery(actor, galleryId);
    const latest = await this.deps.migrations.findLatest(gallery.id);
    const models = this.deps.recognition.status().info?.models ?? [];
    return {
      galleryId: gallery.id,
      currentModelId: gallery.embeddingModelId,
      availableModelIds: models.map((m) => m.id).filter((id) => id !== gallery.embeddingModelId),
      migration: latest ? await this.toModel(gallery, latest, options.withErrorRates ?? false) : null,
    };
  }

  /** Starts (or resumes) re-embedding the gallery's faces with `targetModelId` (audited). */
  async start(
    actor: Actor,
    args: { galleryId: string; targetModelId: string },
    options: { withErrorRates?: boolean } = {},
  ): Promise<ModelMigration> {
    const gallery = await this.readGallery(actor, args.galleryId);
    if (actor.kind !== 'user')
      throw new AppError(
        ErrorCode.FORBIDDEN,
        'Model migrations are started by signed-in admins; sign in to the dashboard.',
      );
    const target = this.deps.recognition.modelInfo(args.targetModelId);
    if (target.id === gallery.embeddingModelId)
      throw new AppError(
        ErrorCode.BAD_INPUT,
        `The gallery already uses ${target.id}; choose another registered model as targetModelId.`,
        { field: 'targetModelId' },
      );
    const migration = await this.deps.uow.transaction(async (tx) => {
      await this.deps.migrations.lockGallery(tx.db, gallery.id);
      const latest = await this.deps.migrations.findLatest(gallery.id, tx.db);
      if (latest?.status === 'RE_EMBEDDING' && latest.toModelId === target.id && latest.jobId) {
        const job = await this.deps.jobs.findById(latest.jobId, tx.db);
        if (job && (job.status === 'QUEUED' || job.status === 'RUNNING'))
          throw new AppError(
            ErrorCode.CONFLICT,
            `A migration of this gallery to ${target.id} is already running (${job.done} of ${job.total} faces); follow its progress in galleryModelMigration.`,
            { migrationId: latest.id, jobId: job.id },
          );
      }
      // The same target again resumes that migration (it keeps its shadow counts while in SHADOW);
      // a new target replaces it.
      const resumable =
        latest &&
        latest.toModelId === target.id &&
        latest.fromModelId === gallery.embeddingModelId &&
        (latest.status === 'RE_EMBEDDING' || latest.status === 'SHADOW');
      const row = resumable
        ? latest
        : await this.deps.migrations.create(tx.db, {
            galleryId: gallery.id,
            fromModelId: gallery.embeddingModelId,
            toModelId: target.id,
            createdBy: actorRef(actor),
          });
      const cancelled = await this.deps.migrations.cancelOthers(tx.db, gallery.id, row.id);
      // Store the least: only the target's kept embeddings stay (a switched gallery's old ones go).
      const dropped = await this.deps.migrations.dropOtherEmbeddings(tx.db, gallery.id, target.id);
      const probesDropped = await this.deps.migrations.dropOtherProbeEmbeddings(tx.db, gallery.id, [
        gallery.embeddingModelId,
        target.id,
      ]);
      const faceIds = await this.deps.migrations.facesWithout(gallery.id, target.id, tx.db);
      // The probes of standing REJECTs whose image is kept: embedded with the target, they stay
      // negative exemplars after the switch.
      const eventIds = await this.deps.migrations.probesWithout(gallery.id, target.id, tx.db);
      const job = await this.deps.jobs.create(tx.db, {
        kind: MODEL_MIGRATION,
        galleryId: gallery.id,
        label: `${gallery.embeddingModelId} → ${target.id}`,
        payload: {
          migrationId: row.id,
          galleryId: gallery.id,
          targetModelId: target.id,
        } satisfies MigrationPayload,
        createdBy: actorRef(actor),
        items: [
          ...faceIds.map((faceId): MigrationItem => ({ faceId })),
          ...eventIds.map((eventId): MigrationItem => ({ eventId })),
        ],
        files: [],
      });
      const updated = await this.deps.migrations.update(tx.db, row.id, {
        status: 'RE_EMBEDDING',
        jobId: job.id,
      });
      await tx.audit(
        auditEntry(actor, 'modelMigration.start', `gallery:${gallery.id}`, {
          migrationId: row.id,
          jobId: job.id,
          fromModelId: gallery.embeddingModelId,
          toModelId: target.id,
          faces: faceIds.length,
          rejectedProbes: eventIds.length,
          resumed: resumable === true,
          migrationsCancelled: cancelled,
          embeddingsDropped: dropped,
          probeEmbeddingsDropped: probesDropped,
        }),
      );
      return updated;
    });
    return this.toModel(gallery, migration, options.withErrorRates ?? false);
  }

  /** Switches the gallery to the migration's target model and thresholds (audited). */
  async switchModel(
    actor: Actor,
    args: { galleryId: string; acceptMissingFaces?: boolean | null },
    options: { withErrorRates?: boolean } = {},
  ): Promise<ModelMigration> {
    return this.changeModel(actor, args, options, {
      action: 'gallery.switchModel',
      refusal: (latest, gallery) =>
        latest?.status === 'SHADOW' && latest.fromModelId === gallery.embeddingModelId
          ? null
          : this.notSwitchable(latest),
      models: (m) => ({ from: m.fromModelId, to: m.toModelId }),
      missing: (count, m) =>
        `${count} faces of the gallery have no ${m.toModelId} embedding (missingFaces lists them: the job could not re-embed them). Replace them, or switch with acceptMissingFaces: true: they are not found until re-enrolled.`,
      unreached: async (db, gallery, m) => {
        const unreached = await this.deps.migrations.facesNotReEmbedded(
          gallery.id,
          m.toModelId,
          m.jobId,
          MISSING_LISTED,
          db,
        );
        return unreached.count === 0
          ? null
          : new AppError(
              ErrorCode.CONFLICT,
              `${unreached.count} faces of the gallery were never re-embedded with ${m.toModelId} (faces lists them: enrolled or replaced while the migration ran, or before enrollment embedded with the target too); ${m.toModelId} could not find them. Run startModelMigration with targetModelId ${m.toModelId} again (it resumes this migration and keeps its shadow counts), then switch.`,
              { reason: 'FACES_NOT_RE_EMBEDDED', facesNotReEmbedded: unreached.count, faces: unreached.rows },
            );
      },
      apply: (gallery, m) => {
        const target = this.deps.recognition.modelInfo(m.toModelId);
        const thresholds = targetThresholds(gallery, target.id, target.threshold);
        return {
          settings: {
            matchThreshold: thresholds.matchThreshold,
            identifyThresholdOverride: thresholds.identifyThresholdOverride,
          },
          record: {
            status: 'SWITCHED',
            switchedAt: new Date(),
            previousMatchThreshold: gallery.matchThreshold,
            previousIdentifyThresholdOverride: gallery.identifyThresholdOverride,
          },
          audited: { identifyThreshold: thresholds.identifyThreshold },
        };
      },
    });
  }

  /** Switches a SWITCHED gallery back to its previous model and thresholds (audited); the migration returns to SHADOW. */
  async rollback(
    actor: Actor,
    args: { galleryId: string; acceptMissingFaces?: boolean | null },
    options: { withErrorRates?: boolean } = {},
  ): Promise<ModelMigration> {
    return this.changeModel(actor, args, options, {
      action: 'gallery.rollbackModel',
      refusal: (latest, gallery) =>
        latest?.status === 'SWITCHED' && latest.toModelId === gallery.embeddingModelId
          ? null
          : 'The gallery has no switched model migration to roll back; galleryModelMigration shows where its migration stands.',
      models: (m) => ({ from: m.toModelId, to: m.fromModelId }),
      // Faces enrolled or replaced since the switch carry the previous model's embedding (enrollment,
      // otherModelForNewFaces); these are faces from before that, or whose embedding was lost.
      missing: (count, m) =>
        `${count} faces of the gallery have no ${m.fromModelId} embedding (faces lists them), so ${m.fromModelId} would not find them. Replace them with replaceFace (in the rollback window a new photo is embedded with ${m.fromModelId} too), or roll back with acceptMissingFaces: true and they are not found until re-enrolled, or stay on ${m.toModelId}.`,
      missingReason: 'FACES_WITHOUT_PREVIOUS_EMBEDDING',
      apply: (gallery, m) => ({
        settings: {
          matchThreshold: m.previousMatchThreshold ?? gallery.matchThreshold,
          identifyThresholdOverride: m.previousIdentifyThresholdOverride,
        },
        record: { status: 'SHADOW', rolledBackAt: new Date() },
        audited: {},
      }),
    });
  }

  /**
   * A switch or a rollback, in one transaction under the gallery's row lock: refused (CONFLICT) in
   * the wrong state, while faces were never re-embedded (a switch, whatever is accepted), or while
   * faces lack an embedding under the model switched to unless accepted (the first 100 named);
   * swaps the embeddings, sets the gallery's model and thresholds and the migration's state, audited.
   */
  private async changeModel(
    actor: Actor,
    args: { galleryId: string; acceptMissingFaces?: boolean | null },
    options: { withErrorRates?: boolean },
    change: ModelChange,
  ): Promise<ModelMigration> {
    await this.readGallery(actor, args.galleryId);
    const migration = await this.deps.uow.transaction(async (tx) => {
      await this.deps.migrations.lockGallery(tx.db, args.galleryId);
      const gallery = await this.galleryIn(tx.db, args.galleryId);
      const latest = await this.deps.migrations.findLatest(gallery.id, tx.db);
      const refusal = change.refusal(latest, gallery);
      if (refusal !== null || !latest)
        throw new AppError(ErrorCode.CONFLICT, refusal ?? '', { status: latest?.status ?? null });
      const { from, to } = change.models(latest);
      const unreached = await change.unreached?.(tx.db, gallery, latest);
      if (unreached) throw unreached;
      const without = await this.deps.migrations.facesNotReEmbedded(
        gallery.id,
        to,
        null,
        MISSING_LISTED,
        tx.db,
      );
      const missing = without.count;
      if (missing > 0 && args.acceptMissingFaces !== true)
        throw new AppError(ErrorCode.CONFLICT, change.missing(missing, latest), {
          ...(change.missingReason ? { reason: change.missingReason } : {}),
          facesWithoutEmbedding: missing,
          faces: without.rows,
          field: 'acceptMissingFaces',
        });
      const facesSwitched = await this.deps.migrations.swapEmbeddings(tx.db, gallery.id, from, to);
      // Rejections whose probe has no embedding under the model moved to stop applying (audited).
      const rejectionsNotCarried = await this.deps.migrations.countRejectionsWithout(gallery.id, to, tx.db);
      const { settings, record, audited } = change.apply(gallery, latest);
      await this.deps.galleries.update(tx.db, gallery.id, { embeddingModelId: to, ...settings });
      const updated = await this.deps.migrations.update(tx.db, latest.id, record);
      await tx.audit(
        auditEntry(actor, change.action, `gallery:${gallery.id}`, {
          migrationId: latest.id,
          fromModelId: from,
          toModelId: to,
          facesSwitched,
          facesWithoutEmbedding: missing,
          rejectionsNotCarried,
          matchThreshold: { from: gallery.matchThreshold, to: settings.matchThreshold },
          identifyThresholdOverride: {
            from: gallery.identifyThresholdOverride,
            to: settings.identifyThresholdOverride,
          },
          ...audited,
        }),
      );
      return updated;
    });
    return this.toModel(
      await this.readGallery(actor, args.galleryId),
      migration,
      options.withErrorRates ?? false,
    );
  }

  // --- the MODEL_MIGRATION job -------------------------------------------------------------------

  async processItem(job: RunningJob, item: JobItemRecord): Promise<ItemOutcome> {
    const payload = job.record.payload as unknown as MigrationPayload;
    const eventId = (item.input as { eventId?: unknown } | null)?.eventId;
    if (typeof eventId === 'string') return this.embedProbe(job, payload, eventId);
    const faceId = (item.input as { faceId?: unknown } | null)?.faceId;
    const face = typeof faceId === 'string' ? await this.deps.migrations.findFaceToEmbed(faceId) : null;
    if (!face)
      return { outcome: 'FACE_GONE', message: 'The face was deleted or its identity erased; nothing to do.' };
    const found = { faceId: face.faceId, identityId: face.identityId };
    const bytes = await this.deps.images.get(face.imageKey);
    if (!bytes)
      return {
        outcome: 'IMAGE_MISSING',
        message:
          'The enrolled photo is no longer in the image store; replace the face with a new photo (replaceFace).',
        result: found,
      };
    const analysis = await this.targetFaces(bytes, payload.targetModelId);
    if ('unreadable' in analysis)
      return {
        outcome: 'IMAGE_MISSING',
        message: `The stored photo can no longer be read (${analysis.unreadable}); replace the face with a new photo (replaceFace).`,
        result: found,
      };
    const { faces } = analysis;
    const match = sameFace(faces, face.box);
    if (!match?.embedding)
      return {
        outcome: 'NO_FACE',
        message: `${payload.targetModelId} finds no face where the enrolled face is (${faces.length} faces found); replace it with a clearer photo (replaceFace).`,
        result: found,
      };
    const embedding = match.embedding;
    const stored = await this.storeAudited(job, payload, 'face.reembed', `face:${face.faceId}`, (db) =>
      this.deps.migrations.storeEmbedding(db, face.faceId, payload.targetModelId, embedding),
    );
    return stored
      ? { outcome: 'EMBEDDED', message: null, result: found }
      : {
          outcome: 'FACE_GONE',
          message: 'The face was deleted or its identity erased while it was re-embedded.',
        };
  }

  /**
   * Embeds the kept probe image of a REJECTed event with the target model and stores it beside the
   * probe's own embedding (probe_embeddings), so the REJECT stays a negative exemplar after the
   * switch: the face at the event's probe box (the only face when the event kept no box).
   */
  private async embedProbe(
    job: RunningJob,
    payload: MigrationPayload,
    eventId: string,
  ): Promise<ItemOutcome> {
    const probe = await this.deps.migrations.findProbeToEmbed(eventId);
    if (!probe)
      return {
        outcome: PROBE_OUTCOMES.GONE,
        message: 'The probe was erased or purged, or its REJECT overturned; nothing to carry over.',
      };
    const found = { eventId: probe.eventId };
    const bytes = probe.imageKey ? await this.deps.images.get(probe.imageKey) : null;
    const imageMissing = (why: string): ItemOutcome => ({
      outcome: PROBE_OUTCOMES.IMAGE_MISSING,
      message: `The REJECTed probe's image ${why}, so the rejection does not apply after the switch (rejectionsNotCarried counts it); review a new match of that person to reject it again.`,
      result: found,
    });
    if (!bytes) return imageMissing('is no longer kept');
    const analysis = await this.targetFaces(bytes, payload.targetModelId);
    if ('unreadable' in analysis) return imageMissing(`can no longer be read (${analysis.unreadable})`);
    const { faces } = analysis;
    const match = probeFaceAt(faces, probe.box);
    if (!match?.embedding)
      return {
        outcome: PROBE_OUTCOMES.NO_FACE,
        message: `${payload.targetModelId} finds no face where the REJECTed probe face is (${faces.length} faces found), so the rejection does not apply after the switch.`,
        result: found,
      };
    const embedding = match.embedding;
    const stored = await this.storeAudited(
      job,
      payload,
      'matchEvent.reembedProbe',
      `matchEvent:${probe.eventId}`,
      (db) => this.deps.migrations.storeProbeEmbedding(db, probe.eventId, payload.targetModelId, embedding),
    );
    return stored
      ? { outcome: PROBE_OUTCOMES.EMBEDDED, message: null, result: found }
      : { outcome: PROBE_OUTCOMES.GONE, message: 'The probe was erased or purged while it was embedded.' };
  }

  /**
   * The faces the target model finds in a stored photo, or why the photo cannot be read (BAD_IMAGE);
   * an engine that is not up yet retries the item later.
   */
  private async targetFaces(
    bytes: Uint8Array,
    modelId: string,
  ): Promise<{ faces: EngineFace[] } | { unreadable: string }> {
    try {
      return { faces: (await this.deps.recognition.analyze(bytes, { modelId })).faces };
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.ENGINE_UNAVAILABLE)
        throw new RetryLaterError(`Waiting for the recognition engine: ${error.message}`, 5_000);
      if (isAppError(error) && error.code === ErrorCode.BAD_IMAGE) return { unreadable: error.message };
      throw error;
    }
  }

  /** Stores one target embedding and its audit entry in one transaction; false when its row was gone. */
  private storeAudited(
    job: RunningJob,
    payload: MigrationPayload,
    action: string,
    subject: string,
    store: (db: Transaction) => Promise<boolean>,
  ): Promise<boolean> {
    return this.deps.uow.transaction(async (tx) => {
      const written = await store(tx.db);
      await tx.audit({
        actor: actorRef(job.actor),
        action,
        subject,
        payload: {
          galleryId: payload.galleryId,
          migrationId: payload.migrationId,
          jobId: job.record.id,
          modelId: payload.targetModelId,
          stored: written,
        },
      });
      return written;
    });
  }

  async finish(job: RunningJob): Promise<Prisma.InputJsonObject> {
    const payload = job.record.payload as unknown as MigrationPayload;
    return this.deps.uow.transaction(async (tx) => {
      await this.deps.migrations.lockGallery(tx.db, payload.galleryId);
      const migration = await this.deps.migrations.findById(payload.migrationId, tx.db);
      // Only the migration's own, latest job moves it on (a replaced one stays where it is).
      const current = migration?.status === 'RE_EMBEDDING' && migration.jobId === job.record.id;
      if (migration && current) await this.deps.migrations.update(tx.db, migration.id, { status: 'SHADOW' });
      const missing = await this.deps.migrations.missingFaces(job.record.id, payload.targetModelId, 0, tx.db);
      const summary = {
        migrationId: payload.migrationId,
        items: job.record.total,
        missingFaces: missing.count,
        rejectionsNotCarried: await this.deps.migrations.countRejectionsWithout(
          payload.galleryId,
          payload.targetModelId,
          tx.db,
        ),
        shadow: current,
      };
      await tx.audit({
        actor: actorRef(job.actor),
        action: 'modelMigration.reEmbedded',
        subject: `gallery:${payload.galleryId}`,
        payload: { ...summary, jobId: job.record.id, toModelId: payload.targetModelId },
      });
      return summary;
    });
  }

  async describe(): Promise<Partial<JobModel>> {
    return {};
  }

  // --- shadow mode (MatchingService.identify) ----------------------------------------------------

  /**
   * Shadow mode for one identify call in `gallery`, while its latest migration is in SHADOW from the
   * gallery's model: identify's analysis embeds the probe with the target too, and the scoring
   * decides each face by identify's rule (decideFace) at the target's threshold. Null otherwise, and
   * on a failure (logged): shadow mode never fails identify.
   */
  async shadowFor(gallery: GalleryRecord): Promise<ShadowScoring | null> {
    try {
      const migration = await this.deps.migrations.findLatest(gallery.id);
      if (migration?.status !== 'SHADOW' || migration.fromModelId !== gallery.embeddingModelId) return null;
      const target = this.deps.recognition.modelInfo(migration.toModelId);
      const { identifyThreshold } = targetThresholds(gallery, target.id, target.threshold);
      return {
        modelId: target.id,
        scoreShadow: (call) => this.scoreShadow(gallery, migration, { ...target, identifyThreshold }, call),
        abandon: (error) => this.shadowFailed(gallery, error),
      };
    } catch (error) {
      this.shadowFailed(gallery, error);
      return null;
    }
  }

  /**
   * Decides identify's probe faces with the target model: each face's target embedding (from
   * identify's analysis) searched exactly among the kept embeddings, as many faces read as identify
   * read, then decideFace with identify's topK and the face's negative exemplars at the target's
   * threshold. Counts how often the decision and the rank-1 identity agree with identify's.
   */
  private async scoreShadow(
    gallery: GalleryRecord,
    migration: ModelMigrationRecord,
    target: { id: string; dims: number; identifyThreshold: number },
    call: ShadowCall,
  ): Promise<ShadowResult | null> {
    try {
      const scored = [];
      for (const probe of call.faces) {
        let decided: FaceDecision | null = null;
        if (probe.targetEmbedding) {
          const hits = await this.deps.migrations.searchKept(
            gallery.id,
            target.id,
            probe.targetEmbedding,
            target.dims,
            call.facesRead,
          );
          decided = await decideFace(hits, call.topK, target.identifyThreshold, probe.rejectedAmong);
        }
        const top = decided?.candidates[0] ?? null;
        scored.push({
          probe,
          decision: decided?.match ? ('MATCH' as const) : ('UNKNOWN' as const),
          topIdentityId: top?.identityId ?? null,
          topScore: top?.score ?? null,
        });
      }
      const counts = {
        probes: scored.length,
        sameDecision: scored.filter((s) => s.decision === s.probe.decision).length,
        sameTop: scored.filter((s) => s.topIdentityId === s.probe.topIdentityId).length,
        currentMatches: scored.filter((s) => s.probe.decision === 'MATCH').length,
        targetMatches: scored.filter((s) => s.decision === 'MATCH').length,
      };
      return {
        modelId: target.id,
        threshold: target.identifyThreshold,
        faces: scored.map(({ decision, topIdentityId, topScore }) => ({ decision, topIdentityId, topScore })),
        counts,
        record: (tx) => this.deps.migrations.addShadowCounts(tx, migration.id, counts),
      };
    } catch (error) {
      this.shadowFailed(gallery, error);
      return null;
    }
  }

  private shadowFailed(gallery: GalleryRecord, error: unknown): void {
    this.deps.logger.warn(
      { err: error, galleryId: gallery.id },
      'shadow scoring failed; identify answered without it',
    );
  }

  // --- reads -------------------------------------------------------------------------------------

  private async readGallery(actor: Actor, galleryId: string): Promise<GalleryRecord> {
    authorize(actor, 'galleries.write');
    return requireGallery(actor, galleryId, (id) => this.deps.galleries.findById(id), 'galleryId');
  }

  private async galleryIn(
    tx: Parameters<GalleriesRepository['findById']>[1],
    galleryId: string,
  ): Promise<GalleryRecord> {
    const gallery = await this.deps.galleries.findById(galleryId, tx);
    if (!gallery) throw notFound('gallery', galleryId, { field: 'galleryId' });
    return gallery;
  }

  private notSwitchable(latest: ModelMigrationRecord | null): string {
    switch (latest?.status) {
      case 'RE_EMBEDDING':
        return 'The migration is still re-embedding the faces; switch once galleryModelMigration shows SHADOW.';
      case 'SWITCHED':
        return `The gallery already switched to ${latest.toModelId}; roll back (rollbackGalleryModel) or start a new migration.`;
      default:
        return 'The gallery has no model migration in shadow mode; start one with startModelMigration and wait for SHADOW.';
    }
  }

  private async toModel(
    gallery: GalleryRecord,
    m: ModelMigrationRecord,
    withErrorRates: boolean,
  ): Promise<ModelMigration> {
    const job: JobRecord | null = m.jobId ? await this.deps.jobs.findById(m.jobId) : null;
    const missing = m.jobId
      ? await this.deps.migrations.missingFaces(m.jobId, m.toModelId, MISSING_LISTED)
      : { rows: [], count: 0 };
    const target = this.deps.recognition.modelInfo(m.toModelId);
    const thresholds = targetThresholds(gallery, target.id, target.threshold);
    return {
      id: m.id,
      galleryId: m.galleryId,
      fromModelId: m.fromModelId,
      toModelId: m.toModelId,
      status: m.status,
      jobId: m.jobId,
      jobStatus: job?.status ?? null,
      jobError: job?.error ?? null,
      progress: {
        done: job?.done ?? 0,
        total: job?.total ?? 0,
        fraction: !job || job.total === 0 ? 1 : job.done / job.total,
      },
      missingFaces: missing.rows,
      missingFaceCount: missing.count,
      rejectionsNotCarried: await this.deps.migrations.countRejectionsWithout(m.galleryId, m.toModelId),
      shadow: {
        probes: m.shadowProbes,
        sameDecision: m.shadowSameDecision,
        sameTopIdentity: m.shadowSameTop,
        currentMatches: m.shadowCurrentMatches,
        targetMatches: m.shadowTargetMatches,
      },
      errorRates: withErrorRates ? await this.errorRates(gallery, m) : [],
      targetMatchThreshold: thresholds.matchThreshold,
      targetIdentifyThreshold: thresholds.identifyThreshold,
      targetIdentifyThresholdSource: thresholds.source,
      switchedAt: m.switchedAt?.toISOString() ?? null,
      rolledBackAt: m.rolledBackAt?.toISOString() ?? null,
      createdAt: m.createdAt.toISOString(),
    };
  }

  /** Leave-one-out FNIR/FPIR of both models on the gallery's ACTIVE faces, at the threshold each has (or would have). */
  private async errorRates(gallery: GalleryRecord, m: ModelMigrationRecord): Promise<ModelErrorRates[]> {
    const total = await this.deps.migrations.countActiveFaces(gallery.id);
    if (total > MAX_RATE_FACES) return [];
    const rates: ModelErrorRates[] = [];
    for (const modelId of [m.fromModelId, m.toModelId]) {
      const faces = await this.deps.migrations.facesUnder(gallery.id, modelId, MAX_RATE_FACES);
      const threshold = this.thresholdWith(gallery, m, modelId);
      rates.push({
        modelId,
        threshold,
        ...leaveOneOutRates(faces, threshold),
        facesWithoutEmbedding: total - faces.length,
      });
    }
    return rates;
  }

  /** The identify threshold the gallery has with `modelId`: its own now, else what a switch (or rollback) sets. */
  private thresholdWith(gallery: GalleryRecord, m: ModelMigrationRecord, modelId: string): number | null {
    if (modelId === gallery.embeddingModelId) return effectiveIdentifyThreshold(gallery).threshold;
    if (modelId === m.fromModelId && m.status === 'SWITCHED')
      return effectiveIdentifyThreshold({
        ...gallery,
        embeddingModelId: modelId,
        identifyThresholdOverride: m.previousIdentifyThresholdOverride,
      }).threshold;
    return targetThresholds(gallery, modelId, this.deps.recognition.modelInfo(modelId).threshold)
      .identifyThreshold;
  }
}
