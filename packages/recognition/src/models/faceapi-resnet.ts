import { tf } from '../runtime/backend.js';
import type { Embedder } from './embedder.js';
import { readVerifiedWeights, type EmbeddingModelInfo } from './registry.js';
import { concatWeights } from './weights-manifest.js';

type Params = Map<string, tf.Tensor>;

/** dlib's per-channel mean (RGB 0..255) subtracted before the network divides by 256. */
export const FACEAPI_RESNET_MEAN_RGB = [122.782, 117.001, 104.298] as const;

/**
 * dlib's face-recognition ResNet as shipped by face-api (128-d), re-implemented on tfjs-core ops so it
 * runs on the engine's own backend (face-api's node-wasm build needs the full @tensorflow/tfjs).
 */
class FaceApiResnet implements Embedder {
  constructor(
    readonly info: EmbeddingModelInfo,
    private readonly params: Params,
  ) {}

  private p(name: string): tf.Tensor {
    const t = this.params.get(name);
    if (!t) throw new Error(`face-api weights lack ${name}`);
    return t;
  }

  /** One conv + scale layer as a single fused op: the per-channel scale is folded into filters and bias at load. */
  private convLayer(
    x: tf.Tensor4D,
    prefix: string,
    stride: 1 | 2,
    relu: boolean,
    padding: 'same' | 'valid',
  ): tf.Tensor4D {
    return tf.fused.conv2d({
      x,
      filter: this.p(`${prefix}/folded/filters`) as tf.Tensor4D,
      strides: stride,
      pad: padding,
      bias: this.p(`${prefix}/folded/bias`),
      activation: relu ? 'relu' : 'linear',
    });
  }

  private residual(x: tf.Tensor4D, prefix: string): tf.Tensor4D {
    let out = this.convLayer(x, `${prefix}/conv1`, 1, true, 'same');
    out = this.convLayer(out, `${prefix}/conv2`, 1, false, 'same');
    return tf.relu(tf.add(out, x) as tf.Tensor4D);
  }

  private residualDown(x: tf.Tensor4D, prefix: string): tf.Tensor4D {
    let out = this.convLayer(x, `${prefix}/conv1`, 2, true, 'valid');
    out = this.convLayer(out, `${prefix}/conv2`, 1, false, 'same');
    let pooled = tf.avgPool(x, 2, 2, 'valid');
    if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) {
      const [b, h, w, c] = out.shape;
      out = tf.concat([out, tf.zeros([b, 1, w, c])], 1);
      out = tf.concat([out, tf.zeros([b, h + 1, 1, c])], 2);
    }
    if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, tf.zeros(pooled.shape)], 3);
    return tf.relu(tf.add(pooled, out) as tf.Tensor4D);
  }

  async embed(crops: readonly Float32Array[]): Promise<Float32Array[]> {
    if (crops.length === 0) return [];
    const size = this.info.inputSize;
    const out = tf.tidy(() => {
      const batch = new Float32Array(crops.length * size * size * 3);
      crops.forEach((c, i) => batch.set(c, i * size * size * 3));
      const input = tf.div(
        tf.sub(tf.tensor4d(batch, [crops.length, size, size, 3]), tf.tensor1d([...FACEAPI_RESNET_MEAN_RGB])),
        256,
      ) as tf.Tensor4D;
      let x = this.convLayer(input, 'conv32_down', 2, true, 'valid');
      x = tf.maxPool(x, 3, 2, 'valid');
      x = this.residual(x, 'conv32_1');
      x = this.residual(x, 'conv32_2');
      x = this.residual(x, 'conv32_3');
      x = this.residualDown(x, 'conv64_down');
      x = this.residual(x, 'conv64_1');
      x = this.residual(x, 'conv64_2');
      x = this.residual(x, 'conv64_3');
      x = this.residualDown(x, 'conv128_down');
      x = this.residual(x, 'conv128_1');
      x = this.residual(x, 'conv128_2');
      x = this.residualDown(x, 'conv256_down');
      x = this.residual(x, 'conv256_1');
      x = this.residual(x, 'conv256_2');
      x = this.residualDown(x, 'conv256_down_out');
      const pooled = tf.mean(x, [1, 2]) as tf.Tensor2D;
      return tf.matMul(pooled, this.p('fc') as tf.Tensor2D);
    });
    const data = (await out.data()) as Float32Array;
    out.dispose();
    const dims = this.info.dims;
    return crops.map((_, i) => data.slice(i * dims, (i + 1) * dims));
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
    this.params.clear();
  }
}

/**
 * dlib follows every conv with a per-channel affine "scale" layer: (conv(x, W) + b) * s + t. That equals
 * conv(x, W * s) + (b * s + t), so each layer becomes one fused conv with bias (and relu) and the three
 * element-wise passes over the feature map disappear. The original tensors are freed.
 */
function foldScales(params: Params): Params {
  const folded: Params = new Map();
  const prefixes = [...params.keys()]
    .filter((k) => k.endsWith('/conv/filters'))
    .map((k) => k.slice(0, -'/conv/filters'.length));
  for (const prefix of prefixes) {
    const take = (name: string): tf.Tensor => {
      const t = params.get(`${prefix}/${name}`);
      if (!t) throw new Error(`face-api weights lack ${prefix}/${name}`);
      params.delete(`${prefix}/${name}`);
      return t;
    };
    const [filters, bias, scale, shift] = [
      take('conv/filters'),
      take('conv/bias'),
      take('scale/weights'),
      take('scale/biases'),
    ];
    folded.set(
      `${prefix}/folded/filters`,
      tf.tidy(() => tf.mul(filters, scale)),
    );
    folded.set(
      `${prefix}/folded/bias`,
      tf.tidy(() => tf.add(tf.mul(bias, scale), shift)),
    );
    tf.dispose([filters, bias, scale, shift]);
  }
  for (const [name, t] of params) folded.set(name, t);
  return folded;
}

/** Loads face-api's recognition weights (checksums verified) into tensors. */
export async function loadFaceApiResnet(info: EmbeddingModelInfo): Promise<Embedder> {
  const files = await readVerifiedWeights(info);
  const manifestFile = info.weights.find((w) => w.file.endsWith('.json'));
  const manifest = JSON.parse(
    (files.get(manifestFile?.file ?? '') ?? Buffer.from('[]')).toString('utf8'),
  ) as tf.io.WeightsManifestConfig;
  const [specs, weights] = await concatWeights(manifest, (shard) => {
    const bytes = files.get(shard);
    if (!bytes) throw new Error(`face-api manifest names ${shard}, which is not registered`);
    return bytes;
  });
  const named = tf.io.decodeWeights(weights, specs);
  return new FaceApiResnet(info, foldScales(new Map(Object.entries(named))));
}
