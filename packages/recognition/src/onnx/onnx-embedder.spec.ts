import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dataPath } from '../../test/helpers.js';
import { RecognitionErrorCode } from '../errors.js';
import { cosineSimilarity } from '../models/embedder.js';
import type { EmbeddingModelInfo } from '../models/registry.js';
import { createOnnxEmbedder, isExecutionProviderAvailable, packCrops, type OnnxInputSpec } from './onnx-embedder.js';
import { buildTestEmbedderModel } from './onnx-graph.js';

const SIZE = 64;
const cudaInstalled = await isExecutionProviderAvailable('cuda');
const DIMS = 32;

function infoOf(id: string, inputSize = SIZE, dims = DIMS): EmbeddingModelInfo {
  return { id, version: 'test', dims, inputSize, alignment: 'arcface', normalisation: 'test', weights: [], licence: 'generated in the test', origin: 'onnx-graph.ts', threshold: 0.5 };
}

function spec(layout: 'NCHW' | 'NHWC', colourOrder: 'RGB' | 'BGR' = 'RGB'): OnnxInputSpec {
  return { inputSize: SIZE, layout, colourOrder, mean: [127.5, 127.5, 127.5], std: [128, 128, 128], dims: DIMS };
}

/** The centre of an LFW photo as an RGB 0..255 crop (what the pipeline hands an embedder). */
async function lfwCrop(person: string, n = 1, size = SIZE): Promise<Float32Array> {
  const file = dataPath('lfw', 'images', person, `${person}_${String(n).padStart(4, '0')}.jpg`);
  const raw = await sharp(file).extract({ left: 60, top: 60, width: 130, height: 130 }).resize(size, size).removeAlpha().raw().toBuffer();
  return Float32Array.from(raw);
}

function swapRB(crop: Float32Array): Float32Array {
  const out = crop.slice();
  for (let p = 0; p < out.length; p += 3) [out[p], out[p + 2]] = [crop[p + 2] as number, crop[p] as number];
  return out;
}

describe('ONNX embedder on a generated model', () => {
  it('embeds real photos: one vector of the declared length per crop, the same in a batch as alone, different photos apart', async () => {
    const embedder = await createOnnxEmbedder(infoOf('gen-nchw'), buildTestEmbedderModel({ inputSize: SIZE, dims: DIMS, layout: 'NCHW' }), spec('NCHW'));
    const crops = [await lfwCrop('Colin_Powell', 1), await lfwCrop('Colin_Powell', 2), await lfwCrop('Abdullah_Gul', 1)];
    const batch = await embedder.embed(crops);
    expect(batch).toHaveLength(3);
    for (const v of batch) {
      expect(v).toHaveLength(DIMS);
      expect(v.every(Number.isFinite)).toBe(true);
    }
    for (let i = 0; i < crops.length; i++) {
      const [alone] = await embedder.embed([crops[i] as Float32Array]);
      expect(cosineSimilarity(alone as Float32Array, batch[i] as Float32Array)).toBeGreaterThan(1 - 1e-6);
    }
    expect(cosineSimilarity(batch[0] as Float32Array, batch[2] as Float32Array)).toBeLessThan(0.9999);
    expect(await embedder.embed([])).toEqual([]);
    embedder.dispose();
  });

  it('gives the same vectors for NHWC and NCHW exports of one network, and honours BGR order', async () => {
    const crop = await lfwCrop('Abdullah_Gul', 2);
    const nchw = await createOnnxEmbedder(infoOf('gen-nchw'), buildTestEmbedderModel({ inputSize: SIZE, dims: DIMS, layout: 'NCHW', seed: 7 }), spec('NCHW'));
    const nhwc = await createOnnxEmbedder(infoOf('gen-nhwc'), buildTestEmbedderModel({ inputSize: SIZE, dims: DIMS, layout: 'NHWC', seed: 7 }), spec('NHWC'));
    const bgr = await createOnnxEmbedder(infoOf('gen-bgr'), buildTestEmbedderModel({ inputSize: SIZE, dims: DIMS, layout: 'NCHW', seed: 7 }), spec('NCHW', 'BGR'));
    const [a] = await nchw.embed([crop]);
    const [b] = await nhwc.embed([crop]);
    const [c] = await bgr.embed([swapRB(crop)]);
    const [d] = await bgr.embed([crop]);
    for (let i = 0; i < DIMS; i++) {
      expect(b?.[i]).toBeCloseTo(a?.[i] as number, 4);
      expect(c?.[i]).toBeCloseTo(a?.[i] as number, 4);
    }
    expect(cosineSimilarity(a as Float32Array, d as Float32Array)).toBeLessThan(0.99999);
    for (const e of [nchw, nhwc, bgr]) e.dispose();
  });

  it('runs a model whose batch is fixed to 1 on several crops, and with 2 intra-op threads', async () => {
    const crops = [await lfwCrop('Colin_Powell', 3), await lfwCrop('Abdullah_Gul', 3), await lfwCrop('Colin_Powell', 4)];
    const dynamic = await createOnnxEmbedder(infoOf('gen'), buildTestEmbedderModel({ inputSize: SIZE, dims: DIMS, layout: 'NCHW' }), spec('NCHW'));
    const fixed = await createOnnxEmbedder(infoOf('gen-b1'), buildTestEmbedderModel({ inputSize: SIZE, dims: DIMS, layout: 'NCHW', batch: 1 }), spec('NCHW'), { executionProvider: 'cpu', intraOpThreads: 2 });
    const want = await dynamic.embed(crops);
    const got = await fixed.embed(crops);
    expect(got).toHaveLength(3);
    got.forEach((v, i) => expect(cosineSimilarity(v, want[i] as Float32Array)).toBeGreaterThan(1 - 1e-6));
    dynamic.dispose();
    fixed.dispose();
  });

  it('packs crops as (x - mean) / std in the network order and layout', () => {
    const crop = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 10);
    const input: OnnxInputSpec = { inputSize: 2, layout: 'NCHW', colourOrder: 'BGR', mean: [10, 20, 30], std: [2, 4, 5], dims: 1 };
    // pixel p has R = 30p, G = 30p + 10, B = 30p + 20; BGR puts B first
    expect([...packCrops([crop], input)]).toEqual([5, 20, 35, 50, -2.5, 5, 12.5, 20, -6, 0, 6, 12]);
    expect([...packCrops([crop], { ...input, layout: 'NHWC' }).slice(0, 6)]).toEqual([5, -2.5, -6, 20, 5, 0]);
  });
});

