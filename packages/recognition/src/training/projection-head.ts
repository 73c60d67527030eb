import { l2normalize } from '../models/embedder.js';
import { activeBackend, initBackend, tf, type BackendName } from '../runtime/backend.js';
import { seededRandom } from '../seeded-random.js';

/** One training example: an embedding and the identity it belongs to. */
export interface LabelledEmbedding {
  /** Identity label (an LFW person name, say). */
  label: string;
  /** L2-normalised embedding from the base model. */
  embedding: Float32Array;
}

/** How the head is trained; every field has a default chosen on the LFW dev folds (README). */
export interface HeadTrainingOptions {
  /** Optimiser steps. */
  steps: number;
  /** Identities per batch; each contributes two images. */
  batchIdentities: number;
  /** Adam learning rate. */
  learningRate: number;
  /** Cosine scale (inverse temperature) of the contrastive softmax. */
  scale: number;
  /** Weight of ||W - I||^2, which keeps the head close to the base model. */
  regularization: number;
  /** Seed of the batch sampler; the same data and seed give the same head. */
  seed: number;
  /** Called every `progressEvery` steps with the step and the batch loss. */
  onProgress?: (step: number, loss: number) => void;
  /** Steps between progress calls. */
  progressEvery: number;
  /** Backend to start when this thread has none yet (an engine's thread keeps its own). */
  backend: BackendName;
}

export const DEFAULT_HEAD_TRAINING: HeadTrainingOptions = {
  steps: 300,
  batchIdentities: 128,
  learningRate: 1e-3,
  scale: 20,
  regularization: 10,
  seed: 1,
  progressEvery: 100,
  backend: 'wasm',
};

/** A trained linear projection of an embedding space onto itself, applied as normalise(x W). */
export interface ProjectionHead {
  /** Input and output length. */
  dims: number;
  /** Row-major dims x dims matrix. */
  weights: Float32Array;
  /** What it was trained on, for the report and the model card. */
  trainedOn: { identities: number; images: number };
  /** The options used. */
  options: Omit<HeadTrainingOptions, 'onProgress'>;
}

/**
 * tfjs-core ships its gradient functions only as unbundled ES sources; the @tensorflow/tfjs package
 * registers them all into the same tfjs-core instance. Loaded on first training only, so the engine's
 * workers never pay for it.
 */
async function registerGradients(): Promise<void> {
  await import('@tensorflow/tfjs');
}

/**
 * Trains a linear head with TensorFlow.js on identities that have at least two images: each step takes
 * two images of `batchIdentities` people and minimises a contrastive softmax over scaled cosines (each
 * image must pick its partner among the batch), plus a pull towards the identity matrix. The head starts
 * as the identity, so an untrained head is the base model.
 */
