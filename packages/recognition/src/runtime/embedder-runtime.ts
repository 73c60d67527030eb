import type { EmbedderRuntime, RuntimeConfig } from '../config.js';
import type { Embedder } from '../models/embedder.js';
import { loadFaceApiResnet } from '../models/faceapi-resnet.js';
import { loadGraphEmbedder } from '../models/graph-embedder.js';
import type { EmbeddingModelInfo } from '../models/registry.js';
import { loadFaceApiResnetOnnx } from '../onnx/faceapi-resnet-onnx.js';
import type { OnnxRuntimeOptions } from '../onnx/onnx-embedder.js';

/** The shipped model that runs on either engine. */
const DUAL_RUNTIME_MODEL = 'faceapi-resnet128';

/** Which engine runs a model: operator models ONNX Runtime, dlib's ResNet the configured one, Human's TF.js. */
export function embedderRuntimeOf(info: EmbeddingModelInfo, runtime: RuntimeConfig): EmbedderRuntime {
  if (info.operator) return 'onnx';
  return info.id === DUAL_RUNTIME_MODEL ? runtime.embedder : 'tfjs';
}

/** ONNX Runtime options of the configuration. */
export function onnxRuntimeOptions(runtime: RuntimeConfig): OnnxRuntimeOptions {
  return { executionProvider: runtime.onnx.executionProvider, intraOpThreads: runtime.onnx.intraOpThreads };
}

/** Loads a shipped model on the engine the configuration picks for it (operator models: operator-embedder.ts). */
export function loadShippedEmbedder(info: EmbeddingModelInfo, runtime: RuntimeConfig): Promise<Embedder> {
  if (info.id !== DUAL_RUNTIME_MODEL) return loadGraphEmbedder(info);
  return runtime.embedder === 'onnx' ? loadFaceApiResnetOnnx(info, onnxRuntimeOptions(runtime), runtime.onnx.cacheDir) : loadFaceApiResnet(info);
}
