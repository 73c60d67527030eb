import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosineSimilarity, createEngine, DEFAULT_ENROLLMENT_POLICY, evaluateEnrollment, getModelInfo, isRecognitionError, RecognitionErrorCode, type Engine, type Face } from '../src/index.js';
import { pickSubjectFace } from '../src/subject-face.js';
import { dataPath } from './helpers.js';

let engine: Engine;
const cache = new Map<string, Promise<Face | undefined>>();

function mainFace(file: string): Promise<Face | undefined> {
  let hit = cache.get(file);
  if (!hit) {
    hit = readFile(dataPath('deepface', file)).then(async (bytes) => pickSubjectFace(await engine.analyze(bytes, { polygon: false })));
    cache.set(file, hit);
  }
  return hit;
}

beforeAll(async () => {
  engine = await createEngine({ runtime: { workers: 0 } });
});

afterAll(async () => {
  await engine.close();
});

describe('engine (in-process) on real photos', () => {
  it('reports backend and the default model', () => {
    const info = engine.info();
    expect(info.backend).toBe('wasm');
    expect(info.workers).toBe(0);
    expect(info.defaultModel).toBe('faceapi-resnet128');
    expect(info.dims).toBe(128);
    expect(info.models.map((m) => m.id)).toEqual(expect.arrayContaining(['faceapi-resnet128', 'human-faceres', 'human-mobileface']));
  });

  it('finds both faces in couple.jpg with full per-face output', async () => {
    const r = await engine.analyze(await readFile(dataPath('deepface', 'couple.jpg')));
    expect(r.faces).toHaveLength(2);
    for (const f of r.faces) {
      expect(f.score).toBeGreaterThan(0.5);
      expect(f.box.width).toBeGreaterThan(100);
      const { rightEye, leftEye, nose, rightMouth, leftMouth } = f.landmarks;
      expect(rightEye.x).toBeLessThan(leftEye.x);
      expect(nose.y).toBeGreaterThan(rightEye.y);
      expect(rightMouth.y).toBeGreaterThan(nose.y);
      expect(leftMouth.x).toBeGreaterThan(rightMouth.x);
      for (const p of [rightEye, leftEye, nose]) {
        expect(p.x).toBeGreaterThanOrEqual(f.box.x);
        expect(p.x).toBeLessThanOrEqual(f.box.x + f.box.width);
      }
      expect(Math.abs(f.pose.yaw)).toBeLessThan(45);
      expect(f.quality.eyeDistance).toBeGreaterThan(100);
      expect(f.quality.score).toBeGreaterThan(0.5);
      expect(f.spoof.antispoof).toBeGreaterThanOrEqual(0);
      expect(f.spoof.liveness).toBeGreaterThanOrEqual(0);
      expect(f.polygon?.length).toBe(36);
      expect(f.embedding).toBeInstanceOf(Float32Array);
      expect(f.embedding?.length).toBe(128);
      expect(f.modelId).toBe('faceapi-resnet128');
      const norm = Math.hypot(...(f.embedding ?? []));
      expect(norm).toBeCloseTo(1, 5);
      expect(f.attributes).toBeUndefined();
    }
    const [a, b] = r.faces as [Face, Face];
    expect(cosineSimilarity(a.embedding as Float32Array, b.embedding as Float32Array)).toBeLessThan(getModelInfo('faceapi-resnet128').threshold);
  });

  it('says when an image holds more faces than detector.maxFaces, and keeps that many of them', async () => {
    const photo = await readFile(dataPath('deepface', 'selfie-many-people.jpg'));
    const all = await engine.analyze(photo, { embed: false });
    expect(all.facesTruncated).toBe(false);
    const capped = await createEngine({ runtime: { workers: 0 }, detector: { maxFaces: 3 } });
    try {
      const r = await capped.analyze(photo, { embed: false });
      expect(all.faces.length).toBeGreaterThan(3);
      expect(r.faces).toHaveLength(3);
      expect(r.facesTruncated).toBe(true);
      const area = (f: Face) => f.box.width * f.box.height;
      expect(all.faces.map(area)).toEqual(expect.arrayContaining(r.faces.map(area)));
    } finally {
      await capped.close();
    }
  });

  it('finds many faces in selfie-many-people.jpg', async () => {
    const r = await engine.analyze(await readFile(dataPath('deepface', 'selfie-many-people.jpg')), { embed: false });
    expect(r.faces.length).toBeGreaterThanOrEqual(5);
    expect(r.faces.every((f) => f.embedding === undefined)).toBe(true);
  });

  it('is deterministic: the same image gives cosine 1.0', async () => {
    const bytes = await readFile(dataPath('deepface', 'img1.jpg'));
    const a = (await engine.analyze(bytes)).faces[0]?.embedding as Float32Array;
    const b = (await engine.analyze(bytes)).faces[0]?.embedding as Float32Array;
    expect(cosineSimilarity(a, b)).toBeCloseTo(1, 6);
  });

  it('separates the master.csv pairs with the default threshold', async () => {
    const csv = (await readFile(dataPath('deepface', 'master.csv'), 'utf8')).trim().split(/\r?\n/).slice(1);
    const threshold = getModelInfo(engine.info().defaultModel).threshold;
    let correct = 0;
    let missing = 0;
    for (const line of csv) {
      const [x, y, decision] = line.split(',') as [string, string, string];
      const [fa, fb] = [await mainFace(x), await mainFace(y)];
      if (!fa?.embedding || !fb?.embedding) {
        missing++;
        continue;
      }
      if (cosineSimilarity(fa.embedding, fb.embedding) >= threshold === (decision.trim() === 'Yes')) correct++;
    }
    const accuracy = correct / csv.length;
    process.stderr.write(`master.csv: ${correct}/${csv.length} correct (${(accuracy * 100).toFixed(1)}%), ${missing} pairs without a face\n`);
    expect(missing).toBe(0);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('matches a small LFW slice (same vs different people)', async () => {
    const lfw = (name: string, n: number): Promise<Buffer> => readFile(dataPath('lfw', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`));
    const emb = async (name: string, n: number): Promise<Float32Array> => pickSubjectFace(await engine.analyze(await lfw(name, n)))?.embedding as Float32Array;
    const threshold = getModelInfo('faceapi-resnet128').threshold;
    const same: [string, number, number][] = [
      ['Abel_Pacheco', 1, 4],
      ['Akhmed_Zakayev', 1, 3],
    ];
    for (const [name, a, b] of same) expect(cosineSimilarity(await emb(name, a), await emb(name, b))).toBeGreaterThanOrEqual(threshold);
    const different: [string, number, string, number][] = [
      ['Abdel_Madi_Shabneh', 1, 'Dean_Barker', 1],
      ['Abdel_Madi_Shabneh', 1, 'Giancarlo_Fisichella', 1],
    ];
    for (const [a, na, b, nb] of different) expect(cosineSimilarity(await emb(a, na), await emb(b, nb))).toBeLessThan(threshold);
  });

  it("places dlib's chip with its 5-point predictor and averages two placements as two equal groups", async () => {
    const bytes = await readFile(dataPath('lfw', 'images', 'Colin_Powell', 'Colin_Powell_0001.jpg'));
    const other = await readFile(dataPath('lfw', 'images', 'Ann_Veneman', 'Ann_Veneman_0001.jpg'));
    const embed = async (image: Buffer, chipLandmarks: 'mesh-51' | 'dlib-5' | 'mesh-51+dlib-5'): Promise<Float32Array> =>
      pickSubjectFace(await engine.analyze(image, { polygon: false, chipLandmarks }))?.embedding as Float32Array;
    const mesh51 = await embed(bytes, 'mesh-51');
    const dlib5 = await embed(bytes, 'dlib-5');
    const both = await embed(bytes, 'mesh-51+dlib-5');
    // Two placements of one face: close, not equal; another person is far from both.
    expect(cosineSimilarity(mesh51, dlib5)).toBeGreaterThan(0.95);
    expect(cosineSimilarity(mesh51, dlib5)).toBeLessThan(0.9999);
    expect(cosineSimilarity(dlib5, await embed(other, 'dlib-5'))).toBeLessThan(0.9);
    // The ensemble is the normalised sum of the two placements' (normalised) embeddings.
    const sum = mesh51.map((v, i) => v + (dlib5[i] as number));
    const norm = Math.hypot(...sum);
    both.forEach((v, i) => expect(v).toBeCloseTo((sum[i] as number) / norm, 5));
  });

  it("places dlib's chip from its MMOD detector's box as dlib's pipeline does, and averages it with mesh-51", async () => {
    const bytes = await readFile(dataPath('lfw', 'images', 'Colin_Powell', 'Colin_Powell_0001.jpg'));
    const embed = async (chipLandmarks: 'mesh-51' | 'dlib-5' | 'mmod-5' | 'mesh-51+mmod-5'): Promise<Float32Array> =>
      pickSubjectFace(await engine.analyze(bytes, { polygon: false, chipLandmarks }))?.embedding as Float32Array;
    const [mesh51, dlib5, mmod5, both] = [await embed('mesh-51'), await embed('dlib-5'), await embed('mmod-5'), await embed('mesh-51+mmod-5')];
    // The predictor started from MMOD's box lands near where it lands from the mesh-fitted box, not on it.
    expect(cosineSimilarity(dlib5, mmod5)).toBeGreaterThan(0.97);
    expect(cosineSimilarity(dlib5, mmod5)).toBeLessThan(0.99999);
    const sum = mesh51.map((v, i) => v + (mmod5[i] as number));
    const norm = Math.hypot(...sum);
    both.forEach((v, i) => expect(v).toBeCloseTo((sum[i] as number) / norm, 5));
  });

  it('averages jittered copies of the chip when asked (chipJitter), the same every time, near the plain chip', async () => {
    const bytes = await readFile(dataPath('lfw', 'images', 'Colin_Powell', 'Colin_Powell_0001.jpg'));
    const other = await readFile(dataPath('lfw', 'images', 'Colin_Powell', 'Colin_Powell_0002.jpg'));
    const embed = async (image: Buffer, chipJitter: number): Promise<Float32Array> =>
      pickSubjectFace(await engine.analyze(image, { polygon: false, chipJitter }))?.embedding as Float32Array;
    const plain = await embed(bytes, 0);
    const jittered = await embed(bytes, 4);
    expect(cosineSimilarity(jittered, await embed(bytes, 4))).toBeCloseTo(1, 6);
    expect(cosineSimilarity(plain, jittered)).toBeGreaterThan(0.99);
    expect(cosineSimilarity(plain, jittered)).toBeLessThan(0.99999);
    // still the same person as their other photo
    expect(cosineSimilarity(jittered, await embed(other, 4))).toBeGreaterThan(0.911);
    await expect(createEngine({ runtime: { workers: 0 }, embedding: { chipJitter: 65 } })).rejects.toThrow(/embedding.chipJitter' must be an integer in \[0, 64\]/);
  });

  it('embeds with every registered model behind real alignment', async () => {
    const bytes = await readFile(dataPath('deepface', 'img1.jpg'));
    const r = await engine.analyze(bytes, { extraModels: ['human-faceres', 'human-mobileface'], blankBackground: true, mirror: false });
    const f = r.faces[0] as Face;
    expect(f.extraEmbeddings?.['human-faceres']?.length).toBe(1024);
    expect(f.extraEmbeddings?.['human-mobileface']?.length).toBe(256);
    const plain = (await engine.analyze(bytes, { mirror: false })).faces[0]?.embedding as Float32Array;
    const blanked = f.embedding as Float32Array;
    const similarity = cosineSimilarity(plain, blanked);
    expect(similarity).toBeLessThan(0.9999);
    expect(similarity).toBeGreaterThan(0.8);
  });

  it('applies the enrollment policy', async () => {
    const good = (await mainFace('img1.jpg')) as Face;
    expect(evaluateEnrollment(good).accepted).toBe(true);
    const strict = evaluateEnrollment(good, { minEyeDistance: 10_000 });
    expect(strict.accepted).toBe(false);
    expect(strict.violations.map((v) => v.code)).toContain('FACE_TOO_SMALL');
    const turned = evaluateEnrollment({ ...good, pose: { ...good.pose, yaw: 50 } });
    expect(turned.violations.map((v) => v.code)).toEqual(['POSE_YAW']);
    expect(DEFAULT_ENROLLMENT_POLICY.minEyeDistance).toBe(40);
    expect(DEFAULT_ENROLLMENT_POLICY.maxYaw).toBe(30);
  });

  it('returns typed errors for bad input and keeps working afterwards', async () => {
    const bad = [new Uint8Array(0), Buffer.from('not an image'), (await readFile(dataPath('deepface', 'img2.jpg'))).subarray(0, 5000)];
    for (const bytes of bad) {
      const error = await engine.analyze(bytes).catch((e: unknown) => e);
      expect(isRecognitionError(error)).toBe(true);
    }
    const blank = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#808080' } }).png().toBuffer();
    expect((await engine.analyze(blank)).faces).toHaveLength(0);
    const batch = await engine.analyzeMany([blank, Buffer.from('x')]);
    expect(batch[0]?.ok).toBe(true);
    expect(batch[1]?.ok === false && batch[1].error.code).toBe(RecognitionErrorCode.NOT_AN_IMAGE);
  });

  // 1,000 analyses (small faces, blanks without a face, mirror and polygon on and off); about 2-5 min
  // on 2 cores. LEAK_TEST_IMAGES=100 shortens it while iterating on the pipeline.
  it('does not leak tensors over many analyses', { timeout: 600_000 }, async () => {
    const files = ['img1.jpg', 'img2.jpg', 'img5.jpg'];
    const small = await Promise.all(files.map(async (f) => sharp(await readFile(dataPath('deepface', f))).resize(128).jpeg().toBuffer()));
    const blank = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#222' } }).png().toBuffer();
    for (const b of small) await engine.analyze(b);
    const before = engine.numTensors();
    const rounds = Number(process.env.LEAK_TEST_IMAGES ?? 1000);
    for (let i = 0; i < rounds; i++) {
      const bytes = i % 4 === 3 ? blank : (small[i % small.length] as Buffer);
      await engine.analyze(bytes, { mirror: i % 2 === 0, polygon: i % 3 === 0 });
    }
    await engine.analyze(Buffer.from('garbage')).catch(() => undefined);
    expect(engine.numTensors()).toBe(before);
  });
});