describe('ONNX embedder refusals', () => {
  it('refuses a model whose input shape differs from its description, naming both shapes', async () => {
    const model = buildTestEmbedderModel({ inputSize: 96, dims: DIMS, layout: 'NCHW' });
    const error = await createOnnxEmbedder(infoOf('wrong-size'), model, spec('NCHW')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: RecognitionErrorCode.MODEL_UNAVAILABLE, details: { model: 'wrong-size' } });
    expect((error as Error).message).toContain('[batch, 3, 96, 96]');
    expect((error as Error).message).toContain('NCHW [batch, 3, 64, 64]');
    const layout = await createOnnxEmbedder(infoOf('wrong-layout'), buildTestEmbedderModel({ inputSize: SIZE, dims: DIMS, layout: 'NHWC' }), spec('NCHW')).catch((e: unknown) => e);
    expect(layout).toMatchObject({ code: RecognitionErrorCode.MODEL_UNAVAILABLE });
  });

  it('refuses a model whose output length differs from the declared dims', async () => {
    const model = buildTestEmbedderModel({ inputSize: SIZE, dims: 16, layout: 'NCHW' });
    const error = await createOnnxEmbedder(infoOf('wrong-dims'), model, spec('NCHW')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: RecognitionErrorCode.MODEL_UNAVAILABLE });
    expect((error as Error).message).toContain('32 dimensions');
  });

  it('refuses bytes that are not an ONNX model', async () => {
    const error = await createOnnxEmbedder(infoOf('garbage'), new TextEncoder().encode('not a model'), spec('NCHW')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: RecognitionErrorCode.MODEL_UNAVAILABLE });
    expect((error as Error).message).toContain("ONNX model 'garbage' cannot be loaded");
  });

  it.skipIf(cudaInstalled)('asked for CUDA without its provider installed, says how to install it', async () => {
    const model = buildTestEmbedderModel({ inputSize: SIZE, dims: DIMS, layout: 'NCHW' });
    const error = await createOnnxEmbedder(infoOf('gen'), model, spec('NCHW'), { executionProvider: 'cuda', intraOpThreads: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: RecognitionErrorCode.BACKEND_UNAVAILABLE, details: { executionProvider: 'cuda' } });
    expect((error as Error).message).toContain('--onnxruntime-node-install=cuda12');
  });
});
