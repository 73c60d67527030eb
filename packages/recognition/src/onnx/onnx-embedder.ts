import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { RecognitionError, RecognitionErrorCode } from '../errors.js';
import { moduleLogger } from '../logger.js';
import type { Embedder } from '../models/embedder.js';
import type { EmbeddingModelInfo } from '../models/registry.js';
import { packageDir } from '../runtime/paths.js';

const log = moduleLogger('onnx-embedder');

/** Where ONNX Runtime runs a model: the bundled CPU library, or CUDA when an operator installed its provider. */
export type OnnxExecutionProvider = 'cpu' | 'cuda';

/** How ONNX Runtime runs embedders. */
export interface OnnxRuntimeOptions {
  /** Execution provider; 'cuda' needs onnxruntime-node's CUDA provider files (see README). */
  executionProvider: OnnxExecutionProvider;
  /** Threads one inference may use (ONNX Runtime's intra-op pool); 0 lets ONNX Runtime choose (all cores). */
  intraOpThreads: number;
}

/** How aligned RGB 0..255 crops become the network's input tensor. */
export interface OnnxInputSpec {
  /** Side in pixels of the square input. */
  inputSize: number;
  /** Tensor layout of the input: NCHW (PyTorch exports) or NHWC (TensorFlow exports). */
  layout: 'NCHW' | 'NHWC';
  /** Channel order the network expects (OpenCV-trained models often want BGR). */
  colourOrder: 'RGB' | 'BGR';
  /** Per-channel value subtracted from 0..255 pixels, in the network's channel order. */
  mean: readonly [number, number, number];
  /** Per-channel divisor applied after the mean, in the network's channel order. */
  std: readonly [number, number, number];
  /** Embedding length of the output. */
  dims: number;
}

/** Default runtime options: CPU, one intra-op thread (each worker thread runs its own session). */
export const DEFAULT_ONNX_RUNTIME: OnnxRuntimeOptions = { executionProvider: 'cpu', intraOpThreads: 1 };

let ortLoading: Promise<typeof Ort> | undefined;

/** Imports onnxruntime-node once; BACKEND_UNAVAILABLE when the package or its native library cannot load. */
export function loadOnnxRuntime(): Promise<typeof Ort> {
  ortLoading ??= import('onnxruntime-node')
    .then((mod) => (mod as unknown as { default?: typeof Ort }).default ?? (mod as unknown as typeof Ort))
    .catch((error: unknown) => {
      ortLoading = undefined;
      throw new RecognitionError(RecognitionErrorCode.BACKEND_UNAVAILABLE, `ONNX Runtime (onnxruntime-node) cannot be loaded: ${error instanceof Error ? error.message : String(error)}. Run npm install at the repository root, or set the embedder runtime to 'tfjs'.`, { runtime: 'onnx' }, { cause: error });
    });
  return ortLoading;
}

/**
 * True when this onnxruntime-node build can run the execution provider: the binding knows it and, when
 * the provider is not bundled (CUDA on linux-x64), its library sits beside the binding.
 */
export async function isExecutionProviderAvailable(provider: OnnxExecutionProvider): Promise<boolean> {
  if (provider === 'cpu') return true;
  const ort = await loadOnnxRuntime();
  const backend = ort.listSupportedBackends().find((b) => b.name === provider);
  if (!backend) return false;
  if (backend.bundled) return true;
  const binDir = path.join(packageDir('onnxruntime-node'), 'bin', 'napi-v6', process.platform, process.arch);
  return existsSync(path.join(binDir, `libonnxruntime_providers_${provider}.so`)) || existsSync(path.join(binDir, `onnxruntime_providers_${provider}.dll`));
}

