import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cosineSimilarity, createEngine, resolveConfig, RecognitionErrorCode } from '../src/index.js';
import { dataPath } from './helpers.js';

const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'fl-onnx-engine-'));
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

describe('embedder runtime selection', () => {
  it('validates runtime.embedder and the ONNX settings', () => {
    expect(resolveConfig({ runtime: { embedder: 'onnx', onnx: { intraOpThreads: 2, executionProvider: 'cuda' } } }).runtime).toMatchObject({ embedder: 'onnx', onnx: { intraOpThreads: 2, executionProvider: 'cuda', cacheDir: '' } });
    const error = (() => {
      try {
        resolveConfig({ runtime: { embedder: 'torch' as 'onnx', onnx: { intraOpThreads: -1, executionProvider: 'rocm' as 'cpu' } } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: RecognitionErrorCode.INVALID_CONFIG });
    expect((error as Error).message).toContain("'runtime.embedder' must be one of tfjs, onnx");
    expect((error as Error).message).toContain("'runtime.onnx.intraOpThreads' must be an integer in [0, 256]");
    expect((error as Error).message).toContain("'runtime.onnx.executionProvider' must be one of cpu, cuda");
  });

  it('a worker pool on ONNX Runtime finds the same faces with the embeddings of the in-process TF.js engine (LFW photos)', async () => {
    const files = [dataPath('lfw', 'images', 'Colin_Powell', 'Colin_Powell_0001.jpg'), dataPath('lfw', 'images', 'Tony_Blair', 'Tony_Blair_0002.jpg'), dataPath('deepface', 'couple.jpg')];
    const images = await Promise.all(files.map((f) => readFile(f)));
    const onnx = await createEngine({ runtime: { workers: 1, embedder: 'onnx', onnx: { cacheDir } } });
    const tfjs = await createEngine({ runtime: { workers: 0, embedder: 'tfjs' } });
    try {
      expect(onnx.info().embedder).toEqual({ runtime: 'onnx', executionProvider: 'cpu', intraOpThreads: 1 });
      expect(tfjs.info().embedder).toEqual({ runtime: 'tfjs', executionProvider: null, intraOpThreads: null });
      const a = await onnx.analyzeMany(images, { polygon: false });
      const b = await tfjs.analyzeMany(images, { polygon: false });
      let faces = 0;
      for (let i = 0; i < images.length; i++) {
        const x = a[i];
        const y = b[i];
        if (!x?.ok || !y?.ok) throw new Error(`image ${files[i]} failed`);
        expect(x.result.faces.length).toBe(y.result.faces.length);
        x.result.faces.forEach((face, k) => {
          expect(face.modelId).toBe('faceapi-resnet128');
          expect(cosineSimilarity(face.embedding as Float32Array, y.result.faces[k]?.embedding as Float32Array)).toBeGreaterThan(1 - 1e-4);
          faces++;
        });
      }
      expect(faces).toBeGreaterThanOrEqual(4);
      // Human's models stay on TF.js whatever the setting
      const human = await createEngine({ runtime: { workers: 0, embedder: 'onnx' }, embedding: { model: 'human-mobileface' } });
      expect(human.info().embedder.runtime).toBe('tfjs');
      await human.close();
    } finally {
      await onnx.close();
      await tfjs.close();
    }
  });
});
