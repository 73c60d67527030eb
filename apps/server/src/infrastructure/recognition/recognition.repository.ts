// The recognition engine seen as one more repository: services ask it for faces and never touch
// TensorFlow.js. The engine loads its models in the background, so the API is up before it is.
import type {
  AnalysisResult,
  DeepPartial,
  EmbeddingModelInfo,
  EnrollmentDecision,
  EnrollmentPolicy,
  Engine,
  EngineErrorCode,
  EngineInfo,
  Face,
  OperatorModelRefusal,
  RuntimeConfig,
  WorkerPoolOptions,
} from '@faceledger/recognition';
import path from 'node:path';
import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { MAX_IMAGE_PIXELS } from '../../shared/image-limits.js';

/**
 * What each engine failure becomes for the client, keyed by the engine's own codes (a code the engine
 * does not have fails the typecheck, a new one must be placed here). BAD_IMAGE: the image itself, with
 * the engine's message. ENGINE_UNAVAILABLE: goes away when the engine is back, the client should
 * retry (WORKER_FAILED is a worker that died holding this image and is restarted,
 * WORKERS_UNAVAILABLE none running at all). BAD_INPUT: an unknown model. null: a bug, thrown as it is.
 */
const ENGINE_ERRORS: Readonly<
  Record<EngineErrorCode, ErrorCode.BAD_IMAGE | ErrorCode.ENGINE_UNAVAILABLE | ErrorCode.BAD_INPUT | null>
> = {
  NOT_AN_IMAGE: ErrorCode.BAD_IMAGE,
  CORRUPT_IMAGE: ErrorCode.BAD_IMAGE,
  IMAGE_TOO_LARGE: ErrorCode.BAD_IMAGE,
  IMAGE_TOO_SMALL: ErrorCode.BAD_IMAGE,
  ENGINE_CLOSED: ErrorCode.ENGINE_UNAVAILABLE,
  BACKEND_UNAVAILABLE: ErrorCode.ENGINE_UNAVAILABLE,
  WORKER_FAILED: ErrorCode.ENGINE_UNAVAILABLE,
  WORKERS_UNAVAILABLE: ErrorCode.ENGINE_UNAVAILABLE,
  MODEL_UNAVAILABLE: ErrorCode.BAD_INPUT,
  INVALID_CONFIG: null,
};

/** The package's pure functions the repository uses once the package is loaded. */
interface RecognitionHelpers {
  getModelInfo(id: string): EmbeddingModelInfo;
  evaluateEnrollment(face: Face, policy: Partial<EnrollmentPolicy>, facesInImage: number): EnrollmentDecision;
}

/** Where the engine is in its life. */
export type RecognitionState = 'LOADING' | 'READY' | 'FAILED';

/** Settings the server passes through to the engine. */
export interface RecognitionSettings {
  enabled: boolean;
  backend: 'wasm' | 'tensorflow' | 'cpu';
  workers: number;
  /** Folder of operator-supplied models (FACELEDGER_MODELS_DIR); undefined for the shipped models only. */
  modelsDir?: string | undefined;
  /** Embedder engine and ONNX Runtime settings (FACELEDGER_EMBEDDER_RUNTIME, FACELEDGER_ONNX_*); unset: the package's defaults. */
  runtime?: Pick<DeepPartial<RuntimeConfig>, 'embedder' | 'onnx'>;
  /** How the pool restarts crashed workers; tests point `script` at a worker that crashes on demand. */
  pool?: WorkerPoolOptions;
}

/** One embedding model as health and the admin's engine settings list it. */
export interface ModelStatus {
  /** Registry id (or, for a refused manifest without a valid id, its file name). */
  id: string;
  /** SHIPPED with the package, or brought by the OPERATOR in the models directory. */
  source: 'SHIPPED' | 'OPERATOR';
  /** REGISTERED: usable by id; REFUSED: an operator model that was not registered (`refusal`, `error`). */
  state: 'REGISTERED' | 'REFUSED';
  /** Why an operator model was refused; null when registered. */
  refusal: OperatorModelRefusal | null;
  /** What is wrong and what to do; null when registered. */
  error: string | null;
  /** File name of an operator model's manifest in the models directory; null for shipped models. */
  manifest: string | null;
  version: string | null;
  dims: number | null;
  inputSize: number | null;
  alignment: string | null;
  /** The model's pair (verify) cosine threshold. */
  pairThreshold: number | null;
  licence: string | null;
}

