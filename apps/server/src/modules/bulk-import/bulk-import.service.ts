// Bulk import: a CSV of people (externalId, name, photo) and their photos (files or one zip) become
// a BULK_IMPORT job with one item per row; the job handler creates or finds each identity and enrolls
// the row's photos (one, or several separated by `;`) through the identities and enrollment services,
// so every rule and audit entry applies. A row's outcome sums up its photos' (ENROLLED when all were,
// PARTIALLY_ENROLLED when some were); its message names each refused photo and, when the person has
// fewer than the recommended good photos, says what to add (template-strength.ts).
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
import { templateStrength } from '../identities/template-strength.js';
import { RetryLaterError, type JobHandler, type RunningJob } from '../jobs/job-handler.js';
import type { ItemOutcome, JobItemRecord, JobRecord, JobsRepository } from '../jobs/jobs.repository.js';
import { findGalleryForJob } from '../jobs/job-gallery.js';
import type { JobsService } from '../jobs/jobs.service.js';
import { MAX_BASE64_IMAGE_BYTES } from '../uploads/uploads.service.js';
import {
  MAX_PHOTOS_PER_ROW,
  neutralizeCsvCell,
  parseImportCsv,
  PHOTO_SEPARATOR,
  photoKey,
  photoNames,
  type ImportRow,
} from './import-csv.js';

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
  /**
   * Enroll the largest face of a photo that shows several when its box is at least 2x the next one's
   * (a person with bystanders); otherwise such a photo is MULTIPLE_FACES.
   */
  largestFaceIfClear?: boolean;
  /** A folder for the zip's unpacked photos; the caller removes it after startImport. */
  workDir: string;
}

/** What POST /api/imports answers. */
export interface StartedImport {
  jobId: string;
  rows: number;
  photos: number;
  /**
   * Photo names of the CSV that were not among the uploads (counted per row that names them), plus
   * rows that name no photo; a row with none of its photos ends as MISSING_PHOTO.
   */
  missingPhotos: number;
}

export interface BulkImportDependencies {
  jobs: JobsService;
  jobsRepository: Pick<JobsRepository, 'readFile' | 'countOutcomes' | 'findItems'>;
  galleries: Pick<GalleriesRepository, 'findById'>;
  identitiesRepository: Pick<IdentitiesRepository, 'findByExternalId'>;
  identities: Pick<IdentitiesService, 'create' | 'listFaces'>;
  enrollment: Pick<EnrollmentService, 'enrollFace'>;
}

const MAX_TEXT = 200;

/** Outcome of a row and what it tells the user. */
function outcome(code: ImportOutcome, message: string, result?: Prisma.InputJsonObject): ItemOutcome {
  return { outcome: code, message, result };
}

/** What happened to one photo of a row. */
interface PhotoOutcome {
  name: string;
  outcome: ImportOutcome;
  message: string;
  /** The face enrolled (or, for DUPLICATE, the face that already holds the image). */
  faceId?: string;
  /** True for a plain "Enrolled." that a row of several photos does not repeat. */
  plain?: boolean;
}

/** The file names of a row's refused photos, from the outcomes its result kept (in photo order). */
function refusedPhotoNames(row: ImportRow, result: Prisma.JsonValue): string {
  const outcomes = (result as { photoOutcomes?: unknown } | null)?.photoOutcomes;
  if (!Array.isArray(outcomes)) return row.photo;
  const names = photoNames(row.photo);
  return names
    .filter((_name, i) => outcomes[i] !== undefined && outcomes[i] !== 'ENROLLED')
    .join(`${PHOTO_SEPARATOR} `);
}

function numberIn(result: Prisma.JsonValue, key: 'photosEnrolled' | 'photosRefused'): string {
  const value = (result as Record<string, unknown> | null)?.[key];
  return typeof value === 'number' ? String(value) : '';
}

