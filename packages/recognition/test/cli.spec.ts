import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from './helpers.js';

const run = promisify(execFile);
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/main.js');
const PEOPLE = ['Colin_Powell', 'Tony_Blair', 'Hugo_Chavez', 'Laura_Bush'];

async function faceledger(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [cli, ...args, '--json'], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

describe('faceledger CLI (the built bin, on real LFW photos)', () => {
  let dir: string;
  let images: string;
  let pairs: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-cli-'));
    images = path.join(dir, 'images');
    for (const name of PEOPLE) {
      await mkdir(path.join(images, name), { recursive: true });
      for (let i = 1; i <= 3; i++) {
        const file = `${name}_${String(i).padStart(4, '0')}.jpg`;
        await copyFile(dataPath('lfw', 'images', name, file), path.join(images, name, file));
      }
    }
    // two folds, two matched and two mismatched pairs each, in the official format
    const [a, b, c, d] = PEOPLE as [string, string, string, string];
    pairs = path.join(dir, 'pairs.txt');
    await writeFile(
      pairs,
      [
        '2\t2',
        `${a}\t1\t2`,
        `${b}\t1\t3`,
        `${a}\t1\t${b}\t2`,
        `${a}\t3\t${b}\t1`,
        `${c}\t1\t2`,
        `${d}\t2\t3`,
        `${c}\t1\t${d}\t1`,
        `${c}\t2\t${d}\t3`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** `eval lfw` on the small pairs file, sharing one embedding cache. */
  const evalLfw = (...extra: string[]) =>
    faceledger(
      'eval',
      'lfw',
      '--pairs',
      pairs,
      '--images',
      images,
      '--workers',
      '1',
      '--out',
      path.join(dir, 'eval'),
      ...extra,
    );

  it('eval lfw --json prints one object with the documented keys', async () => {
    const report = await evalLfw();
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'accuracy',
        'accuracyStd',
        'auc',
        'eer',
        'tarAtFar',
        'pairs',
        'failures',
        'model',
        'imagesPerSecond',
      ]),
    );
    expect(report.pairs).toBe(8);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.75);
    expect(Object.keys(report.tarAtFar as object)).toEqual(['1e-2', '1e-3']);
    expect(await readFile(path.join(dir, 'eval', 'roc.svg'), 'utf8')).toContain('<svg');
  });

  it('train head writes a head that eval lfw --head evaluates, leaving out the tested people', async () => {
    const headFile = path.join(dir, 'head.json');
    const trained = await faceledger(
      'train',
      'head',
      '--images',
      images,
      '--out',
      headFile,
      '--steps',
      '20',
      '--workers',
      '1',
      '--cache',
      path.join(dir, 'eval'),
    );
    expect(trained).toMatchObject({
      model: 'faceapi-resnet128',
      dims: 128,
      identities: 4,
      images: 12,
      excludedPeople: 0,
    });
    const report = await evalLfw('--head', headFile);
    const others = report.others as { model: string; pairs: number }[];
    expect(others.map((o) => o.model)).toEqual(['faceapi-resnet128+head(head.json)']);
    expect(others[0]?.pairs).toBe(8);
    const halfPairs = path.join(dir, 'half.txt');
    await writeFile(
      halfPairs,
      (await readFile(pairs, 'utf8')).replace('2\t2', '1\t2').split('\n').slice(0, 5).join('\n') + '\n',
    );
    const excluded = await faceledger(
      'train',
      'head',
      '--images',
      images,
      '--out',
      path.join(dir, 'head2.json'),
      '--steps',
      '5',
      '--workers',
      '1',
      '--exclude-pairs',
      halfPairs,
    );
    expect(excluded).toMatchObject({ identities: 2, images: 6, excludedPeople: 2 });
  });

  it('bench --json prints images per second and the per-stage split of both embedder runtimes in one run', async () => {
    const report = await faceledger('bench', '--images', images, '--count', '4', '--workers', '1');
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['imagesPerSecond', 'workers', 'stagesMs', 'model', 'backend', 'runtimes', 'defaultRuntime', 'fastestRuntime']),
    );
    expect(report.imagesPerSecond).toBeGreaterThan(0);
    expect(Object.keys(report.stagesMs as object)).toEqual([
      'decode',
      'detect',
      'align',
      'quality',
      'embed',
      'total',
    ]);
    const runtimes = report.runtimes as Record<string, { imagesPerSecond: number; stagesMs: Record<string, number>; cpuMsPerImageByWorkers: Record<string, number>; cpuBoundImagesPerSecond: number }>;
    expect(Object.keys(runtimes)).toEqual(['tfjs', 'onnx']);
    for (const r of Object.values(runtimes)) {
      expect(r.imagesPerSecond).toBeGreaterThan(0);
      expect(r.stagesMs.embed).toBeGreaterThan(0);
      expect(r.cpuMsPerImageByWorkers['1']).toBeGreaterThan(0);
      expect(r.cpuBoundImagesPerSecond).toBeCloseTo(1000 / (r.cpuMsPerImageByWorkers['1'] as number), 1);
    }
    expect(report.stagesMs).toEqual(runtimes[report.defaultRuntime as string]?.stagesMs);
  });
});
