// The recognition engine seen as one more repository: services ask it for faces and never touch
// TensorFlow.js. The engine loads its models in the background, so the API is up before it is.
import type { Engine, EngineInfo } from '@faceledger/recognition';
import type { Logger } from 'pino';

/** Where the engine is in its life. */
export type RecognitionState = 'LOADING' | 'READY' | 'FAILED';

/** Settings the server passes through to the engine. */
export interface RecognitionSettings {
  enabled: boolean;
  backend: 'wasm' | 'tensorflow' | 'cpu';
  workers: number;
}

/** What health reports about the engine. */
export interface RecognitionStatus {
  state: RecognitionState;
  info: EngineInfo | null;
  error: string | null;
}

export class RecognitionRepository {
  private engine: Engine | null = null;
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
      const { createEngine } = await import('@faceledger/recognition');
      const engine = await createEngine({
        runtime: { backend: this.settings.backend, workers: this.settings.workers },
      });
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

  /** Current state without waiting. */
  status(): RecognitionStatus {
    if (this.engine) return { state: 'READY', info: this.engine.info(), error: null };
    return { state: this.error ? 'FAILED' : 'LOADING', info: null, error: this.error };
  }

  /** Resolves once loading has finished, either way. */
  async whenSettled(): Promise<RecognitionStatus> {
    await this.ready;
    return this.status();
  }

  async close(): Promise<void> {
    const engine = await this.ready;
    await engine?.close();
  }
}
