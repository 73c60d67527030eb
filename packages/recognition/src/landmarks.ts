import type { FivePoints, Point2 } from './align.js';

/** Mesh indices (MediaPipe 468-point topology) of the contours the five landmarks are built from. */
export const MESH_INDEX = {
  /** Subject's right eye: outer corner, inner corner, upper lid, lower lid (image left on a frontal face). */
  rightEye: [33, 133, 159, 145],
  /** Subject's left eye: inner corner, outer corner, upper lid, lower lid. */
  leftEye: [362, 263, 386, 374],
  /** Nose tip. */
  noseTip: 1,
  /** Subject's right mouth corner. */
  rightMouth: 61,
  /** Subject's left mouth corner. */
  leftMouth: 291,
} as const;

/**
 * Mesh index for each of dlib's landmarks 17..67 (brows, nose, eyes, mouth), matched by mean residual on
 * frontal LFW faces; lets the 468-point mesh place dlib's face chip with all 51 points.
 */
export const MESH_TO_DLIB51 = [
  70, 63, 105, 66, 107, 336, 296, 334, 293, 300, 168, 197, 5, 4, 98, 97, 2, 326, 327, 33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380, 61, 40, 37, 0, 267,
  270, 291, 321, 314, 17, 84, 91, 78, 82, 13, 312, 308, 317, 14, 87,
] as const;

/** The 51 mesh points that correspond to dlib's landmarks 17..67, in image pixels. */
export function dlib51FromMesh(mesh: readonly (readonly number[])[]): Point2[] {
  return MESH_TO_DLIB51.map((i) => meshPoint(mesh, i));
}

/** MediaPipe face-oval (silhouette) indices in drawing order; the polygon outlines the face region. */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234,
  127, 162, 21, 54, 103, 67, 109,
] as const;

function meshPoint(mesh: readonly (readonly number[])[], index: number): Point2 {
  const p = mesh[index];
  if (!p || p.length < 2) throw new Error(`mesh has no point ${index}`);
  return [p[0] as number, p[1] as number];
}

function centroid(mesh: readonly (readonly number[])[], indices: readonly number[]): Point2 {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    const p = meshPoint(mesh, i);
    x += p[0];
    y += p[1];
  }
  return [x / indices.length, y / indices.length];
}

/** Five landmarks (eye centres, nose tip, mouth corners) from a 468-point mesh in image pixels. */
export function fivePointsFromMesh(mesh: readonly (readonly number[])[]): FivePoints {
  return [
    centroid(mesh, MESH_INDEX.rightEye),
    centroid(mesh, MESH_INDEX.leftEye),
    meshPoint(mesh, MESH_INDEX.noseTip),
    meshPoint(mesh, MESH_INDEX.rightMouth),
    meshPoint(mesh, MESH_INDEX.leftMouth),
  ];
}

/** The face region as a closed polygon (image pixels) from the mesh's face oval. */
export function faceOvalPolygon(mesh: readonly (readonly number[])[]): Point2[] {
  return FACE_OVAL.map((i) => meshPoint(mesh, i));
}

/** Even-odd point-in-polygon test. */
export function isInsidePolygon([x, y]: Point2, polygon: readonly Point2[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as Point2;
    const [xj, yj] = polygon[j] as Point2;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Rasterises a polygon into a width x height mask (1 inside, 0 outside), sampling pixel centres.
 * Use it to cut the face out of an image or an aligned crop.
 */
export function polygonMask(polygon: readonly Point2[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const xs: number[] = [];
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
      const [xi, yi] = polygon[i] as Point2;
      const [xj, yj] = polygon[j] as Point2;
      if (yi > cy !== yj > cy) xs.push(((xj - xi) * (cy - yi)) / (yj - yi) + xi);
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil((xs[k] as number) - 0.5));
      const to = Math.min(width - 1, Math.floor((xs[k + 1] as number) - 0.5));
      for (let x = from; x <= to; x++) mask[y * width + x] = 1;
    }
  }
  return mask;
}

/** Sets every pixel of a packed RGB float crop outside `mask` to `fill`. */
export function blankOutside(crop: Float32Array, mask: Uint8Array, fill = 0): Float32Array {
  const out = new Float32Array(crop);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) {
      out[i * 3] = fill;
      out[i * 3 + 1] = fill;
      out[i * 3 + 2] = fill;
    }
  }
  return out;
}

/** Mask (1 = face) of a face's polygon over a width x height image, e.g. to cut the face out of the photo. */
export function faceMask(face: { polygon?: readonly { x: number; y: number }[] }, width: number, height: number): Uint8Array {
  if (!face.polygon) throw new Error('The face has no polygon; analyze with { polygon: true } (the default).');
  return polygonMask(face.polygon.map((p) => [p.x, p.y] as Point2), width, height);
}
