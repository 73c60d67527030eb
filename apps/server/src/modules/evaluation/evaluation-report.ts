// The stored result of an evaluation and the pure reads of it: the rates at any threshold, the
// threshold for a target false match rate, and the ROC thinned for display.

/** A ROC point as stored: [threshold (null at the ends), fmr, tmr], thresholds from strict to lenient. */
export type StoredRocPoint = [threshold: number | null, fmr: number, tmr: number];

/** The result an EVALUATION job stores. */
export interface StoredEvaluation {
  galleryId: string;
  modelId: string;
  source: 'PAIRS_FILE' | 'FOLDER_PER_PERSON';
  pairs: number;
  samePairs: number;
  differentPairs: number;
  images: number;
  failedImages: number;
  unscoredPairs: number;
  accuracy: number;
  accuracyStd: number;
  bestThreshold: number;
  auc: number;
  eer: number;
  tmrAtFmr1e2: number;
  tmrAtFmr1e3: number;
  /** The gallery's threshold when the evaluation ran. */
  thresholdAtStart: number;
  roc: StoredRocPoint[];
}

/** False match and false non-match rates at one threshold. */
export interface OperatingPointModel {
  threshold: number;
  fmr: number;
  fnmr: number;
}

/** Most ROC points returned to clients. */
export const MAX_ROC_POINTS = 300;

/** The stored threshold of point `i` as a number: null is +Infinity first, -Infinity after. */
function thresholdAt(roc: readonly StoredRocPoint[], i: number): number {
  const t = roc[i]?.[0];
  if (t === null || t === undefined) return i === 0 ? Infinity : -Infinity;
  return t;
}

/** The rates when pairs scoring at or above `threshold` are accepted. */
export function operatingPoint(roc: readonly StoredRocPoint[], threshold: number): OperatingPointModel {
  let fmr = 0;
  let tmr = 0;
  for (let i = 0; i < roc.length; i++) {
    if (thresholdAt(roc, i) < threshold) break;
    const point = roc[i] as StoredRocPoint;
    fmr = point[1];
    tmr = point[2];
  }
  return { threshold, fmr, fnmr: 1 - tmr };
}

/**
 * The lowest finite threshold of the ROC whose false match rate is at most `targetFmr` (it accepts
 * the most same-person pairs while meeting the target), or null when no finite point meets it.
 */
export function thresholdForFmr(
  roc: readonly StoredRocPoint[],
  targetFmr: number,
): OperatingPointModel | null {
  let best: OperatingPointModel | null = null;
  for (let i = 0; i < roc.length; i++) {
    const t = thresholdAt(roc, i);
    const point = roc[i] as StoredRocPoint;
    if (!Number.isFinite(t) || point[1] > targetFmr) continue;
    if (best === null || t < best.threshold) best = { threshold: t, fmr: point[1], fnmr: 1 - point[2] };
  }
  return best;
}

/** At most `max` points of a curve (ROC, DET), the ends always kept, evenly spread; order and monotonicity kept. */
export function thinRoc<T>(roc: readonly T[], max = MAX_ROC_POINTS): T[] {
  if (roc.length <= max) return [...roc];
  const kept: T[] = [];
  const step = (roc.length - 1) / (max - 1);
  let last = -1;
  for (let k = 0; k < max; k++) {
    const i = Math.round(k * step);
    if (i !== last) kept.push(roc[i] as T);
    last = i;
  }
  return kept;
}

/** Reads a stored result back, or null when the JSON is not one. */
export function parseStoredEvaluation(value: unknown): StoredEvaluation | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const result = value as Partial<StoredEvaluation>;
  return typeof result.accuracy === 'number' &&
    Array.isArray(result.roc) &&
    typeof result.galleryId === 'string'
    ? (result as StoredEvaluation)
    : null;
}
