import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cosineSimilarity, createEngine, faceMask, isRecognitionError, RecognitionErrorCode } from '../src/index.js';
import { dataPath } from './helpers.js';

describe('worker pool engine', () => {
  it('analyses a batch on 2 workers in input order, with backpressure, typed errors and graceful close', async () => {
    const engine = await createEngine({ runtime: { workers: 2, maxQueue: 2 }, spoof: { enabled: false } });
    try {
      expect(engine.info()).toMatchObject({ workers: 2, backend: 'wasm', defaultModel: 'faceapi-resnet128', dims: 128 });
      const files = ['img1.jpg', 'img2.jpg', 'couple.jpg', 'img20.jpg', 'img3.jpg', 'img1.jpg'];
      const images = await Promise.all(files.map((f) => readFile(dataPath('deepface', f))));
      const batch = await engine.analyzeMany([...images, Buffer.from('not an image')]);
      expect(batch).toHaveLength(files.length + 1);
      const faces = batch.map((b) => (b.ok ? b.result.faces.length : -1));
      expect(faces).toEqual([1, 1, 2, 1, 1, 1, -1]);
      const last = batch[files.length];
      expect(last?.ok === false && last.error.code).toBe(RecognitionErrorCode.NOT_AN_IMAGE);
      const first = batch[0]?.ok ? batch[0].result.faces[0]?.embedding : undefined;
      const again = batch[5]?.ok ? batch[5].result.faces[0]?.embedding : undefined;
      expect(first).toBeInstanceOf(Float32Array);
      expect(cosineSimilarity(first as Float32Array, again as Float32Array)).toBeCloseTo(1, 6);
      const pending = engine.analyze(images[3] as Buffer);
      const closing = engine.close();
      expect((await pending).faces).toHaveLength(1);
      await closing;
      const after = await engine.analyze(images[0] as Buffer).catch((e: unknown) => e);
      expect(isRecognitionError(after) && after.code).toBe(RecognitionErrorCode.ENGINE_CLOSED);
    } finally {
      await engine.close();
    }
  });

  it('runs the second detector and optional attributes in a worker', async () => {
    const engine = await createEngine({ runtime: { workers: 1 }, detector: { model: 'facemesh-detection-full' }, attributes: { enabled: true } });
    try {
      expect(engine.info().detector).toBe('facemesh-detection-full');
      const r = await engine.analyze(await readFile(dataPath('deepface', 'couple.jpg')));
      expect(r.faces).toHaveLength(2);
      for (const f of r.faces) {
        expect(f.attributes?.age).toBeGreaterThan(5);
        expect(['male', 'female', 'unknown']).toContain(f.attributes?.gender);
        expect(f.attributes?.emotion?.length).toBeGreaterThan(0);
        const mask = faceMask(f, r.width, r.height);
        const area = mask.reduce((a, b) => a + b, 0);
        expect(area).toBeGreaterThan(0.15 * f.box.width * f.box.height);
        expect(area).toBeLessThan(1.2 * f.box.width * f.box.height);
      }
    } finally {
      await engine.close();
    }
  });

  it('reports a clear typed error when the tensorflow backend is not installed', async () => {
    const error = await createEngine({ runtime: { workers: 1, backend: 'tensorflow' } }).catch((e: unknown) => e);
    expect(isRecognitionError(error) && error.code).toBe(RecognitionErrorCode.BACKEND_UNAVAILABLE);
    expect((error as Error).message).toMatch(/tfjs-node/);
  });
});