/** Session options for one embedder; refuses CUDA with a clear message when its provider is absent. */
async function sessionOptions(runtime: OnnxRuntimeOptions): Promise<Ort.InferenceSession.SessionOptions> {
  if (runtime.executionProvider === 'cuda' && !(await isExecutionProviderAvailable('cuda'))) {
    throw new RecognitionError(
      RecognitionErrorCode.BACKEND_UNAVAILABLE,
      "ONNX Runtime's CUDA execution provider is not installed (installs skip its download to stay offline). Install it with `npm rebuild onnxruntime-node --allow-scripts=onnxruntime-node --onnxruntime-node-install=cuda12` on a machine with CUDA 12 and internet access, or set the ONNX execution provider to 'cpu'.",
      { runtime: 'onnx', executionProvider: 'cuda' },
    );
  }
  return {
    executionProviders: runtime.executionProvider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    intraOpNumThreads: runtime.intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

function modelError(info: EmbeddingModelInfo, problem: string, details: Record<string, unknown> = {}, cause?: unknown): RecognitionError {
  return new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, `ONNX model '${info.id}' ${problem}`, { model: info.id, ...details }, cause === undefined ? undefined : { cause });
}

function expectedInputShape(input: OnnxInputSpec): number[] {
  const s = input.inputSize;
  return input.layout === 'NCHW' ? [3, s, s] : [s, s, 3];
}

/**
 * Checks the session's declared input against the description (a model exported for another size or
 * layout is refused at load, not on the first photo); returns the fixed batch size, if the model has one.
 */
function checkInput(info: EmbeddingModelInfo, session: Ort.InferenceSession, input: OnnxInputSpec): number | undefined {
  if (session.inputNames.length !== 1) throw modelError(info, `has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); an embedder takes one image tensor.`);
  const meta = session.inputMetadata[0];
  if (!meta || !meta.isTensor) throw modelError(info, 'has a non-tensor input; an embedder takes one float32 image tensor.');
  if (meta.type !== 'float32') throw modelError(info, `takes a ${meta.type} input; FaceLedger feeds float32 images.`, { inputType: meta.type });
  const declared = meta.shape;
  const want = expectedInputShape(input);
  const fixed = declared.slice(1).map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
  const mismatch = declared.length !== 4 || fixed.some((d, i) => d !== undefined && d !== want[i]);
  if (mismatch) {
    throw modelError(info, `takes input shape [${declared.join(', ')}], but its description says ${input.layout} [batch, ${want.join(', ')}]; fix the manifest's input size or layout to match the model.`, { declaredShape: declared, expectedShape: ['batch', ...want] });
  }
  const batch = declared[0];
  return typeof batch === 'number' && batch > 0 ? batch : undefined;
}

/** Refuses a model none of whose float outputs can hold `dims` values per face (checked where shapes are fixed). */
function checkOutput(info: EmbeddingModelInfo, session: Ort.InferenceSession, dims: number): void {
  const shapes = session.outputMetadata.filter((m) => m.isTensor && m.type === 'float32').map((m) => (m.isTensor ? m.shape : []));
  const fits = (shape: readonly (number | string)[]): boolean => {
    const last = shape.slice(1);
    if (last.some((d) => typeof d !== 'number' || d <= 0)) return true;
    return last.reduce<number>((a, d) => a * (d as number), 1) === dims;
  };
  if (!shapes.some(fits)) {
    throw modelError(info, `gives outputs of shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(', ') || '(none of type float32)'}; its description says ${dims} dimensions per face. Fix the manifest's output dims.`, { dims, outputShapes: shapes });
  }
}

/**
 * Packs RGB 0..255 crops (height x width x 3, row-major) into the network's input: channel order,
 * (x - mean) / std, and NCHW or NHWC.
 */
export function packCrops(crops: readonly Float32Array[], input: OnnxInputSpec): Float32Array {
  const s = input.inputSize;
  const plane = s * s;
  const out = new Float32Array(crops.length * plane * 3);
  const order = input.colourOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let n = 0; n < crops.length; n++) {
    const crop = crops[n] as Float32Array;
    if (crop.length !== plane * 3) throw new Error(`crop ${n} has ${crop.length} values; expected ${plane * 3} (${s} x ${s} x 3)`);
    const base = n * plane * 3;
    for (let c = 0; c < 3; c++) {
      const src = order[c] as number;
      const mean = input.mean[c] as number;
      const scale = 1 / (input.std[c] as number);
      if (input.layout === 'NCHW') {
        const dst = base + c * plane;
        for (let p = 0; p < plane; p++) out[dst + p] = ((crop[p * 3 + src] as number) - mean) * scale;
      } else {
        for (let p = 0; p < plane; p++) out[base + p * 3 + c] = ((crop[p * 3 + src] as number) - mean) * scale;
      }
    }
  }
  return out;
}

