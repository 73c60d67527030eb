import type { EmbeddingModelInfo } from './registry.js';

/** A loaded embedding network: turns aligned crops into raw (not yet normalised) vectors. */
export interface Embedder {
  /** Registry entry of the model. */
  readonly info: EmbeddingModelInfo;
  /** Embeds a batch of packed RGB 0..255 crops of info.inputSize px; returns one vector per crop. */
  embed(crops: readonly Float32Array[]): Promise<Float32Array[]>;
  /** Frees the model's weights. */
  dispose(): void;
}

/** L2-normalises a vector in place and returns it. */
export function l2normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
  return v;
}

/** Cosine similarity of two vectors (equals the dot product for L2-normalised embeddings). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cosineSimilarity: length mismatch (${a.length} vs ${b.length}); compare embeddings of the same model`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
