// Bulk import: a CSV of people (externalId, name, photo) and their photos (files or one zip) become
// a BULK_IMPORT job with one item per row; the job handler creates or finds each identity and enrolls
// the photo through the identities and enrollment services, so every rule and audit entry applies.
// Uploads arrive as files on disk; the zip's photos that the CSV names are unpacked to disk one by one
// (limits counted while inflating) and written to the job's storage one at a time, so an import's
// memory does not grow with its size.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Prisma } from '@faceledger/db';
import type { ImportOutcome } from '@faceledger/schema';
import type { JobModel } from '@faceledger/schema/server';
import { stringify } from 'csv-stringify/sync';
import { AppError, ErrorCode, isAppError } from '../../shared/app-error.js';
import { extractZip, type ZipLimits } from '../../shared/read-zip.js';
import type { Actor } from '../auth/actor.js';
import type { EnrollmentService } from '../enrollment/enrollment.service.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import type { IdentitiesRepository, IdentityRecord } from '../identities/identities.repository.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import { RetryLaterError, type JobHandler, type RunningJob } from '../jobs/job-handler.js';
import type { ItemOutcome, JobItemRecord, JobRecord, JobsRepository } from '../jobs/jobs.repository.js';
import { findGalleryForJob } from '../jobs/job-gallery.js';
import type { JobsService } from '../jobs/jobs.service.js';
import { MAX_BASE64_IMAGE_BYTES } from '../uploads/uploads.service.js';
import { neutralizeCsvCell, parseImportCsv, photoKey, type ImportRow } from './import-csv.js';

export const BULK_IMPORT = 'BULK_IMPORT';

const MB = 1024 * 1024;

/**
 * Limits of POST /api/imports (docs/API.md, Limits). The photos an import keeps (the files and zip
 * entries its CSV names) are written to the job's storage in the transaction that creates the job,
 * so their total is what bounds the time and memory of that transaction.
 */
export const IMPORT_LIMITS = {
  /** The whole multipart body. */
  requestBytes: 520 * MB,
  csvBytes: 8 * MB,
  archiveBytes: 512 * MB,
  /** Files in the field `photos`. */
  photoFiles: 5_000,
  /** One photo, as a file or unpacked from the zip: what enrollment accepts. */
  photoBytes: MAX_BASE64_IMAGE_BYTES,
  /** Files in the zip (directories not counted). */
  zipEntries: 10_000,
  /** All photos the CSV names, files and unpacked zip entries together. */
  keptPhotoBytes: 100 * MB,
};

/** "The photos come to more than 100 MB" for the total of an import's kept photos. */
function keptPhotosTooLarge(field: 'photos' | 'archive'): AppError {
  return new AppError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `The photos the CSV names come to more than ${IMPORT_LIMITS.keptPhotoBytes / MB} MB, the limit of one import (unpacked); split the CSV into smaller imports.`,
    { field, limitBytes: IMPORT_LIMITS.keptPhotoBytes },
  );
}

/** An uploaded file, streamed to disk by the route. */
export interface UploadedFile {
  name: string;
  path: string;
  size: number;
}

/** Uploaded files of an import request. */
export interface ImportUpload {
  galleryId: string;
  csv: UploadedFile;
  photos: readonly UploadedFile[];
  archive: UploadedFile | null;
  /** A folder for the zip's unpacked photos; the caller removes it after startImport. */
  workDir: string;
}

/** What POST /api/imports answers. */
export interface StartedImport {
  jobId: string;
  rows: number;
  photos: number;
  /** Rows whose photo was not among the uploads (they end as MISSING_PHOTO). */
  missingPhotos: number;
}

export interface BulkImportDependencies {
  jobs: JobsService;
  jobsRepository: Pick<JobsRepository, 'readFile' | 'countOutcomes' | 'findItems'>;
  galleries: Pick<GalleriesRepository, 'findById'>;
  identitiesRepository: Pick<IdentitiesRepository, 'findByExternalId'>;
  identities: Pick<IdentitiesService, 'create'>;
  enrollment: Pick<EnrollmentService, 'enrollFace'>;
}

