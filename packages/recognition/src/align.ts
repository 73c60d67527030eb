/** A 2-D point [x, y] in pixels. */
export type Point2 = [number, number];

/**
 * Five facial landmarks in a fixed order: subject's right eye centre (image left), left eye centre,
 * nose tip, right mouth corner, left mouth corner (InsightFace order).
 */
export type FivePoints = [Point2, Point2, Point2, Point2, Point2];

/**
 * 2x3 affine matrix [a, b, tx, c, d, ty] mapping (x, y) to (a*x + b*y + tx, c*x + d*y + ty).
 * A similarity transform has a = s*cos, b = -s*sin, c = s*sin, d = s*cos.
 */
export type Affine = [number, number, number, number, number, number];

/** Canonical landmark positions for an aligned crop of `size` x `size` pixels. */
export interface AlignTemplate {
  /** Crop side in pixels. */
  size: number;
  /** Where the five landmarks land in the crop. */
  points: FivePoints;
}

/** ArcFace / InsightFace reference landmarks for a 112 px crop. */
const ARCFACE_112: FivePoints = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** ArcFace template scaled to `size` px (112 and 224 are the sizes the shipped models use). */
export function arcfaceTemplate(size: number): AlignTemplate {
  const k = size / 112;
  return { size, points: ARCFACE_112.map(([x, y]) => [x * k, y * k]) as FivePoints };
}

/**
 * dlib's face chip (get_face_chip_details): the mean-face landmarks of dlib's 68-point model, normalised
 * to 0..1, mapped to five points (eye centres = mean of each eye's six points, nose tip 30, mouth
 * corners 48 and 54), with `padding` added around the face as dlib does. face-api's recognition net
 * (dlib's ResNet) was trained on 150 px chips with padding 0.25.
 */
export function dlibChipTemplate(size = 150, padding = 0.25): AlignTemplate {
  const mean: FivePoints = [
    [0.225492, 0.21599],
    [0.754761, 0.21599],
    [0.490127, 0.515625],
    [0.254149, 0.780233],
    [0.726104, 0.780233],
  ];
  const scale = size / (1 + 2 * padding);
  return { size, points: mean.map(([x, y]) => [(x + padding) * scale, (y + padding) * scale]) as FivePoints };
}

/**
 * dlib's mean face (get_face_chip_details): landmarks 17..67 of its 68-point model, normalised to 0..1.
 * dlib fits all 51 points to place a face chip.
 */
export const DLIB_MEAN_FACE: readonly Point2[] = (() => {
  const x = [
    0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036,
    0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149,
    0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874,
    0.553364, 0.490127, 0.42689,
  ];
  const y = [
    0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805, 0.515625, 0.587326,
    0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099,
    0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746,
    0.784792, 0.824182, 0.831803, 0.824182,
  ];
  return x.map((v, i) => [v, y[i] as number] as Point2);
})();

/** dlib's 51-point mean face placed in a `size` px chip with `padding`, as dlib's get_face_chip_details does. */
export function dlibChipPoints51(size = 150, padding = 0.25): Point2[] {
  const scale = size / (1 + 2 * padding);
  return DLIB_MEAN_FACE.map(([x, y]) => [(x + padding) * scale, (y + padding) * scale]);
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation) mapping `src` onto `dst`
 * (Umeyama 1991, closed form for 2-D). Reflections are excluded.
 */
export function estimateSimilarity(src: readonly Point2[], dst: readonly Point2[]): Affine {
  const n = src.length;
  if (n < 2 || dst.length !== n) throw new Error('estimateSimilarity needs at least two matching point pairs');
  let msx = 0;
  let msy = 0;
  let mdx = 0;
  let mdy = 0;
  for (let i = 0; i < n; i++) {
    const s = src[i] as Point2;
    const d = dst[i] as Point2;
    msx += s[0];
    msy += s[1];
    mdx += d[0];
    mdy += d[1];
  }
  msx /= n;
  msy /= n;
  mdx /= n;
  mdy /= n;
  let sxx = 0;
  let sxy = 0;
  let varS = 0;
  for (let i = 0; i < n; i++) {
    const s = src[i] as Point2;
    const d = dst[i] as Point2;
    const ux = s[0] - msx;
    const uy = s[1] - msy;
    const vx = d[0] - mdx;
    const vy = d[1] - mdy;
    sxx += ux * vx + uy * vy;
    sxy += ux * vy - uy * vx;
    varS += ux * ux + uy * uy;
  }
  if (varS === 0) throw new Error('estimateSimilarity: source points are all identical');
  const a = sxx / varS;
  const b = sxy / varS;
  return [a, -b, mdx - (a * msx - b * msy), b, a, mdy - (b * msx + a * msy)];
}

/** Applies an affine matrix to a point. */
export function applyAffine(m: Affine, [x, y]: Point2): Point2 {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** Inverse of an invertible affine matrix. */
export function invertAffine(m: Affine): Affine {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-12) throw new Error('invertAffine: matrix is singular');
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

/** Scale factor of a similarity matrix (crop pixels per image pixel). */
export function affineScale(m: Affine): number {
  return Math.hypot(m[0], m[3]);
}

/** Image-to-crop transform that puts `landmarks` onto `template`. */
export function alignmentTransform(landmarks: FivePoints, template: AlignTemplate): Affine {
  return estimateSimilarity(landmarks, template.points);
}

/**
 * Warps packed RGB `image` into a `size` x `size` crop with bilinear sampling, where `m` maps image
 * to crop coordinates. Pixels falling outside the image are filled with `fill` (0..255).
 * Returns packed RGB floats in 0..255.
 */
export function warpAffine(image: { data: Uint8Array; width: number; height: number }, m: Affine, size: number, fill = 0): Float32Array {
  const inv = invertAffine(m);
  const { data, width, height } = image;
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      const sx = inv[0] * cx + inv[1] * cy + inv[2] - 0.5;
      const sy = inv[3] * cx + inv[4] * cy + inv[5] - 0.5;
      const o = (y * size + x) * 3;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= width || y0 >= height) {
        out[o] = fill;
        out[o + 1] = fill;
        out[o + 2] = fill;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      for (let ch = 0; ch < 3; ch++) {
        const p00 = x0 >= 0 && y0 >= 0 ? (data[(y0 * width + x0) * 3 + ch] as number) : fill;
        const p10 = x0 + 1 < width && y0 >= 0 ? (data[(y0 * width + x0 + 1) * 3 + ch] as number) : fill;
        const p01 = x0 >= 0 && y0 + 1 < height ? (data[((y0 + 1) * width + x0) * 3 + ch] as number) : fill;
        const p11 = x0 + 1 < width && y0 + 1 < height ? (data[((y0 + 1) * width + x0 + 1) * 3 + ch] as number) : fill;
        out[o + ch] = (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
      }
    }
  }
  return out;
}

/** Horizontal mirror of a packed RGB float crop. */
export function mirrorCrop(crop: Float32Array, size: number): Float32Array {
  const out = new Float32Array(crop.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = (y * size + x) * 3;
      const d = (y * size + (size - 1 - x)) * 3;
      out[d] = crop[s] as number;
      out[d + 1] = crop[s + 1] as number;
      out[d + 2] = crop[s + 2] as number;
    }
  }
  return out;
}
