// The recognition engine seen as one more repository: services ask it for faces and never touch
// TensorFlow.js. The engine loads its models in the background, so the API is up before it is.
import type {
  AnalysisResult,
  EmbeddingModelInfo,
  EnrollmentDecision,
  EnrollmentPolicy,
  Engine,
  EngineErrorCode,
  EngineInfo,
  Face,
  WorkerPoolOptions,
} from '@faceledger/recognition';
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
  /** How the pool restarts crashed workers; tests point `script` at a worker that crashes on demand. */
  pool?: WorkerPoolOptions;
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
}

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
      this.error = 'The recognition engine is disabled (FACELEDGER_RECOGNITION_ENABLED=false).';
      return null;
    }
    const started = Date.now();
    try {
      const { createEngine, getModelInfo, evaluateEnrollment } = await import('@faceledger/recognition');
      this.helpers = { getModelInfo, evaluateEnrollment };
      const engine = await createEngine(
        {
          runtime: { backend: this.settings.backend, workers: this.settings.workers },
          // The engine refuses bigger images from their header, before decoding (IMAGE_TOO_LARGE).
          limits: { maxPixels: MAX_IMAGE_PIXELS },
        },
        this.settings.pool ? { pool: this.settings.pool } : {},
      );
      this.engine = engine;
      const info = engine.info();
      this.logger.info(
        { backend: info.backend, workers: info.workers, model: info.defaultModel, ms: Date.now() - started },
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
      const workers = this.engine.workerStatus();
      if (!workers) return { state: 'READY', info, workers: 0, workersConfigured: 0, error: null };
      const running = workers.ready > 0;
      return {
        state: running ? 'READY' : 'FAILED',
        info,
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
   * Finds the faces in `image` with embeddings of `modelId` (the engine's default when omitted).
   * Throws BAD_IMAGE for unusable bytes and ENGINE_UNAVAILABLE while the engine loads or after it failed.
   */
  async analyze(
    image: Uint8Array,
    options: { modelId?: string; embed?: boolean } = {},
  ): Promise<AnalysisResult> {
    const engine = this.requireEngine();
    try {
      return await engine.analyze(image, {
        embed: options.embed ?? true,
        polygon: false,
        ...(options.modelId === undefined ? {} : { model: options.modelId }),
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