/** An embedder running one ONNX model on ONNX Runtime. */
class OnnxEmbedder implements Embedder {
  constructor(
    readonly info: EmbeddingModelInfo,
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    private readonly input: OnnxInputSpec,
    private readonly fixedBatch: number | undefined,
  ) {}

  async embed(crops: readonly Float32Array[]): Promise<Float32Array[]> {
    if (crops.length === 0) return [];
    if (this.fixedBatch === undefined) return this.run(crops);
    const out: Float32Array[] = [];
    for (let i = 0; i < crops.length; i += this.fixedBatch) {
      const chunk = crops.slice(i, i + this.fixedBatch);
      const padded = chunk.length < this.fixedBatch ? [...chunk, ...Array.from({ length: this.fixedBatch - chunk.length }, () => chunk[0] as Float32Array)] : chunk;
      out.push(...(await this.run(padded)).slice(0, chunk.length));
    }
    return out;
  }

  private async run(crops: readonly Float32Array[]): Promise<Float32Array[]> {
    const { inputSize: s, dims } = this.input;
    const shape = this.input.layout === 'NCHW' ? [crops.length, 3, s, s] : [crops.length, s, s, 3];
    const feed = new this.ort.Tensor('float32', packCrops(crops, this.input), shape);
    const results = await this.session.run({ [this.session.inputNames[0] as string]: feed });
    try {
      const tensors = this.session.outputNames.map((name) => results[name]).filter((t): t is Ort.Tensor => t !== undefined);
      const vector = tensors.find((t) => t.type === 'float32' && t.size === crops.length * dims);
      if (!vector) {
        throw modelError(this.info, `produced outputs of shapes ${tensors.map((t) => `[${t.dims.join(', ')}]`).join(', ')} for ${crops.length} faces; its description says ${dims} dimensions per face. Fix the manifest's output dims.`, { dims });
      }
      const data = vector.data as Float32Array;
      return crops.map((_, i) => data.slice(i * dims, (i + 1) * dims));
    } finally {
      feed.dispose();
      for (const t of Object.values(results)) t.dispose();
    }
  }

  dispose(): void {
    void this.session.release().catch((error: unknown) => log.warn({ err: error, model: this.info.id }, 'session release failed'));
  }
}

/**
 * Creates an embedder from ONNX model bytes and the model's description. The model must take one float32
 * image tensor ([batch, 3, S, S] or [batch, S, S, 3]) and give a float32 output of `dims` values per face.
 * Unreadable models and shape mismatches fail with MODEL_UNAVAILABLE; a missing runtime or CUDA provider
 * with BACKEND_UNAVAILABLE.
 */
export async function createOnnxEmbedder(info: EmbeddingModelInfo, model: Uint8Array, input: OnnxInputSpec, runtime: OnnxRuntimeOptions = DEFAULT_ONNX_RUNTIME): Promise<Embedder> {
  if (input.dims !== info.dims || input.inputSize !== info.inputSize) {
    throw modelError(info, `is described twice inconsistently: input ${input.inputSize} px / ${input.dims} dims against the registry's ${info.inputSize} px / ${info.dims} dims.`);
  }
  const ort = await loadOnnxRuntime();
  const options = await sessionOptions(runtime);
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, options);
  } catch (error) {
    if (runtime.executionProvider === 'cuda') {
      throw new RecognitionError(RecognitionErrorCode.BACKEND_UNAVAILABLE, `ONNX Runtime could not start model '${info.id}' on CUDA: ${error instanceof Error ? error.message : String(error)}. Check the CUDA 12 and cuDNN 9 libraries, or set the ONNX execution provider to 'cpu'.`, { model: info.id, runtime: 'onnx', executionProvider: 'cuda' }, { cause: error });
    }
    throw modelError(info, `cannot be loaded by ONNX Runtime: ${error instanceof Error ? error.message : String(error)}. Check that the file is a complete ONNX model (opset 7..23).`, {}, error);
  }
  try {
    const fixedBatch = checkInput(info, session, input);
    checkOutput(info, session, input.dims);
    log.info({ model: info.id, provider: runtime.executionProvider, threads: runtime.intraOpThreads, fixedBatch }, 'onnx embedder ready');
    return new OnnxEmbedder(info, ort, session, input, fixedBatch);
  } catch (error) {
    await session.release();
    throw error;
  }
}