const MAX_TEXT = 200;

/** Outcome of a row and what it tells the user. */
function outcome(code: ImportOutcome, message: string, result?: Prisma.InputJsonObject): ItemOutcome {
  return { outcome: code, message, result };
}

/** The job's label from the CSV's file name: control characters dropped, at most MAX_TEXT characters. */
function jobLabel(fileName: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = fileName.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_TEXT);
  return clean || 'import.csv';
}

function rowOf(item: JobItemRecord): ImportRow {
  const input = (item.input ?? {}) as Record<string, unknown>;
  const str = (value: unknown): string => (typeof value === 'string' ? value : '');
  return {
    line: typeof input.line === 'number' ? input.line : item.index + 2,
    externalId: str(input.externalId).trim(),
    name: str(input.name).trim(),
    photo: str(input.photo).trim(),
  };
}

export class BulkImportService implements JobHandler {
  readonly kind = BULK_IMPORT;
  readonly permission = 'imports.run' as const;
  readonly successOutcomes = ['ENROLLED'] as const;

  constructor(private readonly deps: BulkImportDependencies) {}

  /**
   * Checks the upload and creates the job (one item per CSV row); the runner does the rest. Only the
   * photos some row names are kept: files as uploaded, the zip's unpacked one by one into workDir.
   */
  async startImport(actor: Actor, upload: ImportUpload): Promise<StartedImport> {
    const gallery = await findGalleryForJob(actor, 'imports.run', upload.galleryId, this.deps.galleries);
    const rows = parseImportCsv(await readFile(upload.csv.path));
    const wanted = new Set(rows.map((row) => photoKey(row.photo)).filter((key) => key !== ''));
    const available = new Map<string, { path: string; size: number }>();
    for (const photo of upload.photos) {
      const key = photoKey(photo.name);
      if (wanted.has(key)) available.set(key, photo);
    }
    const keptFileBytes = [...available.values()].reduce((sum, photo) => sum + photo.size, 0);
    if (keptFileBytes > IMPORT_LIMITS.keptPhotoBytes) throw keptPhotosTooLarge('photos');
    if (upload.archive) {
      let unpacked = 0;
      const claimed = new Set<string>();
      const limits: ZipLimits = {
        maxEntries: IMPORT_LIMITS.zipEntries,
        maxEntryBytes: IMPORT_LIMITS.photoBytes,
        maxTotalBytes: IMPORT_LIMITS.keptPhotoBytes - keptFileBytes,
      };
      const entries = await extractZip(upload.archive.path, limits, 'archive', (entryPath) => {
        const key = photoKey(entryPath);
        if (!wanted.has(key) || available.has(key) || claimed.has(key)) return null;
        claimed.add(key);
        return path.join(upload.workDir, `archive-${unpacked++}`);
      }).catch((error: unknown) => {
        throw isAppError(error) && error.details.limit === 'maxTotalBytes' ? keptPhotosTooLarge('archive') : error;
      });
      for (const entry of entries) available.set(photoKey(entry.path), { path: entry.file, size: entry.size });
    }
    const files = new Map<string, string>();
    let missingPhotos = 0;
    for (const row of rows) {
      const key = photoKey(row.photo);
      const file = key ? available.get(key) : undefined;
      if (file) files.set(key, file.path);
      else missingPhotos++;
    }
    const job = await this.enqueue(
      actor,
      {
        kind: BULK_IMPORT,
        galleryId: gallery.id,
        label: jobLabel(upload.csv.name),
        payload: { galleryId: gallery.id },
        items: rows.map((row) => ({
          line: row.line,
          externalId: row.externalId,
          name: row.name,
          photo: row.photo,
        })),
        files: [...files].map(([name, file]) => ({ name, data: () => readFile(file) })),
      },
      { action: 'import.start', payload: { photos: files.size, missingPhotos } },
    );
    return { jobId: job.id, rows: rows.length, photos: files.size, missingPhotos };
  }

