import type { FaceQuality, Pose } from './quality.js';
import type { ChipLandmarks } from './config.js';

/** A point in image pixels. */
export interface Point {
  /** Horizontal position, 0 at the left edge. */
  x: number;
  /** Vertical position, 0 at the top edge. */
  y: number;
}

/** Axis-aligned face box in image pixels. */
export interface Box {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width. */
  width: number;
  /** Height. */
  height: number;
}

/** The five landmarks used for alignment, named from the subject's point of view. */
export interface FiveLandmarks {
  /** Centre of the subject's right eye (image left on a frontal face). */
  rightEye: Point;
  /** Centre of the subject's left eye. */
  leftEye: Point;
  /** Nose tip. */
  nose: Point;
  /** Subject's right mouth corner. */
  rightMouth: Point;
  /** Subject's left mouth corner. */
  leftMouth: Point;
}

/** Presentation-attack signals from Human's shipped models; null when spoof checks are disabled. */
export interface SpoofScores {
  /** Antispoof model: probability the face is a real face and not a photo/screen (0..1). */
  antispoof: number | null;
  /** Liveness model: probability the face is live (0..1). */
  liveness: number | null;
}

/** Optional soft-biometric estimates (only when config.attributes.enabled). */
export interface FaceAttributes {
  /** Estimated age in years. */
  age?: number;
  /** Estimated gender ('male' | 'female' | 'unknown'). */
  gender?: string;
  /** Confidence of the gender estimate, 0..1. */
  genderScore?: number;
  /** Emotion scores, highest first. */
  emotion?: { emotion: string; score: number }[];
}

/** Milliseconds spent in each stage for one image (summed over its faces). */
export interface StageTimings {
  /** sharp decode + checks. */
  decode: number;
  /** Detection + 468-point mesh + antispoof/liveness (+ attributes). */
  detect: number;
  /** Landmarks, similarity transform and warps. */
  align: number;
  /** Quality measurements and segmentation. */
  quality: number;
  /** Embedding network(s), mirror included. */
  embed: number;
  /** Whole call in the worker. */
  total: number;
}

/** One face found in an image. */
export interface Face {
  /** Face box in image pixels. */
  box: Box;
  /** Detection confidence 0..1. */
  score: number;
  /** Five alignment landmarks in image pixels. */
  landmarks: FiveLandmarks;
  /** Head pose in degrees. */
  pose: Pose;
  /** Image quality of this face. */
  quality: FaceQuality;
  /** Presentation-attack scores. */
  spoof: SpoofScores;
  /** Face region (mesh face oval) as a closed polygon in image pixels, when requested. */
  polygon?: Point[];
  /** L2-normalised embedding, when embedding was requested (the default). */
  embedding?: Float32Array;
  /** Registry id of the model that produced `embedding`. */
  modelId?: string;
  /** Embeddings of further models named in AnalyzeOptions.models, by model id. */
  extraEmbeddings?: Record<string, Float32Array>;
  /** Age/gender/emotion when attributes are enabled. */
  attributes?: FaceAttributes;
}

/** Result of analysing one image. */
export interface AnalysisResult {
  /** Width of the upright (EXIF-rotated) image. */
  width: number;
  /** Height of the upright image. */
  height: number;
  /** Every face found, largest first, at most detector.maxFaces of them. */
  faces: Face[];
  /** True when the image holds more faces than detector.maxFaces: only the detector's surest were analysed. */
  facesTruncated: boolean;
  /** Per-stage timings of this call. */
  timings: StageTimings;
}

/** Per-call options of Engine.analyze. */
export interface AnalyzeOptions {
  /** Compute embeddings (default true). `false` is a detect-only call. */
  embed?: boolean;
  /** Embedding model id for this call (default config.embedding.model). */
  model?: string;
  /** Additional model ids whose embeddings go to Face.extraEmbeddings (model comparison, fusion). */
  extraModels?: string[];
  /** Include the face polygon (default true). */
  polygon?: boolean;
  /** Override config.embedding.mirror for this call. */
  mirror?: boolean;
  /** Override config.embedding.chipLandmarks for this call. */
  chipLandmarks?: ChipLandmarks;
  /** Override config.embedding.chipJitter for this call. */
  chipJitter?: number;
  /** Override config.embedding.blankBackground for this call. */
  blankBackground?: boolean;
}
