// Evaluation: measures the engine with a gallery's embedding model on a labelled set (an LFW pairs
// file with a zip of images, or a zip with a folder per person) as an EVALUATION job: one item per
// distinct image (its embedding), then accuracy, ROC, AUC, EER and the rates at the gallery's
// threshold. An admin can set a gallery's threshold from the ROC for a target false match rate.
// With mode=identify (a folder per person) the end reports open-set identification instead
// (identify-evaluation.ts): rank-1, FNIR at FPIR targets and the DET curve.
import type { Prisma } from '@faceledger/db';
import type { ScoredPair } from '@faceledger/recognition';
import type { Gallery } from '@faceledger/schema';
import type { JobModel } from '@faceledger/schema/server';
import { cosine } from '../../shared/cosine.js';
import { AppError, ErrorCode, isAppError } from '../../shared/app-error.js';
import { readZip } from '../../shared/read-zip.js';
import type { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { auditEntry, type Actor } from '../auth/actor.js';
import { requireGallery } from '../auth/gallery-access.js';
import { authorize } from '../auth/permissions.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import type { GalleriesService } from '../galleries/galleries.service.js';
import { RetryLaterError, type JobHandler, type RunningJob } from '../jobs/job-handler.js';
import type { ItemOutcome, JobItemRecord, JobRecord, JobsRepository } from '../jobs/jobs.repository.js';
import { findGalleryForJob } from '../jobs/job-gallery.js';
import type { JobsService } from '../jobs/jobs.service.js';
import {
  operatingPoint,
  parseStoredEvaluation,
  thinRoc,
  thresholdForFmr,
  type StoredEvaluation,
  type StoredRocPoint,
} from './evaluation-report.js';
import type { EvaluationRepository } from './evaluation.repository.js';
import {
  identifyEvaluationModel,
  identifySetFromFolders,
  parseStoredIdentifyEvaluation,
  scoreIdentifyEvaluation,
} from './identify-evaluation.js';
import { setFromFolders, setFromPairs, type EvaluationSet } from './evaluation-set.js';

export const EVALUATION = 'EVALUATION';

/** Limits of the image zip. */
export const EVALUATION_ZIP_LIMITS = {
  maxEntries: 20_000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxEntryBytes: 20 * 1024 * 1024,
};

/** Uploaded files of an evaluation request. */
export interface EvaluationUpload {
  galleryId: string;
  archive: { name: string; bytes: Uint8Array };
  /** An LFW pairs file; without it the zip holds one folder per person. */
  pairs: { name: string; bytes: Uint8Array } | null;
  /** Open-set identification with this many photos enrolled per person (a folder per person, no pairs file); absent: verification. */
  identify?: { enroll: number };
}

/** What POST /api/evaluations answers. */
export interface StartedEvaluation {
  jobId: string;
  images: number;
  pairs: number;
}

/** What setGalleryThresholdForFmr answers. */
export interface ThresholdFromFmrModel {
  gallery: Gallery;
  targetFmr: number;
  threshold: number;
  fmr: number;
  fnmr: number;
}

export interface EvaluationDependencies {
  jobs: JobsService;
  jobsRepository: Pick<JobsRepository, 'readFile' | 'findItems'>;
  galleries: Pick<GalleriesRepository, 'findById' | 'update'>;
  galleriesService: Pick<GalleriesService, 'get'>;
  uow: Pick<UnitOfWork, 'transaction'>;
  evaluation: EvaluationRepository;
}

/** The job's payload: the gallery's model and threshold at start, and pairs as [a, b, same 1|0, fold]. */
interface EvaluationPayload {
  /** Set for an identification evaluation: photos enrolled per person (pairs is then empty). */
  identifyEnroll?: number;
  galleryId: string;
  modelId: string;
  source: StoredEvaluation['source'];
  thresholdAtStart: number;
  pairs: Array<[number, number, number, number]>;
}

function encodeEmbedding(embedding: Float32Array): string {
  return Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength).toString('base64');
}