/** What health reports about the engine. */
export interface RecognitionStatus {
  state: RecognitionState;
  info: EngineInfo | null;
  /** Worker threads up now (absent or null before the engine has loaded). */
  workers?: number | null;
  /** Worker threads the engine is configured for (absent or null before the engine has loaded). */
  workersConfigured?: number | null;
  error: string | null;
  /** Every model, shipped and operator, with its state (empty until the engine has loaded). */
  models?: ModelStatus[];
  /** Why the models directory could not be read; null when it could or none is set. */
  modelsDirError?: string | null;
}

/** The engine's error when FACELEDGER_RECOGNITION_ENABLED=false; it names nothing of the server, so health shows it to everyone. */
export const RECOGNITION_DISABLED_ERROR = 'The recognition engine is disabled (FACELEDGER_RECOGNITION_ENABLED=false).';

export class RecognitionRepository {
  private engine: Engine | null = null;
  /** The package's pure helpers, loaded with the engine (the package is imported lazily: it pulls in TensorFlow.js). */
  private helpers: RecognitionHelpers | null = null;
  private error: string | null = null;
  private readonly ready: Promise<Engine | null>;

  constructor(
    private readonly settings: RecognitionSettings,
    private readonly logger: Logger,
  ) {
    this.ready = this.start();
  }

  private async start(): Promise<Engine | null> {
    if (!this.settings.enabled) {
      this.error = RECOGNITION_DISABLED_ERROR;
      return null;
    }
    const started = Date.now();
    try {
      const { createEngine, getModelInfo, evaluateEnrollment } = await import('@faceledger/recognition');
      this.helpers = { getModelInfo, evaluateEnrollment };
      const engine = await createEngine(
        {
          runtime: { ...this.settings.runtime, backend: this.settings.backend, workers: this.settings.workers },
          // Operator models are checked here; a refused one is listed in health and the engine starts without it.
          ...(this.settings.modelsDir ? { embedding: { modelsDir: this.settings.modelsDir } } : {}),
          // The engine refuses bigger images from their header, before decoding (IMAGE_TOO_LARGE).
          limits: { maxPixels: MAX_IMAGE_PIXELS },
        },
        this.settings.pool ? { pool: this.settings.pool } : {},
      );
      this.engine = engine;
      const info = engine.info();
      const refused = info.operatorModels?.reports.filter((r) => r.state === 'REFUSED') ?? [];
      this.logger.info(
        {
          backend: info.backend,
          workers: info.workers,
          model: info.defaultModel,
          operatorModels: info.operatorModels?.reports.length ?? 0,
          refusedModels: refused.map((r) => r.id),
          ms: Date.now() - started,
        },
        'recognition engine ready',
      );
      return engine;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error }, 'recognition engine failed to start');
      return null;
    }
  }

  /**
   * Current state without waiting. A loaded engine whose workers all died (and are being restarted)
   * is FAILED with the reason until one is back: its calls fail with ENGINE_UNAVAILABLE meanwhile.
   */
  status(): RecognitionStatus {
    if (this.engine) {
      const info = this.engine.info();
      const models = modelStatuses(info);
      const modelsDirError = info.operatorModels?.error ?? null;
      const workers = this.engine.workerStatus();
      if (!workers) return { state: 'READY', info, workers: 0, workersConfigured: 0, error: null, models, modelsDirError };
      const running = workers.ready > 0;
      return {
        state: running ? 'READY' : 'FAILED',
        info,
        models,
        modelsDirError,
        workers: workers.ready,
        workersConfigured: workers.wanted,
        error: running
          ? workers.lastError
          : `No recognition worker is running (${workers.lastError ?? 'they stopped'}); restarting them (${workers.restarts} restarts so far).`,
      };
    }
    return {
      state: this.error ? 'FAILED' : 'LOADING',
      info: null,
      workers: null,
      workersConfigured: null,
      error: this.error,
    };
  }

  /** Resolves once loading has finished, either way. */
  async whenSettled(): Promise<RecognitionStatus> {
    await this.ready;
    return this.status();
  }

  /**
   * Finds the faces in `image` with embeddings of `modelId` (the engine's default when omitted), and
   * of each of `extraModelIds` in Face.extraEmbeddings (same detection and landmarks).
   * Throws BAD_IMAGE for unusable bytes and ENGINE_UNAVAILABLE while the engine loads or after it failed.
   */
  async analyze(
    image: Uint8Array,
    options: { modelId?: string; embed?: boolean; extraModelIds?: readonly string[] } = {},
  ): Promise<AnalysisResult> {
    const engine = this.requireEngine();
    try {
      return await engine.analyze(image, {
        embed: options.embed ?? true,
        polygon: false,
        ...(options.modelId === undefined ? {} : { model: options.modelId }),
        ...(options.extraModelIds?.length ? { extraModels: [...options.extraModelIds] } : {}),
      });
    } catch (error) {
      throw toAppError(error);
    }
  }

  /** The registry entry (dims, threshold) of an embedding model; BAD_INPUT for an unknown id. */
  modelInfo(modelId: string): EmbeddingModelInfo {
    const { getModelInfo } = this.requireHelpers();
    try {
      return getModelInfo(modelId);
    } catch (error) {
      throw new AppError(ErrorCode.BAD_INPUT, error instanceof Error ? error.message : String(error), {
        modelId,
      });
    }
  }

  /** Checks a face against the enrollment policy (the package's defaults merged with `policy`). */
  checkEnrollment(face: Face, policy: Partial<EnrollmentPolicy>, facesInImage: number): EnrollmentDecision {
    return this.requireHelpers().evaluateEnrollment(face, policy, facesInImage);
  }

  /** Id of the model used when a call names none (compareFaces). */
  defaultModelId(): string {
    return this.requireEngine().info().defaultModel;
  }

  /** Name of the face detector, recorded as the model of detect-only calls. */
  detectorName(): string {
    return this.requireEngine().info().detector;
  }

  private requireHelpers(): RecognitionHelpers {
    this.requireEngine();
    if (!this.helpers)
      throw new AppError(
        ErrorCode.ENGINE_UNAVAILABLE,
        'The recognition engine is still loading; retry in a few seconds.',
      );
    return this.helpers;
  }

  private requireEngine(): Engine {
    if (this.engine) return this.engine;
    if (this.error) {
      throw new AppError(
        ErrorCode.ENGINE_UNAVAILABLE,
        `The recognition engine is not running: ${this.error} Check /healthz and the server log.`,
      );
    }
    throw new AppError(
      ErrorCode.ENGINE_UNAVAILABLE,
      'The recognition engine is still loading its models; retry in a few seconds.',
      {
        retryAfterSeconds: 5,
      },
    );
  }

  async close(): Promise<void> {
    const engine = await this.ready;
    await engine?.close();
  }
}

