/**
 * @faceledger/recognition — image in, faces out: decode, detect, landmarks, align, segment, quality,
 * antispoof and embeddings on TensorFlow.js, fully offline.
 */
export { createEngine, useOperatorModels, type Engine, type EngineInfo, type EmbedderInfo, type EngineOptions, type BatchItem } from './engine.js';
export type { WorkerPoolOptions, WorkerPoolStatus } from './workers/pool.js';
export { resolveConfig, defaultConfig, DEFAULT_MODEL_ID, EMBEDDER_RUNTIMES } from './config.js';
export type { RecognitionConfig, DeepPartial, RuntimeConfig, EmbedderRuntime, OnnxConfig, LimitsConfig, DetectorConfig, DetectorModel, EmbeddingConfig, SpoofConfig, AttributesConfig } from './config.js';
export { RecognitionError, RecognitionErrorCode, isRecognitionError, type EngineErrorCode } from './errors.js';
export type { AnalysisResult, AnalyzeOptions, Face, Box, Point, FiveLandmarks, SpoofScores, FaceAttributes, StageTimings } from './types.js';
export type { FaceQuality, Pose, QualityReason } from './quality.js';
export { DEFAULT_ENROLLMENT_POLICY, evaluateEnrollment, type EnrollmentPolicy, type EnrollmentDecision, type PolicyViolation, type PolicyViolationCode } from './policy.js';
export { cosineSimilarity } from './models/embedder.js';
export { SHIPPED_MODELS, listModels, getModelInfo, type EmbeddingModelInfo, type OperatorModelSpec, type WeightsFile } from './models/registry.js';
export { OPERATOR_MODEL_REFUSALS, loadOperatorModels, type OperatorModelRefusal, type OperatorModelReport, type OperatorModelsLoad } from './models/operator-models.js';
export { modelManifestSchema, checkModelManifest, type ModelManifest } from './models/model-manifest.js';
export { faceMask, polygonMask } from './landmarks.js';
export { arcfaceTemplate, dlibChipTemplate, estimateSimilarity, type Affine, type Point2, type FivePoints, type AlignTemplate } from './align.js';
export { evaluateVerification, type VerificationReport, type ScoredPair, type RocPoint } from './metrics.js';
export { parseLfwPairs, type LfwPair, type LfwImage } from './lfw.js';
export { registerRecognitionCommands } from './cli/commands.js';
export { pickSubjectFace } from './subject-face.js';
export type { BackendName } from './runtime/backend.js';
export * from './identify/index.js';