function decodeEmbedding(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export class EvaluationService implements JobHandler {
  readonly kind = EVALUATION;
  readonly permission = 'evaluations.run' as const;
  readonly successOutcomes = ['EMBEDDED'] as const;

  constructor(private readonly deps: EvaluationDependencies) {}

  /** Checks the upload, makes the pairs and creates the job (one item per distinct image). */
  async startEvaluation(actor: Actor, upload: EvaluationUpload): Promise<StartedEvaluation> {
    const gallery = await findGalleryForJob(actor, 'evaluations.run', upload.galleryId, this.deps.galleries);
    const entries = await readZip(upload.archive.bytes, EVALUATION_ZIP_LIMITS, 'archive');
    let set: EvaluationSet;
    if (upload.identify) {
      if (upload.pairs)
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'An identification evaluation takes a zip with a folder per person, not a pairs file; leave "pairs" out or drop mode=identify.',
          { field: 'pairs' },
        );
      set = { images: identifySetFromFolders(entries, upload.identify.enroll), pairs: [] };
    } else if (upload.pairs) {
      const pairs = await this.deps.evaluation.parsePairs(Buffer.from(upload.pairs.bytes).toString('utf8'));
      set = setFromPairs(pairs, entries);
    } else {
      set = setFromFolders(entries);
    }
    const source = upload.pairs ? 'PAIRS_FILE' : 'FOLDER_PER_PERSON';
    const payload: EvaluationPayload = {
      galleryId: gallery.id,
      modelId: gallery.embeddingModelId,
      source,
      thresholdAtStart: gallery.matchThreshold,
      pairs: set.pairs.map((p) => [p.a, p.b, p.same ? 1 : 0, p.fold]),
      ...(upload.identify && { identifyEnroll: upload.identify.enroll }),
    };
    const job = await this.deps.jobs.enqueue(
      actor,
      {
        kind: EVALUATION,
        galleryId: gallery.id,
        label: upload.pairs ? `${upload.archive.name} + ${upload.pairs.name}` : upload.archive.name,
        payload: payload as unknown as Prisma.InputJsonObject,
        items: set.images.map((image) => ({ path: image.path })),
        files: set.images.map((image) => ({ name: image.path, data: image.bytes })),
      },
      {
        action: 'evaluation.start',
        payload: {
          source,
          pairs: set.pairs.length,
          modelId: gallery.embeddingModelId,
          ...(upload.identify && { mode: 'identify', enroll: upload.identify.enroll }),
        },
      },
    );
    return { jobId: job.id, images: set.images.length, pairs: set.pairs.length };
  }

  async processItem(job: RunningJob, item: JobItemRecord): Promise<ItemOutcome> {
    const payload = job.record.payload as unknown as EvaluationPayload;
    const path = (item.input as { path?: unknown } | null)?.path;
    const bytes =
      typeof path === 'string' ? await this.deps.jobsRepository.readFile(job.record.id, path) : null;
    if (!bytes) return { outcome: 'BAD_IMAGE', message: 'The image is missing from the job’s files.' };
    // What a photo without a usable face costs: its pairs, or (identify) its enrollment or its search.
    const counted =
      payload.identifyEnroll === undefined
        ? 'Its pairs count as errors.'
        : 'It is not enrolled, or its search counts as a miss (mated) and never as a false positive.';
    try {
      const embedding = await this.deps.evaluation.embedSubject(bytes, payload.modelId);
      if (!embedding) return { outcome: 'NO_FACE', message: `No face was found. ${counted}` };
      return { outcome: 'EMBEDDED', message: null, result: { embedding: encodeEmbedding(embedding) } };
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.BAD_IMAGE) {
        return { outcome: 'BAD_IMAGE', message: `${error.message} ${counted}` };
      }
      if (isAppError(error) && error.code === ErrorCode.ENGINE_UNAVAILABLE) {
        throw new RetryLaterError(`Waiting for the recognition engine: ${error.message}`, 5_000);
      }
      throw error;
    }
  }

  async finish(job: RunningJob): Promise<Prisma.InputJsonObject> {
    const payload = job.record.payload as unknown as EvaluationPayload;
    const embeddings = new Map<number, Float32Array>();
    const paths: string[] = [];
    let failedImages = 0;
    let afterIndex = -1;
    for (;;) {
      const items = await this.deps.jobsRepository.findItems(job.record.id, { afterIndex, limit: 500 });
      for (const item of items) {
        paths[item.index] = String((item.input as { path?: unknown } | null)?.path);
        const encoded = (item.result as { embedding?: unknown } | null)?.embedding;
        if (typeof encoded === 'string') embeddings.set(item.index, decodeEmbedding(encoded));
        else failedImages++;
      }
      const last = items.at(-1);
      if (!last || items.length < 500) break;
      afterIndex = last.index;
    }
    if (payload.identifyEnroll !== undefined) {
      const byPath = new Map([...embeddings].map(([index, e]) => [paths[index] as string, e] as const));
      const base = { galleryId: payload.galleryId, modelId: payload.modelId, images: job.record.total };
      const enroll = payload.identifyEnroll;
      return scoreIdentifyEvaluation({ ...base, enroll, failedImages }, paths, byPath) as unknown as Prisma.InputJsonObject;
    }
    const scored: ScoredPair[] = payload.pairs.map(([a, b, same, fold]) => {
      const ea = embeddings.get(a);
      const eb = embeddings.get(b);
      return { fold, same: same === 1, score: ea && eb ? cosine(ea, eb) : null };
    });
    const report = await this.deps.evaluation.evaluate(scored);
    const samePairs = scored.filter((p) => p.same).length;
    const result: StoredEvaluation = {
      galleryId: payload.galleryId,
      modelId: payload.modelId,
      source: payload.source,
      pairs: scored.length,
      samePairs,
      differentPairs: scored.length - samePairs,
      images: job.record.total,
      failedImages,
      unscoredPairs: report.failures,
      accuracy: report.accuracy,
      accuracyStd: report.accuracyStd,
      bestThreshold: report.threshold,
      auc: report.auc,
      eer: report.eer,
      tmrAtFmr1e2: report.tarAtFar['1e-2'],
      tmrAtFmr1e3: report.tarAtFar['1e-3'],
      thresholdAtStart: payload.thresholdAtStart,
      roc: report.roc.map((p): StoredRocPoint => [finiteOrNull(p.threshold), p.far, p.tar]),
    };
    return result as unknown as Prisma.InputJsonObject;
  }

  async describe(record: JobRecord): Promise<Partial<JobModel>> {
    const identify = parseStoredIdentifyEvaluation(record.result);
    if (identify) return { identifyEvaluation: identifyEvaluationModel(identify) };
    const result = parseStoredEvaluation(record.result);
    if (!result) return {};
    const gallery = record.galleryId ? await this.deps.galleries.findById(record.galleryId) : null;
    return {
      evaluation: {
        galleryId: result.galleryId,
        modelId: result.modelId,
        source: result.source,
        pairs: result.pairs,
        samePairs: result.samePairs,
        differentPairs: result.differentPairs,
        images: result.images,
        failedImages: result.failedImages,
        unscoredPairs: result.unscoredPairs,
        accuracy: result.accuracy,
        accuracyStd: result.accuracyStd,
        bestThreshold: result.bestThreshold,
        auc: result.auc,
        eer: result.eer,
        tmrAtFmr1e2: result.tmrAtFmr1e2,
        tmrAtFmr1e3: result.tmrAtFmr1e3,
        roc: thinRoc(result.roc).map(([threshold, fmr, tmr]) => ({ threshold, fmr, tmr })),
        atEvaluation: operatingPoint(result.roc, result.thresholdAtStart),
        atGalleryThreshold: gallery ? operatingPoint(result.roc, gallery.matchThreshold) : null,
      },
    };
  }

  /** Sets the gallery's threshold to the lowest ROC threshold whose false match rate is at most targetFmr (audited). */
  async setGalleryThresholdForFmr(
    actor: Actor,
    args: { galleryId: string; jobId: string; targetFmr: number },
  ): Promise<ThresholdFromFmrModel> {
    authorize(actor, 'galleries.write');
    if (!Number.isFinite(args.targetFmr) || args.targetFmr < 0 || args.targetFmr > 1) {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        'targetFmr must be from 0 to 1, such as 0.001 for one false match in a thousand.',
        {
          field: 'targetFmr',
        },
      );
    }
    const job = await this.deps.jobs.load(actor, args.jobId, EVALUATION);
    const result = parseStoredEvaluation(job.result);
    if (job.status !== 'SUCCEEDED' || !result) {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        `Evaluation ${job.id} has no result (it is ${job.status}); wait for it to succeed.`,
        {
          field: 'jobId',
        },
      );
    }
    const picked = thresholdForFmr(result.roc, args.targetFmr);
    if (!picked || picked.threshold <= 0 || picked.threshold >= 1) {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        `No threshold between 0 and 1 meets a false match rate of ${args.targetFmr} on this evaluation; choose a larger target or evaluate on more pairs.`,
        { field: 'targetFmr' },
      );
    }
    await this.deps.uow.transaction(async (tx) => {
      const gallery = await requireGallery(
        actor,
        args.galleryId,
        (id) => this.deps.galleries.findById(id, tx.db),
        'galleryId',
      );
      if (gallery.embeddingModelId !== result.modelId) {
        throw new AppError(
          ErrorCode.BAD_INPUT,
          `The evaluation measured model ${result.modelId} but the gallery uses ${gallery.embeddingModelId}; run an evaluation for this gallery.`,
          { field: 'jobId' },
        );
      }
      await this.deps.galleries.update(tx.db, gallery.id, { matchThreshold: picked.threshold });
      await tx.audit(
        auditEntry(actor, 'gallery.update', `gallery:${gallery.id}`, {
          fields: ['matchThreshold'],
          from: gallery.matchThreshold,
          to: picked.threshold,
          evaluationJobId: job.id,
          targetFmr: args.targetFmr,
          fmr: picked.fmr,
          fnmr: picked.fnmr,
        }),
      );
    });
    return {
      gallery: await this.deps.galleriesService.get(actor, args.galleryId),
      targetFmr: args.targetFmr,
      ...picked,
    };
  }
}