/** Shipped models first (registry order), then each manifest of the models directory, registered or refused. */
function modelStatuses(info: EngineInfo): ModelStatus[] {
  const shipped = info.models.filter((m) => !m.operator);
  const describe = (m: EmbeddingModelInfo) => ({
    version: m.version,
    dims: m.dims,
    inputSize: m.inputSize,
    alignment: m.alignment,
    pairThreshold: m.threshold,
    licence: m.licence,
  });
  return [
    ...shipped.map((m): ModelStatus => ({ id: m.id, source: 'SHIPPED', state: 'REGISTERED', refusal: null, error: null, manifest: null, ...describe(m) })),
    ...(info.operatorModels?.reports ?? []).map(
      (r): ModelStatus => ({
        id: r.id,
        source: 'OPERATOR',
        state: r.state,
        refusal: r.reason,
        error: r.message,
        manifest: path.basename(r.manifest),
        ...(r.info
          ? describe(r.info)
          : { version: null, dims: null, inputSize: null, alignment: null, pairThreshold: null, licence: null }),
      }),
    ),
  ];
}

/** Maps an engine failure to the server's error: BAD_IMAGE, ENGINE_UNAVAILABLE, BAD_INPUT, or the original (a bug). */
function toAppError(error: unknown): unknown {
  if (
    !(error instanceof Error) ||
    error.name !== 'RecognitionError' ||
    !('code' in error) ||
    typeof error.code !== 'string' ||
    !Object.hasOwn(ENGINE_ERRORS, error.code)
  ) {
    return error;
  }
  const code = ENGINE_ERRORS[error.code as EngineErrorCode];
  if (code === null) return error;
  return new AppError(code, error.message, { reason: error.code }, { cause: error });
}