export async function trainProjectionHead(
  samples: readonly LabelledEmbedding[],
  partial: Partial<HeadTrainingOptions> = {},
): Promise<ProjectionHead> {
  const options = { ...DEFAULT_HEAD_TRAINING, ...partial };
  if (!activeBackend()) await initBackend(options.backend);
  await registerGradients();
  const byLabel = new Map<string, Float32Array[]>();
  for (const s of samples) {
    const list = byLabel.get(s.label) ?? [];
    list.push(s.embedding);
    byLabel.set(s.label, list);
  }
  const groups = [...byLabel.values()].filter((g) => g.length >= 2);
  const first = samples[0];
  if (!first || groups.length < 2)
    throw new Error('training a head needs at least two identities with two or more images each');
  const dims = first.embedding.length;
  const per = Math.min(options.batchIdentities, groups.length);
  const random = seededRandom(options.seed);
  const w = tf.variable(tf.eye(dims), true, `head-${options.seed}-${Date.now()}`);
  const identity = tf.eye(dims);
  const selfMask = tf.mul(tf.eye(2 * per), -1e4);
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 2 * per }, (_, i) => (i < per ? i + per : i - per)),
      'int32',
    ),
    2 * per,
  );
  const optimizer = tf.train.adam(options.learningRate);
  try {
    for (let step = 1; step <= options.steps; step++) {
      const batch = new Float32Array(2 * per * dims);
      const order = groups.map((_, i) => i);
      for (let i = 0; i < per; i++) {
        const j = i + Math.floor(random() * (order.length - i));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
        const group = groups[order[i] as number] as Float32Array[];
        const a = Math.floor(random() * group.length);
        let b = Math.floor(random() * (group.length - 1));
        if (b >= a) b++;
        batch.set(group[a] as Float32Array, i * dims);
        batch.set(group[b] as Float32Array, (i + per) * dims);
      }
      const x = tf.tensor2d(batch, [2 * per, dims]);
      const loss = optimizer.minimize(
        () => {
          const projected = tf.matMul(x, w);
          const z = tf.div(projected, tf.norm(projected, 'euclidean', 1, true));
          const logits = tf.add(tf.mul(tf.matMul(z, z, false, true), options.scale), selfMask);
          const contrastive = tf.losses.softmaxCrossEntropy(labels, logits);
          return tf.add(
            contrastive,
            tf.mul(tf.sum(tf.square(tf.sub(w, identity))), options.regularization),
          ) as tf.Scalar;
        },
        true,
        [w],
      );
      x.dispose();
      if (loss) {
        if (options.onProgress && (step % options.progressEvery === 0 || step === options.steps))
          options.onProgress(step, (await loss.data())[0] as number);
        loss.dispose();
      }
    }
    const weights = (await w.data()) as Float32Array;
    const { onProgress: _ignored, ...kept } = options;
    return {
      dims,
      weights: Float32Array.from(weights),
      trainedOn: { identities: groups.length, images: groups.reduce((n, g) => n + g.length, 0) },
      options: kept,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([w, identity, selfMask, labels]);
  }
}

/** normalise(x W): the head applied to one embedding, in plain JS (no tensors). */
export function applyProjectionHead(
  head: Pick<ProjectionHead, 'dims' | 'weights'>,
  embedding: Float32Array,
): Float32Array {
  const { dims, weights } = head;
  if (embedding.length !== dims)
    throw new Error(`head expects ${dims}-d embeddings, got ${embedding.length}`);
  const out = new Float32Array(dims);
  for (let i = 0; i < dims; i++) {
    const xi = embedding[i] as number;
    if (xi === 0) continue;
    const row = i * dims;
    for (let j = 0; j < dims; j++) out[j] = (out[j] as number) + xi * (weights[row + j] as number);
  }
  return l2normalize(out);
}

/** The JSON file `faceledger train head` writes and `eval lfw --head` reads. */
export interface ProjectionHeadFile {
  format: 'faceledger-projection-head';
  version: 1;
  /** Registry id of the embedding model the head was trained on. */
  model: string;
  dims: number;
  /** Row-major float32 weights, base64. */
  weights: string;
  trainedOn: ProjectionHead['trainedOn'];
  options: ProjectionHead['options'];
  createdAt: string;
}

/** Serialises a trained head for the model it was trained on. */
export function headToFile(head: ProjectionHead, model: string): ProjectionHeadFile {
  const w = head.weights;
  return {
    format: 'faceledger-projection-head',
    version: 1,
    model,
    dims: head.dims,
    weights: Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('base64'),
    trainedOn: head.trainedOn,
    options: head.options,
    createdAt: new Date().toISOString(),
  };
}

/** Parses and checks a head file; throws a message that says what is wrong. */
export function headFromFile(json: unknown): ProjectionHead & { model: string } {
  const f = json as Partial<ProjectionHeadFile> | null;
  if (!f || f.format !== 'faceledger-projection-head' || f.version !== 1)
    throw new Error(
      'not a FaceLedger projection head file (format faceledger-projection-head, version 1); create one with `faceledger train head`',
    );
  if (typeof f.model !== 'string' || typeof f.dims !== 'number' || typeof f.weights !== 'string')
    throw new Error('projection head file lacks model, dims or weights');
  const bytes = Buffer.from(f.weights, 'base64');
  if (bytes.byteLength !== f.dims * f.dims * 4)
    throw new Error(
      `projection head file: expected ${f.dims}x${f.dims} float32 weights, found ${bytes.byteLength} bytes`,
    );
  const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return {
    model: f.model,
    dims: f.dims,
    weights,
    trainedOn: f.trainedOn ?? { identities: 0, images: 0 },
    options: f.options ?? { ...DEFAULT_HEAD_TRAINING },
  };
}
