import { operatorIdentifyCalibration } from '../models/registry.js';
import { IDENTIFY_CALIBRATIONS } from './calibration-data.js';

/**
 * An identify calibration of one model: for each FPIR target, the identify threshold (under the
 * shipped IDENTITY_SCORING rule) measured at several gallery sizes on dev data.
 */
export interface IdentifyCalibration {
  /** Model id (registry). */
  model: string;
  /** What it was measured on. */
  data: string;
  /** Date measured (YYYY-MM-DD). */
  measured: string;
  /** FPIR target (as a decimal string: "0.01", "0.003", "0.001") -> [gallery size, threshold] by size. */
  points: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>;
}

/** The FPIR targets every shipped calibration measures, loosest first. */
export const CALIBRATED_FPIR_TARGETS = [1e-2, 3e-3, 1e-3] as const;

/** Thrown when a model has no shipped identify calibration. */
export class NoIdentifyCalibrationError extends Error {
  constructor(readonly modelId: string) {
    super(
      `model ${modelId} has no identify calibration; measure one with 'faceledger calibrate identify --model ${modelId}' ` +
        `or set the gallery's identify threshold explicitly`,
    );
    this.name = 'NoIdentifyCalibrationError';
  }
}

/** The shipped calibration of a model, else the one its operator manifest brought, or null when it has none. */
export function identifyCalibration(modelId: string): IdentifyCalibration | null {
  return IDENTIFY_CALIBRATIONS[modelId] ?? operatorIdentifyCalibration(modelId);
}

/** Threshold at one calibrated target for a size: linear in log(size); held flat outside the measured sizes. */
function atSize(points: ReadonlyArray<readonly [number, number]>, size: number): number {
  const first = points[0] as readonly [number, number];
  const last = points[points.length - 1] as readonly [number, number];
  if (size <= first[0]) return first[1];
  // Past the largest measured size: never lower than the largest measured threshold.
  if (size >= last[0]) return last[1];
  for (let i = 1; i < points.length; i++) {
    const [s1, t1] = points[i] as readonly [number, number];
    const [s0, t0] = points[i - 1] as readonly [number, number];
    if (size <= s1) {
      const f = (Math.log(size) - Math.log(s0)) / (Math.log(s1) - Math.log(s0));
      return t0 + f * (t1 - t0);
    }
  }
  return last[1];
}

/**
 * The identify threshold for a target FPIR at a gallery size, from the model's calibration.
 * Targets between calibrated ones interpolate linearly in log(FPIR); a target looser than the
 * loosest calibrated uses the loosest (conservative); one stricter than the strictest is refused
 * (RangeError), since it cannot be estimated from the data.
 */
export function identifyThreshold(modelId: string, targetFpir: number, gallerySize: number): number {
  const cal = identifyCalibration(modelId);
  if (!cal) throw new NoIdentifyCalibrationError(modelId);
  if (!(targetFpir > 0 && targetFpir < 1)) throw new RangeError('targetFpir must be between 0 and 1');
  const size = Math.max(1, gallerySize);
  const targets: number[] = [...CALIBRATED_FPIR_TARGETS];
  const strictest = targets[targets.length - 1] as number;
  if (targetFpir < strictest * (1 - 1e-9))
    throw new RangeError(`targetFpir below ${strictest} is not calibrated; the dev data cannot estimate it`);
  const at = (t: number): number => atSize(cal.points[String(t)] ?? [], size);
  const loosest = targets[0] as number;
  if (targetFpir >= loosest) return at(loosest);
  for (let i = 1; i < targets.length; i++) {
    const lo = targets[i] as number;
    const hi = targets[i - 1] as number;
    if (targetFpir >= lo) {
      const f = (Math.log(hi) - Math.log(targetFpir)) / (Math.log(hi) - Math.log(lo));
      return Math.max(at(hi), at(hi) + f * (at(lo) - at(hi)));
    }
  }
  return at(strictest);
}

/**
 * Estimated FPIR of an identify threshold at a gallery size, interpolated in log(FPIR) between the
 * calibrated targets' thresholds. Below the loosest target's threshold it is extrapolated along the
 * 1e-2..3e-3 slope and marked `bound: 'atLeast'` (always above 0.01; the data says only that it is
 * above 0.01); at or above the strictest's it is an upper bound (`{ fpir: 0.001, bound: 'atMost' }`).
 */
export function estimateIdentifyFpir(
  modelId: string,
  threshold: number,
  gallerySize: number,
): { fpir: number; bound: 'atLeast' | 'atMost' | 'estimate' } {
  const cal = identifyCalibration(modelId);
  if (!cal) throw new NoIdentifyCalibrationError(modelId);
  const size = Math.max(1, gallerySize);
  const targets: number[] = [...CALIBRATED_FPIR_TARGETS];
  const th = targets.map((t) => atSize(cal.points[String(t)] ?? [], size));
  if (threshold < (th[0] as number)) {
    // Looser than the loosest calibrated target: extrapolated along the 1e-2..3e-3 slope (in log
    // FPIR per unit of threshold), so it is above 1e-2 and grows as the threshold falls; capped at 1.
    const t0 = th[0] as number;
    const t1 = th[1] as number;
    const slope = t1 > t0 ? (Math.log(targets[0] as number) - Math.log(targets[1] as number)) / (t1 - t0) : 0;
    const fpir = Math.min(1, Math.exp(Math.log(targets[0] as number) + (t0 - threshold) * slope));
    return { fpir: Math.max(fpir, (targets[0] as number) * (1 + 1e-6)), bound: 'atLeast' };
  }
  if (threshold >= (th[th.length - 1] as number))
    return { fpir: targets[targets.length - 1] as number, bound: 'atMost' };
  for (let i = 1; i < targets.length; i++) {
    const t0 = th[i - 1] as number;
    const t1 = th[i] as number;
    if (threshold < t1) {
      const f = t1 > t0 ? (threshold - t0) / (t1 - t0) : 0;
      const logF =
        Math.log(targets[i - 1] as number) +
        f * (Math.log(targets[i] as number) - Math.log(targets[i - 1] as number));
      return { fpir: Math.exp(logF), bound: 'estimate' };
    }
  }
  return { fpir: targets[targets.length - 1] as number, bound: 'atMost' };
}
