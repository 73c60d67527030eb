import type { RecognitionConfig } from '../config.js';
import type { RecognitionErrorCode } from '../errors.js';
import type { OperatorModelLoadFailure } from '../models/operator-models.js';
import type { EmbeddingModelInfo } from '../models/registry.js';
import type { BackendName } from '../runtime/backend.js';
import type { AnalysisResult, AnalyzeOptions } from '../types.js';

/** Data a worker starts with. */
export interface WorkerInit {
  /** Fully resolved configuration. */
  config: RecognitionConfig;
  /** The operator models the engine registered (already checked), registered again in the worker's own registry. */
  operatorModels: readonly EmbeddingModelInfo[];
}

/** Messages from the pool to a worker. */
export type ToWorker =
  | { type: 'analyze'; id: number; bytes: Uint8Array; options: AnalyzeOptions }
  | { type: 'tensors'; id: number }
  | { type: 'close' };

/** Serialisable form of an error crossing the thread boundary. */
export interface WireError {
  name: string;
  message: string;
  code?: RecognitionErrorCode;
  details?: Record<string, unknown>;
}

/** Messages from a worker to the pool. */
export type FromWorker =
  /** Models loaded: the default and every operator model that loaded; `failedModels`: operator models that did not, and why. */
  | { type: 'ready'; backend: BackendName; models: string[]; failedModels: OperatorModelLoadFailure[] }
  | { type: 'init-error'; error: WireError }
  | { type: 'result'; id: number; result: AnalysisResult }
  | { type: 'tensors'; id: number; count: number }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'closed' };
