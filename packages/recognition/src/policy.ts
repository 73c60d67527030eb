import type { Face } from './types.js';

/** Rules a face must meet to be enrolled as a reference; the server passes its own values or uses the defaults. */
export interface EnrollmentPolicy {
  /** Minimum distance between eye centres in pixels (faces smaller than this give poor embeddings). */
  minEyeDistance: number;
  /** Largest accepted |yaw| in degrees (profile faces match poorly). */
  maxYaw: number;
  /** Largest accepted |pitch| in degrees. */
  maxPitch: number;
  /** Largest accepted |roll| in degrees (alignment corrects roll, so this is generous). */
  maxRoll: number;
  /** Minimum detection score 0..1. */
  minDetectionScore: number;
  /** Minimum sharpness (variance of the Laplacian of the aligned 112 px face). */
  minSharpness: number;
  /** Accepted mean brightness range of the face, 0..255. */
  brightness: { min: number; max: number };
  /** Minimum grey-level standard deviation of the face. */
  minContrast: number;
  /** Minimum overall quality score 0..1. */
  minQualityScore: number;
  /** Minimum antispoof score 0..1 (0 disables the check; spoof models are signals, not proof). */
  minAntispoof: number;
  /** Minimum liveness score 0..1 (0 disables the check). */
  minLiveness: number;
  /** Require exactly one face in the image (an enrollment photo should show only the subject). */
  requireSingleFace: boolean;
}

/** Default enrollment policy: eye distance >= 40 px, |yaw| <= 30 degrees, and sane exposure and sharpness. */
export const DEFAULT_ENROLLMENT_POLICY: Readonly<EnrollmentPolicy> = Object.freeze({
  minEyeDistance: 40,
  maxYaw: 30,
  maxPitch: 25,
  maxRoll: 40,
  minDetectionScore: 0.5,
  minSharpness: 20,
  brightness: Object.freeze({ min: 40, max: 220 }),
  minContrast: 15,
  minQualityScore: 0,
  minAntispoof: 0,
  minLiveness: 0,
  requireSingleFace: false,
});

/** Why a face was refused; stable codes the client can switch on. */
export type PolicyViolationCode =
  | 'FACE_TOO_SMALL'
  | 'POSE_YAW'
  | 'POSE_PITCH'
  | 'POSE_ROLL'
  | 'LOW_DETECTION_SCORE'
  | 'BLURRY'
  | 'TOO_DARK'
  | 'TOO_BRIGHT'
  | 'LOW_CONTRAST'
  | 'LOW_QUALITY'
  | 'SPOOF_SUSPECTED'
  | 'NOT_LIVE'
  | 'MULTIPLE_FACES';

/** One failed rule with a message telling the user what to change. */
export interface PolicyViolation {
  /** Machine-readable reason. */
  code: PolicyViolationCode;
  /** What to do about it. */
  message: string;
  /** Measured value. */
  actual: number;
  /** Limit it broke. */
  limit: number;
}

/** Outcome of evaluateEnrollment. */
export interface EnrollmentDecision {
  /** True when no rule failed. */
  accepted: boolean;
  /** Every failed rule (empty when accepted). */
  violations: PolicyViolation[];
}

/**
 * Checks a face against an enrollment policy (defaults merged with `policy`). `facesInImage` enables
 * the single-face rule.
 */
export function evaluateEnrollment(face: Face, policy: Partial<EnrollmentPolicy> = {}, facesInImage = 1): EnrollmentDecision {
  const p: EnrollmentPolicy = { ...DEFAULT_ENROLLMENT_POLICY, ...policy, brightness: { ...DEFAULT_ENROLLMENT_POLICY.brightness, ...policy.brightness } };
  const q = face.quality;
  const v: PolicyViolation[] = [];
  const add = (code: PolicyViolationCode, message: string, actual: number, limit: number): void => void v.push({ code, message, actual, limit });
  if (q.eyeDistance < p.minEyeDistance) add('FACE_TOO_SMALL', `The face is too small (${q.eyeDistance.toFixed(0)} px between the eyes, need ${p.minEyeDistance}). Move closer or use a higher-resolution photo.`, q.eyeDistance, p.minEyeDistance);
  if (Math.abs(face.pose.yaw) > p.maxYaw) add('POSE_YAW', `The head is turned ${Math.abs(face.pose.yaw).toFixed(0)} degrees sideways (max ${p.maxYaw}). Look straight at the camera.`, Math.abs(face.pose.yaw), p.maxYaw);
  if (Math.abs(face.pose.pitch) > p.maxPitch) add('POSE_PITCH', `The head is tilted ${Math.abs(face.pose.pitch).toFixed(0)} degrees up or down (max ${p.maxPitch}). Keep the head level.`, Math.abs(face.pose.pitch), p.maxPitch);
  if (Math.abs(face.pose.roll) > p.maxRoll) add('POSE_ROLL', `The head is tilted ${Math.abs(face.pose.roll).toFixed(0)} degrees sideways (max ${p.maxRoll}). Hold the head upright.`, Math.abs(face.pose.roll), p.maxRoll);
  if (face.score < p.minDetectionScore) add('LOW_DETECTION_SCORE', `The face is hard to detect (score ${face.score.toFixed(2)}). Use a clear, unobstructed, frontal photo.`, face.score, p.minDetectionScore);
  if (q.sharpness < p.minSharpness) add('BLURRY', 'The face is blurry. Hold the camera still and make sure the face is in focus.', q.sharpness, p.minSharpness);
  if (q.brightness < p.brightness.min) add('TOO_DARK', 'The face is too dark. Add light in front of the person.', q.brightness, p.brightness.min);
  if (q.brightness > p.brightness.max) add('TOO_BRIGHT', 'The face is overexposed. Reduce direct light or flash.', q.brightness, p.brightness.max);
  if (q.contrast < p.minContrast) add('LOW_CONTRAST', 'The face has too little contrast. Use even, brighter lighting.', q.contrast, p.minContrast);
  if (q.score < p.minQualityScore) add('LOW_QUALITY', `Overall face quality ${q.score.toFixed(2)} is below ${p.minQualityScore}. Take a sharper, well-lit, frontal photo.`, q.score, p.minQualityScore);
  if (p.minAntispoof > 0 && (face.spoof.antispoof ?? 0) < p.minAntispoof) add('SPOOF_SUSPECTED', 'The photo may show a printed picture or a screen. Photograph the person directly.', face.spoof.antispoof ?? 0, p.minAntispoof);
  if (p.minLiveness > 0 && (face.spoof.liveness ?? 0) < p.minLiveness) add('NOT_LIVE', 'The face does not look live. Photograph the person directly, not a picture of them.', face.spoof.liveness ?? 0, p.minLiveness);
  if (p.requireSingleFace && facesInImage > 1) add('MULTIPLE_FACES', `The photo shows ${facesInImage} faces. Use a photo with only the person being enrolled.`, facesInImage, 1);
  return { accepted: v.length === 0, violations: v };
}
