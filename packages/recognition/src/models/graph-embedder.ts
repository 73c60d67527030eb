import * as tfconv from '@tensorflow/tfjs-converter';
import { tf } from '../runtime/backend.js';
import type { Embedder } from './embedder.js';
import { readVerifiedWeights, type EmbeddingModelInfo } from './registry.js';
import { concatWeights } from './weights-manifest.js';

/** A Human graph model (faceres, mobileface) run on aligned RGB 0..255 crops. */
class GraphEmbedder implements Embedder {
  constructor(
    readonly info: EmbeddingModelInfo,
    private readonly model: tfconv.GraphModel,
  ) {}

  async embed(crops: readonly Float32Array[]): Promise<Float32Array[]> {
    const size = this.info.inputSize;
    const dims = this.info.dims;
    const result: Float32Array[] = [];
    for (const crop of crops) {
      const outputs = tf.tidy(() => {
        const input = tf.tensor4d(crop, [1, size, size, 3]);
        const raw = this.model.execute(input);
        const list = Array.isArray(raw) ? raw : [raw];
        const vector = list.find((t) => t.shape[t.shape.length - 1] === dims);
        if (!vector) throw new Error(`model ${this.info.id} produced no ${dims}-d output`);
        return tf.clone(vector);
      });
      result.push(((await outputs.data()) as Float32Array).slice(0, dims));
      outputs.dispose();
    }
    return result;
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Loads a Human graph model from verified in-memory weights. */
export async function loadGraphEmbedder(info: EmbeddingModelInfo): Promise<Embedder> {
  const files = await readVerifiedWeights(info);
  const jsonFile = info.weights.find((w) => w.file.endsWith('.json'));
  const json = JSON.parse(
    (files.get(jsonFile?.file ?? '') ?? Buffer.from('{}')).toString('utf8'),
  ) as tf.io.ModelJSON;
  const artifacts = await tf.io.getModelArtifactsForJSON(json, (manifest) =>
    concatWeights(manifest, (shard) => {
      const bytes = files.get(shard);
      if (!bytes) throw new Error(`${info.id} manifest names ${shard}, which is not registered`);
      return bytes;
    }),
  );
  const model = await tfconv.loadGraphModel(tf.io.fromMemory(artifacts));
  return new GraphEmbedder(info, model);
}
