import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { moduleLogger } from '../logger.js';
import type { Embedder } from '../models/embedder.js';
import { FACEAPI_RESNET_MEAN_RGB } from '../models/faceapi-resnet.js';
import { readVerifiedWeights, type EmbeddingModelInfo } from '../models/registry.js';
import { concatWeights } from '../models/weights-manifest.js';
import { tf } from '../runtime/backend.js';
import { createOnnxEmbedder, DEFAULT_ONNX_RUNTIME, type OnnxInputSpec, type OnnxRuntimeOptions } from './onnx-embedder.js';
import { OnnxGraphBuilder } from './onnx-graph.js';

const log = moduleLogger('faceapi-resnet-onnx');

/** Bumped whenever the graph this file writes changes, so caches of an older graph are rebuilt. */
const GRAPH_VERSION = 1;

/** Where built graphs are cached when the configuration names no folder. */
export function defaultOnnxCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'faceledger', 'onnx');
}

/** The input of dlib's ResNet: RGB minus dlib's mean, divided by 256, NCHW. */
export function faceApiResnetInput(info: EmbeddingModelInfo): OnnxInputSpec {
  const [r, g, b] = FACEAPI_RESNET_MEAN_RGB;
  return { inputSize: info.inputSize, layout: 'NCHW', colourOrder: 'RGB', mean: [r, g, b], std: [256, 256, 256], dims: info.dims };
}

/** Decoded (and dequantised) float32 weights by name, with their tfjs shapes. */
type Weights = Map<string, { data: Float32Array; shape: number[] }>;

async function decodeFaceApiWeights(info: EmbeddingModelInfo): Promise<Weights> {
  const files = await readVerifiedWeights(info);
  const manifestFile = info.weights.find((w) => w.file.endsWith('.json'));
  const manifest = JSON.parse((files.get(manifestFile?.file ?? '') ?? Buffer.from('[]')).toString('utf8')) as tf.io.WeightsManifestConfig;
  const [specs, buffer] = await concatWeights(manifest, (shard) => {
    const bytes = files.get(shard);
    if (!bytes) throw new Error(`face-api manifest names ${shard}, which is not registered`);
    return bytes;
  });
  const tensors = tf.io.decodeWeights(buffer, specs);
  const out: Weights = new Map();
  for (const [name, t] of Object.entries(tensors)) {
    out.set(name, { data: t.dataSync() as Float32Array, shape: t.shape });
    t.dispose();
  }
  return out;
}

/**
 * One conv + dlib scale layer as ONNX Conv weights: (conv(x, W) + b) * s + t = conv(x, W * s) + (b * s + t),
 * the same fold (in float32) that faceapi-resnet.ts does at load; tfjs HWIO filters become ONNX's OIHW.
 */
function foldedConv(weights: Weights, prefix: string): { filters: Float32Array; dims: number[]; bias: Float32Array } {
  const take = (name: string): { data: Float32Array; shape: number[] } => {
    const w = weights.get(`${prefix}/${name}`);
    if (!w) throw new Error(`face-api weights lack ${prefix}/${name}`);
    return w;
  };
  const filters = take('conv/filters');
  const bias = take('conv/bias').data;
  const scale = take('scale/weights').data;
  const shift = take('scale/biases').data;
  const [kh, kw, cin, cout] = filters.shape as [number, number, number, number];
  const oihw = new Float32Array(filters.data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          oihw[((o * cin + i) * kh + y) * kw + x] = Math.fround((filters.data[((y * kw + x) * cin + i) * cout + o] as number) * (scale[o] as number));
        }
      }
    }
  }
  const folded = new Float32Array(cout);
  for (let o = 0; o < cout; o++) folded[o] = Math.fround(Math.fround((bias[o] as number) * (scale[o] as number)) + (shift[o] as number));
  return { filters: oihw, dims: [cout, cin, kh, kw], bias: folded };
}

/**
 * Writes dlib's ResNet-29 (face-api's weights, checksums verified) as an ONNX graph: the network of
 * faceapi-resnet.ts op for op, NCHW, input [batch, 3, 150, 150] already normalised, output [batch, 128].
 */
