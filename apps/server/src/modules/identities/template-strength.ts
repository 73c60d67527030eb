// Template strength: how well an identity's enrolled faces cover the person for identify, from the
// quality JSON each face got at enrollment (no extra engine run). A face is good when the engine's
// overall quality score (`quality.score`, 0..1, the product of its size, sharpness, exposure, contrast,
// pose and detection factors) is at least GOOD_FACE_SCORE. Not "no reasons": the reasons flag a face
// just under a soft limit (an LFW face with 38 px between the eyes is SMALL_FACE at score 0.99), and
// about half of the LFW photos the README's measurement enrolled carry one. Pose spread is the range of
// the head yaw and pitch the engine measured (Human's face mesh, `quality.pose`, degrees) over the
// good faces. The level counts good faces against RECOMMENDED_FACES: on LFW dev data, enrolling 3
// photos instead of 1 cut the missed people at 1% false matches from 22.8% to 7.6% with the shipped
// scoring (packages/recognition/README.md, "Open-set identification", K = 1 vs K = 3). Pose spread was
// not measured on its own, so it only picks the advice (another angle), never the level.

/** Good photos recommended per identity (K = 3 of the README's measurement). */
export const RECOMMENDED_FACES = 3;

/**
 * Quality score from which a face counts as good: on 60 LFW photos (the first 3 of the first 20 people
 * with 4+ photos) 53 reach it; the 7 below are very blurred or small (scores 0.07-0.69).
 */
export const GOOD_FACE_SCORE = 0.75;

/** Below this yaw and pitch range (degrees) the good photos count as taken from the same angle. */
export const SAME_ANGLE_DEGREES = 10;

export type TemplateLevel = 'WEAK' | 'FAIR' | 'STRONG';

export interface TemplateStrength {
  /** WEAK: fewer than 2 good faces; FAIR: 2; STRONG: RECOMMENDED_FACES or more. */
  level: TemplateLevel;
  /** Enrolled faces. */
  faces: number;
  /** Enrolled faces whose quality score is at least GOOD_FACE_SCORE. */
  goodFaces: number;
  recommendedFaces: number;
  /** Largest minus smallest yaw of the good faces, degrees (0 with fewer than two). */
  yawSpread: number;
  /** Largest minus smallest pitch of the good faces, degrees (0 with fewer than two). */
  pitchSpread: number;
  /** What to do, in words; null when nothing needs doing. */
  hint: string | null;
}

interface Measured {
  good: boolean;
  yaw: number | null;
  pitch: number | null;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** What a face's stored quality JSON says; a face without a readable one counts as not good. */
function measure(quality: unknown): Measured {
  if (typeof quality !== 'object' || quality === null || Array.isArray(quality)) {
    return { good: false, yaw: null, pitch: null };
  }
  const { score, pose } = quality as { score?: unknown; pose?: unknown };
  const angles = (typeof pose === 'object' && pose !== null ? pose : {}) as {
    yaw?: unknown;
    pitch?: unknown;
  };
  return {
    good: (finite(score) ?? 0) >= GOOD_FACE_SCORE,
    yaw: finite(angles.yaw),
    pitch: finite(angles.pitch),
  };
}

function spread(values: number[]): number {
  return values.length < 2 ? 0 : Math.max(...values) - Math.min(...values);
}

function photos(n: number): string {
  return `${n} ${n === 1 ? 'photo' : 'photos'}`;
}

/** The strength of a template made of these faces (each with the quality JSON stored at enrollment). */
export function templateStrength(faces: ReadonlyArray<{ quality: unknown }>): TemplateStrength {
  const measured = faces.map((face) => measure(face.quality));
  const good = measured.filter((face) => face.good);
  const yawSpread = spread(good.flatMap((face) => (face.yaw === null ? [] : [face.yaw])));
  const pitchSpread = spread(good.flatMap((face) => (face.pitch === null ? [] : [face.pitch])));
  const goodFaces = good.length;
  const level: TemplateLevel = goodFaces >= RECOMMENDED_FACES ? 'STRONG' : goodFaces === 2 ? 'FAIR' : 'WEAK';
  return {
    level,
    faces: faces.length,
    goodFaces,
    recommendedFaces: RECOMMENDED_FACES,
    yawSpread,
    pitchSpread,
    hint: hintOf(goodFaces, faces.length - goodFaces, Math.max(yawSpread, pitchSpread)),
  };
}

function hintOf(goodFaces: number, poorFaces: number, poseSpread: number): string | null {
  if (goodFaces >= RECOMMENDED_FACES) return null;
  const missing = RECOMMENDED_FACES - goodFaces;
  const poor =
    poorFaces > 0
      ? ` (${photos(poorFaces)} of poor quality ${poorFaces === 1 ? 'does' : 'do'} not count)`
      : '';
  if (goodFaces === 0) {
    return `0 of ${RECOMMENDED_FACES} recommended photos${poor}: add ${photos(missing)}, facing the camera, sharp and well lit.`;
  }
  const angle =
    goodFaces >= 2 && poseSpread < SAME_ANGLE_DEGREES
      ? 'from another angle (these face the camera the same way)'
      : 'from another angle or day';
  return `${goodFaces} of ${RECOMMENDED_FACES} recommended photos${poor}: add ${missing === 1 ? 'a photo' : photos(missing)} ${angle}.`;
}
