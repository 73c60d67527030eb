/** Why an image could not be analysed; the server maps each code to a typed result or an HTTP/GraphQL error code. */
export enum RecognitionErrorCode {
  /** The bytes are not an image format we can read (e.g. a PDF or text file). */
  NOT_AN_IMAGE = 'NOT_AN_IMAGE',
  /** The file looks like an image but is damaged or truncated. */
  CORRUPT_IMAGE = 'CORRUPT_IMAGE',
  /** The image exceeds the configured pixel or byte limit. */
  IMAGE_TOO_LARGE = 'IMAGE_TOO_LARGE',
  /** The image is smaller than the minimum side length a face can be found in. */
  IMAGE_TOO_SMALL = 'IMAGE_TOO_SMALL',
  /** The requested TensorFlow.js backend cannot be loaded in this process. */
  BACKEND_UNAVAILABLE = 'BACKEND_UNAVAILABLE',
  /** A model's weights are missing or do not match the registered checksum. */
  MODEL_UNAVAILABLE = 'MODEL_UNAVAILABLE',
  /** The configuration object is invalid (unknown key or bad value). */
  INVALID_CONFIG = 'INVALID_CONFIG',
  /** The engine was closed; no further images are accepted. */
  ENGINE_CLOSED = 'ENGINE_CLOSED',
  /** A worker thread crashed while analysing an image; retrying the image usually works. */
  WORKER_FAILED = 'WORKER_FAILED',
  /** No worker thread is running (they crashed and restarting them keeps failing); retry later. */
  WORKERS_UNAVAILABLE = 'WORKERS_UNAVAILABLE',
}

/**
 * The codes as string literals, for code that imports the package type-only (the server loads the
 * engine lazily): a code that does not exist fails its typecheck.
 */
export type EngineErrorCode = `${RecognitionErrorCode}`;

/** The one error type the recognition package throws for expected failures; `message` tells the user what to do. */
export class RecognitionError extends Error {
  /** Machine-readable reason, stable across releases. */
  readonly code: RecognitionErrorCode;
  /** Extra structured facts (limits, sizes, model id) for logs and API responses. */
  readonly details: Record<string, unknown>;

  constructor(code: RecognitionErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RecognitionError';
    this.code = code;
    this.details = details;
  }

  /** Plain object form, safe to send across worker threads or to log. */
  toJSON(): { name: string; code: RecognitionErrorCode; message: string; details: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** True when `value` is a RecognitionError (also across module copies). */
export function isRecognitionError(value: unknown): value is RecognitionError {
  return value instanceof RecognitionError || (value instanceof Error && value.name === 'RecognitionError' && 'code' in value);
}
