// Runs an operator model (registered from its manifest, see operator-models.ts) on the ONNX embedder,
// with the input its manifest describes. The file's SHA-256 is checked again in each thread that loads it.
import { createOnnxEmbedder, DEFAULT_ONNX_RUNTIME, type OnnxRuntimeOptions } from '../onnx/onnx-embedder.js';
import type { Embedder } from './embedder.js';
import { readVerifiedWeights, type EmbeddingModelInfo } from './registry.js';

/** Loads an operator model's ONNX file (checksum verified) into an ONNX Runtime session. */
export async function loadOperatorEmbedder(info: EmbeddingModelInfo, runtime: OnnxRuntimeOptions = DEFAULT_ONNX_RUNTIME): Promise<Embedder> {
  const spec = info.operator;
  if (!spec) throw new Error(`loadOperatorEmbedder: ${info.id} is not an operator model`);
  const files = await readVerifiedWeights(info);
  const bytes = files.get(spec.file);
  if (!bytes) throw new Error(`loadOperatorEmbedder: ${spec.file} was not read`);
  return createOnnxEmbedder(info, bytes, { inputSize: info.inputSize, layout: spec.layout, colourOrder: spec.colourOrder, mean: spec.mean, std: spec.std, dims: info.dims }, runtime);
}
