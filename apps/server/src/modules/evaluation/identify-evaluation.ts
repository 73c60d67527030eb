// The open-set identification evaluation (mode=identify) on a zip with one folder per person: the
// recognition package's protocol (the first K photos of each person with more than K enrolled, photo
// K+1 a mated search, each person with exactly one photo a non-mated search), its searches scored with
// identify's rule (rankIdentities over the faces identify reads) and its metrics, as
// `faceledger eval identify` reports them; only the embeddings come from the job's items.
import {
  buildGallery,
  buildOpenSetProtocol,
  evaluateOpenSet,
  FPIR_TARGETS,
  searchProbes,
  type OpenSetProtocol,
} from '@faceledger/recognition/identify';
import type { IdentifyEvaluationResult } from '@faceledger/schema';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { ZipFileEntry } from '../../shared/read-zip.js';
import { thinRoc } from './evaluation-report.js';

/** Most photos enrolled per person. */
export const MAX_ENROLL = 20;

/** A DET point as stored: [threshold (null at the strict end), fpir, fnir]. */
export type StoredDetPoint = [threshold: number | null, fpir: number, fnir: number];

/** The result an identify EVALUATION job stores. */
export interface StoredIdentifyEvaluation {
  mode: 'identify';
  galleryId: string;
  modelId: string;
  enroll: number;
  images: number;
  failedImages: number;
  identities: number;
  enrollFailures: number;
  mated: number;
  nonMated: number;
  failures: number;
  rank1: number;
  atFpir: Array<{ fpir: number; fnir: number | null; threshold: number | null }>;
  det: StoredDetPoint[];
}

const IMAGE_FILE = /\.(jpe?g|png|webp|bmp|gif|tiff?)$/i;

/** The K of the form field "enroll": 1 when absent; BAD_INPUT unless a whole number 1..MAX_ENROLL. */
export function parseEnroll(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 1;
  const enroll = Number(text);
  if (!Number.isInteger(enroll) || enroll < 1 || enroll > MAX_ENROLL)
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `"enroll" is the number of photos enrolled per person: a whole number from 1 to ${MAX_ENROLL}, such as 1.`,
      { field: 'enroll' },
    );
  return enroll;
}

/** The protocol over image paths (person = the folder holding the photo). */
function protocolOf(paths: readonly string[], enroll: number): OpenSetProtocol {
  return buildOpenSetProtocol(paths, [], enroll);
}

/**
 * The zip's images the protocol uses (enrolled photos, then mated, then non-mated probes); BAD_INPUT
 * when it has no mated or no non-mated search.
 */
export function identifySetFromFolders(entries: readonly ZipFileEntry[], enroll: number): ZipFileEntry[] {
  const images = entries.filter((e) => IMAGE_FILE.test(e.path) && e.path.split('/').length >= 2);
  const protocol = protocolOf(
    images.map((e) => e.path),
    enroll,
  );
  if (protocol.mated.length === 0 || protocol.nonMated.length === 0) {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `An identification evaluation with ${enroll} enrolled photo(s) per person needs people with at least ${enroll + 1} photos (mated searches) and people with exactly one photo (strangers); this zip has ${protocol.mated.length} and ${protocol.nonMated.length}. Put each person's photos in a folder named after them.`,
      { field: 'archive' },
    );
  }
  const used = [
    ...[...protocol.enrolled.values()].flat(),
    ...protocol.mated.map((p) => p.file),
    ...protocol.nonMated.map((p) => p.file),
  ];
  const byPath = new Map(images.map((e) => [e.path, e] as const));
  return used.map((path) => byPath.get(path) as ZipFileEntry);
}

/**
 * Searches every probe of the protocol over `paths` (every image of the job) against its gallery with
 * identify's scoring and reports the figures (DET thinned to MAX_ROC_POINTS); `embeddings`: those with a face.
 */
export function scoreIdentifyEvaluation(
  base: Pick<StoredIdentifyEvaluation, 'galleryId' | 'modelId' | 'enroll' | 'images' | 'failedImages'>,
  paths: readonly string[],
  embeddings: ReadonlyMap<string, Float32Array>,
): StoredIdentifyEvaluation {
  const protocol = protocolOf(paths, base.enroll);
  const embeddingOf = (file: string): Float32Array | null => embeddings.get(file) ?? null;
  const gallery = buildGallery(protocol, protocol.enrolled.size, embeddingOf);
  const report = evaluateOpenSet(searchProbes(protocol, gallery, embeddingOf));
  return {
    mode: 'identify',
    ...base,
    identities: gallery.identities,
    enrollFailures: gallery.enrollFailures,
    mated: report.mated,
    nonMated: report.nonMated,
    failures: report.failures,
    rank1: report.rank1,
    atFpir: FPIR_TARGETS.map((key) => ({
      fpir: Number(key),
      fnir: report.fnir[key],
      threshold: report.thresholds[key],
    })),
    det: thinRoc(report.det).map((p): StoredDetPoint => [
      Number.isFinite(p.threshold) ? p.threshold : null,
      p.fpir,
      p.fnir,
    ]),
  };
}

/** Reads a stored identify result back, or null when the JSON is not one. */
export function parseStoredIdentifyEvaluation(value: unknown): StoredIdentifyEvaluation | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const result = value as Partial<StoredIdentifyEvaluation>;
  return result.mode === 'identify' && Array.isArray(result.det) && typeof result.rank1 === 'number'
    ? (result as StoredIdentifyEvaluation)
    : null;
}

/** The GraphQL shape of a stored identify result. */
export function identifyEvaluationModel(result: StoredIdentifyEvaluation): IdentifyEvaluationResult {
  const { mode: _mode, ...figures } = result;
  return {
    ...figures,
    det: result.det.map(([threshold, fpir, fnir]) => ({ threshold, fpir, fnir })),
  };
}
