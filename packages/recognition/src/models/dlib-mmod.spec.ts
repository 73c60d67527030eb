import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../../test/helpers.js';
import { initBackend } from '../runtime/backend.js';
import { dlibModelsDir } from '../runtime/paths.js';
import { loadMmodDetector, MMOD_FACE_DETECTOR, readMmodDetector, readVerifiedMmodDetector, tiledPyramid, type MmodDetector } from './dlib-mmod.js';

async function rgb(file: string, options: { width?: number; crop?: { left: number; top: number; width: number; height: number } } = {}) {
  let image = sharp(file).removeAlpha();
  if (options.crop) image = image.extract(options.crop);
  if (options.width) image = image.resize(options.width);
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

const lfw = (name: string): string => dataPath('lfw', 'images', name.replace(/_\d{4}\.jpg$/, ''), name);

describe("dlib's MMOD face detector", () => {
  let detector: MmodDetector;
  beforeAll(async () => {
    await initBackend('wasm');
    detector = await loadMmodDetector();
  });

  it('reads the shipped network: 80 x 80 window, seven convolutions (16, 32, 32 stride 2; 45, 45, 45; 1 of 9 x 9), relu after all but the last', async () => {
    const model = readMmodDetector(await readFile(path.join(dlibModelsDir(), MMOD_FACE_DETECTOR.file)));
    expect([model.windowWidth, model.windowHeight]).toEqual([80, 80]);
    expect(model.convolutions.map((c) => [c.outputs, c.inputs, c.size, c.stride, c.padding, c.relu])).toEqual([
      [16, 3, 5, 2, 0, true],
      [32, 16, 5, 2, 0, true],
      [32, 32, 5, 2, 0, true],
      [45, 32, 5, 1, 2, true],
      [45, 45, 5, 1, 2, true],
      [45, 45, 5, 1, 2, true],
      [1, 45, 9, 1, 4, false],
    ]);
    expect(model.mean.map((m) => Math.round(m))).toEqual([123, 117, 104]);
    expect(model.nmsIou).toBeGreaterThan(0.3);
    expect(model.nmsIou).toBeLessThan(0.4);
  });

  it('refuses a cut file and one altered by one byte', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mmod-'));
    try {
      const file = path.join(dir, MMOD_FACE_DETECTOR.file);
      await copyFile(path.join(dlibModelsDir(), MMOD_FACE_DETECTOR.file), file);
      const original = await readFile(file);
      expect(() => readMmodDetector(original.subarray(0, 100_000))).toThrow(/dlib stream/);
      const bytes = Buffer.from(original);
      bytes[5000] = (bytes[5000] as number) ^ 1;
      await writeFile(file, bytes);
      await expect(readVerifiedMmodDetector(file, MMOD_FACE_DETECTOR.sha256)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("tiles the pyramid as dlib does: the image at (11, 11), each level 5/6 of the one before, none overlapping", () => {
    const { rects, width, height } = tiledPyramid(250, 250, 10, 11);
    expect(rects[0]).toEqual({ left: 11, top: 11, right: 260, bottom: 260 });
    expect(width).toBe(272);
    for (let i = 1; i < rects.length; i++) {
      const r = rects[i]!;
      const p = rects[i - 1]!;
      expect(r.right - r.left + 1).toBe(Math.floor(((p.right - p.left + 1) * 5) / 6));
      expect(r.bottom).toBeLessThan(height);
      for (let j = 0; j < i; j++) {
        const q = rects[j]!;
        expect(r.left > q.right || r.right < q.left || r.top > q.bottom || r.bottom < q.top).toBe(true);
      }
    }
    expect(rects.at(-1)!.bottom - rects.at(-1)!.top + 1).toBeGreaterThanOrEqual(5);
  });

  it('finds the one face of LFW photos, centred, about 100 px across', async () => {
    for (const name of ['Colin_Powell_0001.jpg', 'Peter_Mugyeni_0001.jpg', 'Alfonso_Cuaron_0001.jpg', 'Donna_Morrissey_0001.jpg']) {
      const found = await detector.detect(await rgb(lfw(name)));
      expect(found.length, name).toBeGreaterThanOrEqual(1);
      const { rect, score } = found[0]!;
      expect(score).toBeGreaterThan(0);
      expect(rect.right - rect.left).toBeGreaterThan(70);
      expect(rect.right - rect.left).toBeLessThan(140);
      expect((rect.left + rect.right) / 2).toBeGreaterThan(100);
      expect((rect.left + rect.right) / 2).toBeLessThan(150);
      expect(found.filter((d) => d.score > 0.5)).toHaveLength(1);
    }
  });

  it('finds the face of a photo and nothing in the part of it beside the face', async () => {
    const file = dataPath('deepface', 'img22.jpg'); // 1200 x 800, the face right of the middle
    const whole = await detector.detect(await rgb(file, { width: 400 }));
    expect(whole).toHaveLength(1);
    const { rect } = whole[0]!;
    expect(rect.left).toBeGreaterThan(220);
    expect(rect.right).toBeLessThan(380);
    expect(await detector.detect(await rgb(file, { crop: { left: 0, top: 0, width: 600, height: 800 }, width: 300 }))).toEqual([]);
  });

  it('frees its tensors: detection leaves none behind', async () => {
    const { tf } = await import('../runtime/backend.js');
    const before = tf.memory().numTensors;
    await detector.detect(await rgb(lfw('Colin_Powell_0001.jpg')));
    expect(tf.memory().numTensors).toBe(before);
  });
});
