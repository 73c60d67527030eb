import { resolveConfig, type DeepPartial, type EmbedderRuntime, type RecognitionConfig } from './config.js';
import { isRecognitionError, RecognitionError, RecognitionErrorCode } from './errors.js';
import { loadOperatorModels, withLoadFailures, type OperatorModelLoadFailure, type OperatorModelsLoad } from './models/operator-models.js';
import { getModelInfo, listModels, registerOperatorModels, unregisterOperatorModels, type EmbeddingModelInfo } from './models/registry.js';
import { Pipeline } from './pipeline.js';
import type { OnnxExecutionProvider } from './onnx/onnx-embedder.js';
import type { BackendName } from './runtime/backend.js';
import { embedderRuntimeOf } from './runtime/embedder-runtime.js';
import type { AnalysisResult, AnalyzeOptions } from './types.js';
import { WorkerPool, type WorkerPoolOptions, type WorkerPoolStatus } from './workers/pool.js';

/** One entry of analyzeMany: the result, or the typed error of that image (one bad image never fails the batch). */
export type BatchItem = { ok: true; result: AnalysisResult } | { ok: false; error: RecognitionError };

/** What an engine runs on; the server shows it on its health endpoint. */
export interface EngineInfo {
  /** TensorFlow.js backend in use. */
  backend: BackendName;
  /** Worker threads (0 = in-process). */
  workers: number;
  /** Registry id of the default embedding model. */
  defaultModel: string;
  /** Dimensions of the default model's embeddings. */
  dims: number;
  /** Every model the engine can run: the shipped ones, then the operator's it registered. */
  models: readonly EmbeddingModelInfo[];
  /** What became of each manifest of `embedding.modelsDir` (registered or refused, and why); null without one. */
  operatorModels?: OperatorModelsLoad | null;
  /** Detector in use. */
  detector: string;
  /** Which engine runs the default model's embedder and, on ONNX Runtime, with which provider and threads. */
  embedder: EmbedderInfo;
}

/** The embedder engine of the default model, as health and the admin's engine settings show it. */
export interface EmbedderInfo {
  /** 'onnx' (ONNX Runtime) or 'tfjs' (TensorFlow.js on `backend`). */
  runtime: EmbedderRuntime;
  /** ONNX Runtime's execution provider; null on TF.js. */
  executionProvider: OnnxExecutionProvider | null;
  /** ONNX Runtime intra-op threads per worker (0: ONNX Runtime's choice); null on TF.js. */
  intraOpThreads: number | null;
}

/** Image in, faces out. Create one per process with createEngine and share it. */
export interface Engine {
  /** Analyses one encoded image (JPEG, PNG, WebP, ...). Rejects with RecognitionError for bad input. */
  analyze(image: Uint8Array, options?: AnalyzeOptions): Promise<AnalysisResult>;
  /** Analyses a batch across the workers; results come back in input order. */
  analyzeMany(images: readonly Uint8Array[], options?: AnalyzeOptions): Promise<BatchItem[]>;
  /** Backend, workers and models. */
  info(): EngineInfo;
  /** Live state of the worker threads (how many are up, why not all); null for in-process engines. */
  workerStatus(): WorkerPoolStatus | null;
  /** Live tensors in the calling thread's backend (in-process engines; leak checks). */
  numTensors(): number | null;
  /** Finishes queued work, then frees workers and models. Further calls reject with ENGINE_CLOSED. */
  close(): Promise<void>;
}

const CLOSED_MESSAGE = 'The recognition engine is closed; create a new engine to analyse more images.';