export async function buildFaceApiResnetOnnx(info: EmbeddingModelInfo): Promise<Uint8Array> {
  const weights = await decodeFaceApiWeights(info);
  const g = new OnnxGraphBuilder('dlib-resnet29-faceapi');
  let size = info.inputSize;
  let channels = 3;

  const conv = (x: string, prefix: string, stride: 1 | 2, relu: boolean, padding: 'same' | 'valid'): string => {
    const { filters, dims, bias } = foldedConv(weights, prefix);
    const k = dims[2] as number;
    const pad = padding === 'same' ? (k - 1) / 2 : 0;
    const out = g.node('Conv', [x, g.constant(`${prefix}/filters`, filters, dims), g.constant(`${prefix}/bias`, bias, [dims[0] as number])], { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] }, `${prefix}/conv`);
    return relu ? g.node('Relu', [out], {}, `${prefix}/relu`) : out;
  };
  const residual = (x: string, prefix: string): string => {
    let out = conv(x, `${prefix}/conv1`, 1, true, 'same');
    out = conv(out, `${prefix}/conv2`, 1, false, 'same');
    return g.node('Relu', [g.node('Add', [out, x])], {}, `${prefix}/out`);
  };
  const residualDown = (x: string, prefix: string): string => {
    const k = 3;
    const convSize = Math.floor((size - k) / 2) + 1;
    const poolSize = Math.floor((size - 2) / 2) + 1;
    const outChannels = (weights.get(`${prefix}/conv1/conv/filters`)?.shape[3] ?? 0) as number;
    let out = conv(x, `${prefix}/conv1`, 2, true, 'valid');
    out = conv(out, `${prefix}/conv2`, 1, false, 'same');
    let pooled = g.node('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] }, `${prefix}/pool`);
    // as faceapi-resnet.ts: a conv branch one pixel smaller gets a zero row and column at the end, and
    // the pooled shortcut zero channels up to the conv branch's channel count
    if (poolSize !== convSize) out = g.node('Pad', [out, g.int64Constant(`${prefix}/pad_hw`, [0, 0, 0, 0, 0, 0, poolSize - convSize, poolSize - convSize])]);
    if (outChannels !== channels) pooled = g.node('Pad', [pooled, g.int64Constant(`${prefix}/pad_c`, [0, 0, 0, 0, 0, outChannels - channels, 0, 0])]);
    size = poolSize;
    channels = outChannels;
    return g.node('Relu', [g.node('Add', [pooled, out])], {}, `${prefix}/out`);
  };

  let x = g.input('input', ['batch', 3, size, size]);
  x = conv(x, 'conv32_down', 2, true, 'valid');
  size = Math.floor((size - 7) / 2) + 1;
  channels = 32;
  x = g.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2] }, 'maxpool');
  size = Math.floor((size - 3) / 2) + 1;
  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(x, p);
  x = residualDown(x, 'conv64_down');
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(x, p);
  x = residualDown(x, 'conv128_down');
  for (const p of ['conv128_1', 'conv128_2']) x = residual(x, p);
  x = residualDown(x, 'conv256_down');
  for (const p of ['conv256_1', 'conv256_2']) x = residual(x, p);
  x = residualDown(x, 'conv256_down_out');
  x = g.node('Flatten', [g.node('GlobalAveragePool', [x])], { axis: 1 });
  const fc = weights.get('fc');
  if (!fc) throw new Error('face-api weights lack fc');
  x = g.node('MatMul', [x, g.constant('fc', fc.data, fc.shape)]);
  g.output(x, 'embedding', ['batch', info.dims]);
  return g.build();
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The ONNX graph of dlib's ResNet, from the cache when a valid copy is there, else built from the
 * checksummed weights and cached. The cache file is named by the weights' SHA-256s (and the graph
 * version) and has its own SHA-256 beside it: a missing, truncated or altered copy is rebuilt. A cache
 * folder that cannot be written only costs the build at the next start.
 */
export async function faceApiResnetOnnxModel(info: EmbeddingModelInfo, cacheDir = defaultOnnxCacheDir()): Promise<{ bytes: Uint8Array; from: 'cache' | 'built'; file: string }> {
  const key = sha256(`${GRAPH_VERSION}:${info.weights.map((w) => w.sha256).join(':')}`).slice(0, 32);
  const file = path.join(cacheDir, `${info.id}-${key}.onnx`);
  const sumFile = `${file}.sha256`;
  // the weights were verified when the cache was written; check them again so a replaced weights
  // package is refused exactly as on the tfjs engine
  await readVerifiedWeights(info);
  try {
    const [bytes, sum] = await Promise.all([readFile(file), readFile(sumFile, 'utf8')]);
    if (sha256(bytes) === sum.trim()) return { bytes, from: 'cache', file };
    log.warn({ file }, 'cached ONNX graph does not match its checksum; rebuilding it');
  } catch (error) {
    // not cached yet, or the folder cannot be read: build it (writing may fail too, which only costs time)
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: error, file }, 'cannot read the cached ONNX graph; building it');
  }
  const started = performance.now();
  const bytes = await buildFaceApiResnetOnnx(info);
  try {
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
    await writeFile(sumFile, `${sha256(bytes)}\n`);
  } catch (error) {
    log.warn({ err: error, cacheDir }, 'could not cache the ONNX graph; it will be built again at the next start');
  }
  log.info({ model: info.id, file, ms: Math.round(performance.now() - started), bytes: bytes.length }, 'built the ONNX graph of the face-api ResNet');
  return { bytes, from: 'built', file };
}

/** dlib's ResNet on ONNX Runtime: the cached (or freshly built) graph of the shipped weights. */
export async function loadFaceApiResnetOnnx(info: EmbeddingModelInfo, runtime: OnnxRuntimeOptions = DEFAULT_ONNX_RUNTIME, cacheDir?: string): Promise<Embedder> {
  const { bytes } = await faceApiResnetOnnxModel(info, cacheDir || undefined);
  return createOnnxEmbedder(info, bytes, faceApiResnetInput(info), runtime);
}