/** The job's label from the CSV's file name: control characters dropped, at most MAX_TEXT characters. */
function jobLabel(fileName: string): string {
  const clean = fileName
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, MAX_TEXT);
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
    const wanted = new Set(rows.flatMap((row) => photoNames(row.photo).map(photoKey)));
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
        throw isAppError(error) && error.details.limit === 'maxTotalBytes'
          ? keptPhotosTooLarge('archive')
          : error;
      });
      for (const entry of entries)
        available.set(photoKey(entry.path), { path: entry.file, size: entry.size });
    }
    const files = new Map<string, string>();
    let missingPhotos = 0;
    for (const row of rows) {
      const names = photoNames(row.photo);
      if (names.length === 0) missingPhotos++;
      for (const key of names.map(photoKey)) {
        const file = available.get(key);
        if (file) files.set(key, file.path);
        else missingPhotos++;
      }
    }
    const job = await this.enqueue(
      actor,
      {
        kind: BULK_IMPORT,
        galleryId: gallery.id,
        label: jobLabel(upload.csv.name),
        payload: { galleryId: gallery.id, largestFaceIfClear: upload.largestFaceIfClear === true },
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

  /**
   * The rows that were not (all) enrolled, as CSV: line, externalId, name, photo (the refused photos
   * of the row), outcome, message (naming each refused photo), photosEnrolled, photosRefused.
   */
  async errorReport(actor: Actor, jobId: string): Promise<{ fileName: string; csv: string }> {
    const job = await this.deps.jobs.load(actor, jobId, BULK_IMPORT);
    const lines: string[][] = [
      ['line', 'externalId', 'name', 'photo', 'outcome', 'message', 'photosEnrolled', 'photosRefused'],
    ];
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
          [
            String(row.line),
            row.externalId,
            row.name,
            refusedPhotoNames(row, item.result),
            item.outcome ?? '',
            item.message ?? '',
            numberIn(item.result, 'photosEnrolled'),
            numberIn(item.result, 'photosRefused'),
          ].map(neutralizeCsvCell),
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
    const names = photoNames(row.photo);
    if (names.length === 0) {
      return outcome(
        'MISSING_PHOTO',
        'The row names no photo; give the photo file name in the photo column.',
      );
    }
    if (names.length > MAX_PHOTOS_PER_ROW) {
      return outcome(
        'INVALID_ROW',
        `Line ${row.line} names ${names.length} photos, more than ${MAX_PHOTOS_PER_ROW}; put the others on another row with the same externalId.`,
      );
    }
    const photos: PhotoOutcome[] = [];
    let identity: { id: string } | null = null;
    try {
      for (const name of names) {
        const bytes = await this.deps.jobsRepository.readFile(job.record.id, photoKey(name));
        if (!bytes) {
          photos.push({
            name,
            outcome: 'MISSING_PHOTO',
            message: `No uploaded file is named ${name}; upload it with the CSV (or in the zip).`,
          });
          continue;
        }
        if (bytes.length > MAX_BASE64_IMAGE_BYTES) {
          photos.push({
            name,
            outcome: 'BAD_IMAGE',
            message: `${name} is larger than ${MAX_BASE64_IMAGE_BYTES / 1024 / 1024} MB; send a smaller photo.`,
          });
          continue;
        }
        if (!identity) {
          const found = await this.findOrCreateIdentity(job.actor, galleryId, row);
          if (found.status !== 'ACTIVE') {
            return outcome(
              'INVALID_ROW',
              `The identity with externalId ${row.externalId} is ${found.status.toLowerCase()}; reactivate it and import the row again.`,
              { identityId: found.id },
            );
          }
          identity = found;
        }
        photos.push(await this.enrollPhoto(job, identity, name, bytes));
      }
    } catch (error) {
      return this.outcomeOfError(error);
    }
    return this.rowOutcome(job.actor, identity, photos);
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

  /** One photo of a row; an image the engine cannot read is that photo's BAD_IMAGE, not the row's. */
  private async enrollPhoto(
    job: RunningJob,
    identity: { id: string },
    name: string,
    bytes: Uint8Array,
  ): Promise<PhotoOutcome> {
    const largestIfClear =
      (job.record.payload as { largestFaceIfClear?: unknown } | null)?.largestFaceIfClear === true;
    let result: Awaited<ReturnType<EnrollmentService['enrollFace']>>;
    try {
      result = await this.deps.enrollment.enrollFace(job.actor, {
        identityId: identity.id,
        image: { base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') },
        ...(largestIfClear ? { face: { largestIfClear: true } } : {}),
      });
    } catch (error) {
      if (!isAppError(error) || error.code !== ErrorCode.BAD_IMAGE) throw error;
      return { name, outcome: 'BAD_IMAGE', message: `${error.message} Send a JPEG or PNG photo.` };
    }
    switch (result.__typename) {
      case 'Enrolled': {
        const warnings = result.warnings.map((w) => w.message).join(' ');
        return warnings
          ? { name, outcome: 'ENROLLED', message: `Enrolled. ${warnings}`, faceId: result.face.id }
          : { name, outcome: 'ENROLLED', message: 'Enrolled.', faceId: result.face.id, plain: true };
      }
      case 'DuplicateImage':
        // The same identity already has this image: a rerun after a crash between enrolling and
        // recording the row. The photo is done, not a duplicate.
        if (result.identity.id === identity.id) {
          return {
            name,
            outcome: 'ENROLLED',
            message: 'Enrolled (this photo was already enrolled for this identity).',
            faceId: result.faceId,
            plain: true,
          };
        }
        return { name, outcome: 'DUPLICATE', message: result.message, faceId: result.faceId };
      case 'NoFace':
        return {
          name,
          outcome: 'NO_FACE',
          message: `${result.message} The identity exists; enroll another photo of this person on its page.`,
        };
      case 'MultipleFaces':
        return { name, outcome: 'MULTIPLE_FACES', message: result.message };
      case 'LowQuality':
        return { name, outcome: 'LOW_QUALITY', message: result.message };
      case 'LikelySameAs':
        return { name, outcome: 'LIKELY_SAME_AS', message: result.message };
      default:
        throw new Error(`Unexpected enrollment result ${String(result.__typename)}`);
    }
  }

  /**
   * A row's outcome from its photos': ENROLLED when every photo was, the first refusal's code when
   * none was, else PARTIALLY_ENROLLED; the message names each photo that was refused or warned about,
   * and adds the template strength's advice when the person has fewer good photos than recommended.
   */
  private async rowOutcome(
    actor: Actor,
    identity: { id: string } | null,
    photos: readonly PhotoOutcome[],
  ): Promise<ItemOutcome> {
    const enrolled = photos.filter((photo) => photo.outcome === 'ENROLLED');
    const [firstRefused] = photos.filter((photo) => photo.outcome !== 'ENROLLED');
    const code: ImportOutcome = !firstRefused
      ? 'ENROLLED'
      : enrolled.length === 0
        ? firstRefused.outcome
        : 'PARTIALLY_ENROLLED';
    const [only] = photos;
    let message =
      photos.length === 1 && only
        ? only.message
        : [
            enrolled.length === photos.length
              ? `Enrolled ${photos.length} photos.`
              : `Enrolled ${enrolled.length} of ${photos.length} photos.`,
            ...photos.filter((photo) => !photo.plain).map((photo) => `${photo.name}: ${photo.message}`),
          ].join(' ');
    if (identity && enrolled.length > 0) {
      const hint = templateStrength(await this.deps.identities.listFaces(actor, identity.id)).hint;
      if (hint) message = `${message} ${hint}`;
    }
    const faceId = (enrolled[0] ?? photos.find((photo) => photo.faceId))?.faceId;
    return outcome(code, message, {
      ...(identity ? { identityId: identity.id } : {}),
      ...(faceId ? { faceId } : {}),
      photosEnrolled: enrolled.length,
      photosRefused: photos.length - enrolled.length,
      photoOutcomes: photos.map((photo) => photo.outcome),
    });
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
