import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/engine.js';
import { lfwImagePath } from '../src/lfw.js';
import { cosineSimilarity } from '../src/models/embedder.js';
import { pickSubjectFace } from '../src/subject-face.js';
import { crossValidateHead, type LabelledPair } from '../src/training/cross-validate.js';
import {
  applyProjectionHead,
  headFromFile,
  headToFile,
  trainProjectionHead,
  type LabelledEmbedding,
} from '../src/training/projection-head.js';
import { dataPath } from './helpers.js';

const PEOPLE = [
  'Colin_Powell',
  'Tony_Blair',
  'Hugo_Chavez',
  'Jacques_Chirac',
  'Jennifer_Capriati',
  'Laura_Bush',
];
const PER_PERSON = 3;

describe('projection head training on real LFW embeddings', () => {
  let engine: Engine;
  const samples: LabelledEmbedding[] = [];

  beforeAll(async () => {
    engine = await createEngine({ runtime: { workers: 0 }, spoof: { enabled: false } });
    for (const name of PEOPLE) {
      for (let index = 1; index <= PER_PERSON; index++) {
        const bytes = await readFile(lfwImagePath(dataPath('lfw', 'images'), { name, index }));
        const embedding = pickSubjectFace(await engine.analyze(bytes, { polygon: false }))?.embedding;
        if (embedding) samples.push({ label: name, embedding });
      }
    }
  });

  afterAll(async () => {
    await engine.close();
  });

  it('starts from the identity: an untrained head returns the embedding unchanged', async () => {
    expect(samples.length).toBeGreaterThanOrEqual(PEOPLE.length * 2);
    const head = await trainProjectionHead(samples, { steps: 0 });
    const first = samples[0] as LabelledEmbedding;
    expect(cosineSimilarity(applyProjectionHead(head, first.embedding), first.embedding)).toBeCloseTo(1, 6);
  });

  it('lowers its loss and is repeatable for a seed', async () => {
    const losses: number[] = [];
    const options = {
      steps: 60,
      batchIdentities: 4,
      progressEvery: 10,
      regularization: 0.01,
      learningRate: 0.01,
    };
    const a = await trainProjectionHead(samples, {
      ...options,
      onProgress: (_step, loss) => losses.push(loss),
    });
    const b = await trainProjectionHead(samples, options);
    expect(losses).toHaveLength(6);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] as number);
    expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
    expect(a.trainedOn).toEqual({ identities: PEOPLE.length, images: samples.length });
    const c = await trainProjectionHead(samples, { ...options, seed: 2 });
    expect(Array.from(c.weights)).not.toEqual(Array.from(a.weights));
  });

  it('round-trips through its file and refuses files that are not heads', async () => {
    const head = await trainProjectionHead(samples, { steps: 5, batchIdentities: 4 });
    const file = JSON.parse(JSON.stringify(headToFile(head, 'faceapi-resnet128'))) as unknown;
    const back = headFromFile(file);
    expect(back.model).toBe('faceapi-resnet128');
    expect(Array.from(back.weights)).toEqual(Array.from(head.weights));
    expect(() => headFromFile({ format: 'something-else' })).toThrow(/faceledger train head/);
    expect(() => headFromFile({ ...(file as object), weights: 'AAAA' })).toThrow(/expected 128x128/);
  });

  it('needs two people with two photos each', async () => {
    await expect(trainProjectionHead(samples.filter((s) => s.label === PEOPLE[0]))).rejects.toThrow(
      /at least two identities/,
    );
  });

  it('cross-validates without training on anyone in the tested fold', async () => {
    const byLabel = (label: string, i: number): Float32Array =>
      (samples.filter((s) => s.label === label)[i] as LabelledEmbedding).embedding;
    const pair = (fold: number, x: string, y: string): LabelledPair => ({
      fold,
      same: x === y,
      labels: [x, y],
      a: byLabel(x, 0),
      b: byLabel(y, 1),
    });
    const [p0, p1, p2, p3, p4, p5] = PEOPLE as [string, string, string, string, string, string];
    const pairs = [
      pair(0, p0, p0),
      pair(0, p0, p1),
      pair(1, p2, p2),
      pair(1, p2, p3),
      pair(2, p4, p4),
      pair(2, p4, p5),
    ];
    const report = await crossValidateHead(pairs, samples, { steps: 20, batchIdentities: 3 });
    expect(report.trainedOn.map((t) => t.identities)).toEqual([4, 4, 4]);
    expect(report.foldAccuracy).toHaveLength(3);
    expect(report.pairs).toBe(6);
    expect(report.accuracy).toBeGreaterThan(0.5);
  });
});