function toRecognitionError(error: unknown): RecognitionError {
  if (isRecognitionError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RecognitionError(RecognitionErrorCode.WORKER_FAILED, `Analysis failed unexpectedly (${message}); retry, and report the image if it keeps failing.`, {}, { cause: error });
}

class InProcessEngine implements Engine {
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private waiting = 0;

  constructor(
    private readonly config: RecognitionConfig,
    private readonly pipeline: Pipeline,
    private readonly operatorModels: OperatorModelsLoad | null,
    private readonly failedModels: readonly OperatorModelLoadFailure[],
  ) {}

  async analyze(image: Uint8Array, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    if (this.closed) throw new RecognitionError(RecognitionErrorCode.ENGINE_CLOSED, CLOSED_MESSAGE);
    refuseFailedModels(options, this.failedModels);
    while (this.waiting >= this.config.runtime.maxQueue) await this.chain.catch(() => undefined);
    this.waiting++;
    const run = this.chain.then(() => this.pipeline.analyze(image, options));
    this.chain = run.catch(() => undefined).finally(() => this.waiting--);
    return run;
  }

  async analyzeMany(images: readonly Uint8Array[], options: AnalyzeOptions = {}): Promise<BatchItem[]> {
    return settleAll(images.map((img) => this.analyze(img, options)));
  }

  info(): EngineInfo {
    return engineInfo(this.config, this.pipeline.backend, 0, this.operatorModels, this.failedModels);
  }

  workerStatus(): null {
    return null;
  }

  numTensors(): number {
    return this.pipeline.numTensors();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain.catch(() => undefined);
    await this.pipeline.dispose();
  }
}

class PooledEngine implements Engine {
  constructor(
    private readonly config: RecognitionConfig,
    private readonly pool: WorkerPool,
    private readonly operatorModels: OperatorModelsLoad | null,
  ) {}

  async analyze(image: Uint8Array, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    refuseFailedModels(options, this.pool.modelFailures());
    return this.pool.analyze(image, options);
  }

  async analyzeMany(images: readonly Uint8Array[], options: AnalyzeOptions = {}): Promise<BatchItem[]> {
    return settleAll(images.map((img) => this.analyze(img, options)));
  }

  info(): EngineInfo {
    return engineInfo(this.config, this.pool.backend, this.pool.size, this.operatorModels, this.pool.modelFailures());
  }

  workerStatus(): WorkerPoolStatus {
    return this.pool.status();
  }

  numTensors(): null {
    return null;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

async function settleAll(runs: Promise<AnalysisResult>[]): Promise<BatchItem[]> {
  const settled = await Promise.allSettled(runs);
  return settled.map((s) => (s.status === 'fulfilled' ? { ok: true, result: s.value } : { ok: false, error: toRecognitionError(s.reason) }));
}

function engineInfo(
  config: RecognitionConfig,
  backend: BackendName,
  workers: number,
  operatorModels: OperatorModelsLoad | null,
  failed: readonly OperatorModelLoadFailure[],
): EngineInfo {
  const model = getModelInfo(config.embedding.model);
  const runtime = embedderRuntimeOf(model, config.runtime);
  const onnx = runtime === 'onnx' ? config.runtime.onnx : null;
  const embedder: EmbedderInfo = { runtime, executionProvider: onnx?.executionProvider ?? null, intraOpThreads: onnx?.intraOpThreads ?? null };
  const models = listModels().filter((m) => !failed.some((f) => f.id === m.id));
  const reports = operatorModels ? withLoadFailures(operatorModels, failed) : null;
  return { backend, workers, defaultModel: model.id, dims: model.dims, models, operatorModels: reports, detector: config.detector.model, embedder };
}

/** Refuses, before any work, a call naming an operator model that a recognition thread failed to load. */
function refuseFailedModels(options: AnalyzeOptions, failed: readonly OperatorModelLoadFailure[]): void {
  if (failed.length === 0) return;
  for (const id of [options.model, ...(options.extraModels ?? [])]) {
    const failure = failed.find((f) => f.id === id);
    if (failure) {
      throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, `Operator model '${failure.id}' is unavailable (${failure.reason}): ${failure.message}`, { model: failure.id, reason: failure.reason });
    }
  }
}

/** How the worker pool restarts crashed workers and how long images wait for one (see WorkerPoolOptions). */
export interface EngineOptions {
  pool?: WorkerPoolOptions;
  /** The models directory as the caller already checked it (the CLI checks it before it resolves --model); else checked here. */
  operatorModels?: OperatorModelsLoad;
}

/**
 * Checks the operator models of `dir` (see operator-models.ts) and registers the accepted ones in
 * this thread, replacing any registered before; refused ones are only reported.
 */
export async function useOperatorModels(dir: string): Promise<OperatorModelsLoad> {
  const load = await loadOperatorModels(dir);
  registerOperatorModels(load.reports.flatMap((r) => (r.info ? [r.info] : [])));
  return load;
}

/**
 * Creates a recognition engine: validates the configuration, registers the operator models of
 * `embedding.modelsDir` (a refused one is reported in info().operatorModels and does not stop the
 * engine), starts the worker pool (one backend per worker, each with the same operator models;
 * `runtime.workers: 0` runs in the calling thread) and loads the models: every worker loads the
 * default model and each operator model before it reports ready, so no request pays for a load. An
 * operator model a worker cannot load is reported REFUSED with its reason (UNREADABLE_MODEL,
 * MISSING_FILE, CHECKSUM_MISMATCH) and calls naming it fail with MODEL_UNAVAILABLE.
 */
export async function createEngine(config: DeepPartial<RecognitionConfig> = {}, options: EngineOptions = {}): Promise<Engine> {
  const resolved = resolveConfig(config);
  let operatorModels: OperatorModelsLoad | null = null;
  if (options.operatorModels) {
    operatorModels = options.operatorModels;
    registerOperatorModels(operatorModels.reports.flatMap((r) => (r.info ? [r.info] : [])));
  } else if (resolved.embedding.modelsDir !== '') {
    operatorModels = await useOperatorModels(resolved.embedding.modelsDir);
  }
  getModelInfo(resolved.embedding.model);
  // Each thread loads the default model and every registered operator model before it takes images;
  // one a thread cannot load is reported as refused (reason and message) in info().operatorModels.
  if (resolved.runtime.workers === 0) {
    const pipeline = await Pipeline.create(resolved);
    const { failed } = await pipeline.preloadOperatorModels();
    return new InProcessEngine(resolved, pipeline, operatorModels, failed);
  }
  const pool = await WorkerPool.start(resolved, options.pool);
  // this thread too: calls naming them are refused here, with their reason
  unregisterOperatorModels(pool.modelFailures().map((f) => f.id));
  return new PooledEngine(resolved, pool, operatorModels);
}