  /**
   * jobs.enqueue, with a transaction that ran out of time writing the photos (a database too busy
   * to take them in LEDGER_TRANSACTION_OPTIONS' 30 s) answered as DATABASE_UNAVAILABLE, not INTERNAL.
   */
  private async enqueue(...args: Parameters<JobsService['enqueue']>): Promise<JobRecord> {
    try {
      return await this.deps.jobs.enqueue(...args);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'P2028') throw error;
      throw new AppError(
        ErrorCode.DATABASE_UNAVAILABLE,
        'The database was too busy to store the import’s photos in time; nothing was imported. Retry in a minute, or split the import.',
        { retryAfterSeconds: 60 },
        { cause: error },
      );
    }
  }

  /** The rows that were not enrolled, as CSV (line, externalId, name, photo, outcome, message). */
  async errorReport(actor: Actor, jobId: string): Promise<{ fileName: string; csv: string }> {
    const job = await this.deps.jobs.load(actor, jobId, BULK_IMPORT);
    const lines: string[][] = [['line', 'externalId', 'name', 'photo', 'outcome', 'message']];
    let afterIndex = -1;
    for (;;) {
      const items = await this.deps.jobsRepository.findItems(job.id, {
        afterIndex,
        limit: 500,
        excludeOutcomes: this.successOutcomes,
      });
      for (const item of items) {
        const row = rowOf(item);
        lines.push(
          [String(row.line), row.externalId, row.name, row.photo, item.outcome ?? '', item.message ?? ''].map(
            neutralizeCsvCell,
          ),
        );
      }
      const last = items.at(-1);
      if (!last || items.length < 500) break;
      afterIndex = last.index;
    }
    return { fileName: `import-${job.id}-errors.csv`, csv: stringify(lines) };
  }

  async processItem(job: RunningJob, item: JobItemRecord): Promise<ItemOutcome> {
    const row = rowOf(item);
    const galleryId = job.record.galleryId;
    if (!galleryId) throw new Error(`Bulk import job ${job.record.id} has no gallery.`);
    if (!row.externalId || row.externalId.length > MAX_TEXT) {
      return outcome(
        'INVALID_ROW',
        `externalId must be 1 to ${MAX_TEXT} characters; fix line ${row.line} and import it again.`,
      );
    }
    if (!row.name || row.name.length > MAX_TEXT) {
      return outcome(
        'INVALID_ROW',
        `name must be 1 to ${MAX_TEXT} characters; fix line ${row.line} and import it again.`,
      );
    }
    const key = photoKey(row.photo);
    const bytes = key ? await this.deps.jobsRepository.readFile(job.record.id, key) : null;
    if (!bytes) {
      return outcome(
        'MISSING_PHOTO',
        row.photo
          ? `No uploaded file is named ${row.photo}; upload it with the CSV (or in the zip).`
          : 'The row names no photo; give the photo file name in the photo column.',
      );
    }
    if (bytes.length > MAX_BASE64_IMAGE_BYTES) {
      return outcome(
        'BAD_IMAGE',
        `${row.photo} is larger than ${MAX_BASE64_IMAGE_BYTES / 1024 / 1024} MB; send a smaller photo.`,
      );
    }
    try {
      const identity = await this.findOrCreateIdentity(job.actor, galleryId, row);
      if (identity.status !== 'ACTIVE') {
        return outcome(
          'INVALID_ROW',
          `The identity with externalId ${row.externalId} is ${identity.status.toLowerCase()}; reactivate it and import the row again.`,
          {
            identityId: identity.id,
          },
        );
      }
      return await this.enroll(job.actor, identity, bytes);
    } catch (error) {
      return this.outcomeOfError(error);
    }
  }

  async finish(job: RunningJob): Promise<Prisma.InputJsonObject> {
    const counts = await this.deps.jobsRepository.countOutcomes(job.record.id);
    return { outcomes: Object.fromEntries(counts) };
  }

  async describe(record: JobRecord): Promise<Partial<JobModel>> {
    const counts = await this.deps.jobsRepository.countOutcomes(record.id);
    return {
      importSummary: [...counts]
        .map(([code, count]) => ({ outcome: code as ImportOutcome, count }))
        .sort((a, b) => a.outcome.localeCompare(b.outcome)),
      errorReportUrl: `/api/imports/${record.id}/errors.csv`,
    };
  }

  /** The gallery's identity with this externalId, created when there is none (a rerun finds it). */
  private async findOrCreateIdentity(
    actor: Actor,
    galleryId: string,
    row: ImportRow,
  ): Promise<IdentityRecord | { id: string; status: string }> {
    const existing = await this.deps.identitiesRepository.findByExternalId(galleryId, row.externalId);
    if (existing) return existing;
    try {
      const created = await this.deps.identities.create(actor, {
        galleryId,
        externalId: row.externalId,
        displayName: row.name,
      });
      return { id: created.id, status: created.status };
    } catch (error) {
      // Created meanwhile (a duplicate externalId further up the same CSV racing is not possible, but
      // another import or a person at the dashboard may be).
      if (isAppError(error) && error.code === ErrorCode.CONFLICT) {
        const found = await this.deps.identitiesRepository.findByExternalId(galleryId, row.externalId);
        if (found) return found;
      }
      throw error;
    }
  }

  private async enroll(actor: Actor, identity: { id: string }, bytes: Uint8Array): Promise<ItemOutcome> {
    const result = await this.deps.enrollment.enrollFace(actor, {
      identityId: identity.id,
      image: { base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') },
    });
    const ids = { identityId: identity.id };
    switch (result.__typename) {
      case 'Enrolled': {
        const warnings = result.warnings.map((w) => w.message).join(' ');
        return outcome('ENROLLED', warnings ? `Enrolled. ${warnings}` : 'Enrolled.', {
          ...ids,
          faceId: result.face.id,
        });
      }
      case 'DuplicateImage':
        // The same identity already has this image: a rerun after a crash between enrolling and
        // recording the row. The row is done, not a duplicate.
        if (result.identity.id === identity.id) {
          return outcome('ENROLLED', 'Enrolled (this photo was already enrolled for this identity).', {
            ...ids,
            faceId: result.faceId,
          });
        }
        return outcome('DUPLICATE', result.message, { ...ids, faceId: result.faceId });
      case 'NoFace':
        return outcome(
          'NO_FACE',
          `${result.message} The identity exists without a face; enroll another photo on its page.`,
          ids,
        );
      case 'MultipleFaces':
        return outcome('MULTIPLE_FACES', result.message, ids);
      case 'LowQuality':
        return outcome('LOW_QUALITY', result.message, ids);
      case 'LikelySameAs':
        return outcome('LIKELY_SAME_AS', result.message, ids);
      default:
        throw new Error(`Unexpected enrollment result ${String(result.__typename)}`);
    }
  }

  private outcomeOfError(error: unknown): ItemOutcome {
    if (!isAppError(error)) throw error;
    switch (error.code) {
      case ErrorCode.BAD_IMAGE:
        return outcome('BAD_IMAGE', `${error.message} Send a JPEG or PNG photo.`);
      case ErrorCode.BAD_INPUT:
      case ErrorCode.NOT_FOUND:
      case ErrorCode.CONFLICT:
        return outcome('INVALID_ROW', error.message);
      case ErrorCode.ENGINE_UNAVAILABLE:
        throw new RetryLaterError(`Waiting for the recognition engine: ${error.message}`, 5_000);
      default:
        throw error;
    }
  }
}
