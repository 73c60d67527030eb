import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath } from '../../test/helpers.js';
import { cosineSimilarity } from '../models/embedder.js';
import { loadFaceApiResnet } from '../models/faceapi-resnet.js';
import { getModelInfo } from '../models/registry.js';
import { initBackend } from '../runtime/backend.js';
import { faceApiResnetOnnxModel, loadFaceApiResnetOnnx } from './faceapi-resnet-onnx.js';

const info = getModelInfo('faceapi-resnet128');
const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'fl-onnx-cache-'));
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

/** A 150 px face region of an LFW photo (LFW centres the face), RGB 0..255 as the pipeline hands embedders. */
async function lfwChip(person: string, n: number): Promise<Float32Array> {
  const file = dataPath('lfw', 'images', person, `${person}_${String(n).padStart(4, '0')}.jpg`);
  const raw = await sharp(file).extract({ left: 55, top: 55, width: 140, height: 140 }).resize(150, 150).removeAlpha().raw().toBuffer();
  return Float32Array.from(raw);
}

describe('dlib ResNet on ONNX Runtime', () => {
  it('gives the embeddings of the TF.js wasm engine within 1e-4 cosine on real LFW photos, in a batch and alone', async () => {
    await initBackend('wasm');
    const people: [string, number][] = [['Colin_Powell', 1], ['Colin_Powell', 2], ['Tony_Blair', 1], ['Tony_Blair', 2], ['Abdullah_Gul', 1], ['Abdullah_Gul', 3]];
    const chips = await Promise.all(people.map(([p, n]) => lfwChip(p, n)));
    const tfjs = await loadFaceApiResnet(info);
    const onnx = await loadFaceApiResnetOnnx(info, { executionProvider: 'cpu', intraOpThreads: 1 }, cacheDir);
    const want = await tfjs.embed(chips);
    const got = await onnx.embed(chips);
    const alone = await onnx.embed([chips[2] as Float32Array]);
    let worst = 1;
    for (let i = 0; i < chips.length; i++) worst = Math.min(worst, cosineSimilarity(got[i] as Float32Array, want[i] as Float32Array));
    expect(worst).toBeGreaterThan(1 - 1e-4);
    expect(cosineSimilarity(alone[0] as Float32Array, want[2] as Float32Array)).toBeGreaterThan(1 - 1e-4);
    // and the vectors still tell people apart: same person closer than different people
    expect(cosineSimilarity(got[0] as Float32Array, got[1] as Float32Array)).toBeGreaterThan(cosineSimilarity(got[0] as Float32Array, got[2] as Float32Array));
    tfjs.dispose();
    onnx.dispose();
  });

  it('builds the graph once, then reads it from the cache keyed by the weights; a corrupt cache is rebuilt', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fl-onnx-cache-'));
    try {
      const first = await faceApiResnetOnnxModel(info, dir);
      expect(first.from).toBe('built');
      expect(path.basename(first.file)).toMatch(/^faceapi-resnet128-[0-9a-f]{32}\.onnx$/);
      const second = await faceApiResnetOnnxModel(info, dir);
      expect(second.from).toBe('cache');
      expect(Buffer.compare(Buffer.from(second.bytes), Buffer.from(first.bytes))).toBe(0);
      await writeFile(first.file, Buffer.from(first.bytes).subarray(0, 1000));
      const third = await faceApiResnetOnnxModel(info, dir);
      expect(third.from).toBe('built');
      expect(third.bytes.length).toBe(first.bytes.length);
      expect((await faceApiResnetOnnxModel(info, dir)).from).toBe('cache');
      expect((await readdir(dir)).sort()).toEqual([path.basename(first.file), `${path.basename(first.file)}.sha256`]);
      // a cache folder that cannot be created (a file is in the way) costs a build, never the start
      const blocked = path.join(dir, 'not-a-folder');
      await writeFile(blocked, 'x');
      const uncached = await faceApiResnetOnnxModel(info, path.join(blocked, 'onnx'));
      expect(uncached.from).toBe('built');
      expect(uncached.bytes.length).toBe(first.bytes.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
