import type { FivePoints } from './align.js';

/** Head pose in degrees: yaw (left/right), pitch (up/down), roll (in-plane tilt). */
export interface Pose {
  /** Left/right turn; 0 is frontal. */
  yaw: number;
  /** Up/down nod; 0 is level. */
  pitch: number;
  /** In-plane tilt; 0 is upright. */
  roll: number;
}

/** Why a face's quality is reduced; stable strings the UI can translate. */
export type QualityReason = 'SMALL_FACE' | 'BLURRY' | 'TOO_DARK' | 'TOO_BRIGHT' | 'LOW_CONTRAST' | 'LARGE_YAW' | 'LARGE_PITCH' | 'LARGE_ROLL' | 'LOW_DETECTION_SCORE';

/** Image-quality measurements of one face. */
export interface FaceQuality {
  /** Distance between the eye centres in original image pixels. */
  eyeDistance: number;
  /** Variance of the Laplacian of the aligned 112 px grey face (higher is sharper). */
  sharpness: number;
  /** Mean grey level of the aligned face, 0..255. */
  brightness: number;
  /** Standard deviation of the grey level of the aligned face, 0..255. */
  contrast: number;
  /** Head pose in degrees. */
  pose: Pose;
  /** Overall usability for recognition, 0 (useless) .. 1 (ideal). */
  score: number;
  /** What lowered the score; empty for a good face. */
  reasons: QualityReason[];
}

/** Grey statistics of a packed RGB float crop: Laplacian variance, mean, standard deviation. */
export function cropStatistics(crop: Float32Array, size: number): { sharpness: number; brightness: number; contrast: number } {
  const gray = new Float32Array(size * size);
  let sum = 0;
  for (let i = 0; i < gray.length; i++) {
    const g = 0.299 * (crop[i * 3] as number) + 0.587 * (crop[i * 3 + 1] as number) + 0.114 * (crop[i * 3 + 2] as number);
    gray[i] = g;
    sum += g;
  }
  const mean = sum / gray.length;
  let sq = 0;
  for (const g of gray) sq += (g - mean) * (g - mean);
  let lapSum = 0;
  let lapSq = 0;
  let n = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const i = y * size + x;
      const lap = (gray[i - 1] as number) + (gray[i + 1] as number) + (gray[i - size] as number) + (gray[i + size] as number) - 4 * (gray[i] as number);
      lapSum += lap;
      lapSq += lap * lap;
      n++;
    }
  }
  const lapMean = lapSum / n;
  return { sharpness: lapSq / n - lapMean * lapMean, brightness: mean, contrast: Math.sqrt(sq / gray.length) };
}

/** Distance between the two eye centres of five landmarks. */
export function eyeDistance(points: FivePoints): number {
  return Math.hypot(points[1][0] - points[0][0], points[1][1] - points[0][1]);
}

/** Thresholds below which a measurement lowers the quality score (tuned on LFW and the deepface photos). */
export const QUALITY_THRESHOLDS = {
  eyeDistance: 40,
  sharpness: 60,
  darkBelow: 50,
  brightAbove: 210,
  contrast: 25,
  yaw: 30,
  pitch: 25,
  roll: 30,
  detectionScore: 0.5,
} as const;

function ramp(value: number, bad: number, good: number): number {
  if (good === bad) return value >= good ? 1 : 0;
  return Math.min(1, Math.max(0, (value - bad) / (good - bad)));
}

/** Combines the measurements of one face into a 0..1 score and a list of reasons. */
export function assessQuality(input: { eyeDistance: number; sharpness: number; brightness: number; contrast: number; pose: Pose; detectionScore: number }): FaceQuality {
  const t = QUALITY_THRESHOLDS;
  const reasons: QualityReason[] = [];
  if (input.eyeDistance < t.eyeDistance) reasons.push('SMALL_FACE');
  if (input.sharpness < t.sharpness) reasons.push('BLURRY');
  if (input.brightness < t.darkBelow) reasons.push('TOO_DARK');
  if (input.brightness > t.brightAbove) reasons.push('TOO_BRIGHT');
  if (input.contrast < t.contrast) reasons.push('LOW_CONTRAST');
  if (Math.abs(input.pose.yaw) > t.yaw) reasons.push('LARGE_YAW');
  if (Math.abs(input.pose.pitch) > t.pitch) reasons.push('LARGE_PITCH');
  if (Math.abs(input.pose.roll) > t.roll) reasons.push('LARGE_ROLL');
  if (input.detectionScore < t.detectionScore) reasons.push('LOW_DETECTION_SCORE');
  const factors = [
    ramp(input.eyeDistance, 10, t.eyeDistance),
    ramp(input.sharpness, 5, t.sharpness),
    ramp(input.brightness, 15, t.darkBelow) * ramp(255 - input.brightness, 15, 255 - t.brightAbove),
    ramp(input.contrast, 5, t.contrast),
    ramp(90 - Math.abs(input.pose.yaw), 30, 90 - t.yaw),
    ramp(90 - Math.abs(input.pose.pitch), 40, 90 - t.pitch),
    ramp(input.detectionScore, 0.2, t.detectionScore),
  ];
  const score = factors.reduce((a, b) => a * b, 1);
  return { eyeDistance: input.eyeDistance, sharpness: input.sharpness, brightness: input.brightness, contrast: input.contrast, pose: input.pose, score, reasons };
}
