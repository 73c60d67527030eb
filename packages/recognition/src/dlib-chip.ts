// Places dlib's 150 px face chip from five points as dlib's reference pipeline does: the 5-point
// shape predictor's landmarks (both corners of each eye, the base of the nose) mapped onto the
// template of get_face_chip_details (dlib/image_transforms/interpolation.h), padding 0.25.
// dlib puts pixel centres at integer coordinates; this package puts them at +0.5 (warpAffine), so
// points cross between the two conventions here and nowhere else.
import { estimateSimilarity, type Affine, type Point2 } from './align.js';
import { predictShape, type GreyImage, type PixelRect, type ShapePredictorModel } from './models/dlib-shape-predictor.js';

/** get_face_chip_details' template for the 5-point model, in the unit face square before padding. */
const DLIB_TEMPLATE_5: readonly Point2[] = [
  [0.8595674595992, 0.2134981538014],
  [0.6460604764104, 0.2289674387677],
  [0.1205750620789, 0.2137274526848],
  [0.3340850613712, 0.2290642403242],
  [0.4901123135679, 0.6277975316475],
];

/**
 * Mesh indices (MediaPipe topology) nearest to the predictor's parts, in its order: subject's left
 * eye outer and inner corner (image right), subject's right eye outer and inner corner, nose base.
 */
const MESH_FOR_PARTS = [263, 362, 33, 133, 2] as const;

/** The predictor's five parts read from a 468-point mesh, in this package's pixel convention. */
export function meshParts5(mesh: readonly (readonly number[])[]): Point2[] {
  return MESH_FOR_PARTS.map((i) => {
    const p = mesh[i];
    if (!p || p.length < 2) throw new Error(`mesh has no point ${i}`);
    return [p[0] as number, p[1] as number];
  });
}

/**
 * The square box (dlib convention) that puts the predictor's mean shape closest to `points` (this
 * package's convention): least squares over left, top and side, so the cascade starts where its
 * training boxes put the face.
 */
export function boxForPredictor(model: ShapePredictorModel, points: readonly Point2[]): PixelRect {
  // Unknowns: left, top, s with x = left + s*u, y = top + s*v (dlib coordinates = ours - 0.5).
  let n = 0;
  let su = 0;
  let sv = 0;
  let sx = 0;
  let sy = 0;
  let suu = 0;
  let sux = 0;
  for (let i = 0; i < points.length; i++) {
    const u = model.initialShape[2 * i] as number;
    const v = model.initialShape[2 * i + 1] as number;
    const [px, py] = points[i] as Point2;
    const x = px - 0.5;
    const y = py - 0.5;
    n++;
    su += u;
    sv += v;
    sx += x;
    sy += y;
    suu += u * u + v * v;
    sux += u * x + v * y;
  }
  // Normal equations: left*n + s*su = sx; top*n + s*sv = sy; left*su + top*sv + s*suu = sux.
  const s = (sux - (su * sx + sv * sy) / n) / (suu - (su * su + sv * sv) / n);
  const left = (sx - s * su) / n;
  const top = (sy - s * sv) / n;
  return { left, top, right: left + s, bottom: top + s };
}

/** The predictor's five landmarks (this package's convention) from a box (dlib's convention). */
export function predictParts5In(model: ShapePredictorModel, grey: GreyImage, rect: PixelRect): Point2[] {
  return predictShape(model, grey, rect).map(([x, y]) => [x + 0.5, y + 0.5]);
}

/** The predictor's five landmarks (this package's convention), started from the mesh. */
export function predictParts5(model: ShapePredictorModel, grey: GreyImage, mesh: readonly (readonly number[])[]): Point2[] {
  return predictParts5In(model, grey, boxForPredictor(model, meshParts5(mesh)));
}

/**
 * The detector box of this face among a detector's boxes (dlib's convention): the one containing
 * the middle of the mesh's five parts whose centre is nearest to it; undefined when none contains it.
 */
export function boxOfFace(boxes: readonly PixelRect[], parts: readonly Point2[]): PixelRect | undefined {
  const cx = parts.reduce((sum, p) => sum + p[0], 0) / parts.length - 0.5;
  const cy = parts.reduce((sum, p) => sum + p[1], 0) / parts.length - 0.5;
  let best: PixelRect | undefined;
  let bestDistance = Infinity;
  for (const b of boxes) {
    if (cx < b.left || cx > b.right || cy < b.top || cy > b.bottom) continue;
    const d = Math.hypot((b.left + b.right) / 2 - cx, (b.top + b.bottom) / 2 - cy);
    if (d < bestDistance) {
      bestDistance = d;
      best = b;
    }
  }
  return best;
}

/** Image-to-chip similarity for a `size` px chip with `padding`, from the five parts (this package's convention). */
export function dlibChip5Transform(parts: readonly Point2[], size = 150, padding = 0.25): Affine {
  const k = size / (1 + 2 * padding);
  const template = DLIB_TEMPLATE_5.map(([x, y]) => [(x + padding) * k + 0.5, (y + padding) * k + 0.5] as Point2);
  return estimateSimilarity(parts, template);
}
