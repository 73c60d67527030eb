import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPeople } from './helpers.js';

const run = promisify(execFile);
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/main.js');
/** Two LFW photos each: enrolled with the first, probed with the second. */
const MATED = ['Colin_Powell', 'Tony_Blair', 'Hugo_Chavez', 'Laura_Bush'];
/** People with one LFW photo: strangers. */
const STRANGERS = ['AJ_Cook', 'Aaron_Patterson', 'Aaron_Pena', 'Abba_Eban'];

interface CalibrationJson {
  model: string;
  data: string;
  measured: string;
  plan: { sizes: number[]; draws: number; seed: number };
  report: { gallery: number; rank1: number; mated: number; nonMated: number; failures: number };
  rows: Array<{
    size: number;
    draws: number;
    nonMated: number[];
    thresholds: Record<string, { max: number }>;
  }>;
  identifyCalibration: { data: string; measured: string; points: Record<string, Array<[number, number]>> };
}

describe('faceledger calibrate identify (the built bin, on real LFW photos)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-calibrate-'));
    await copyPeople(path.join(dir, 'images'), MATED, 2);
    await copyPeople(path.join(dir, 'images'), STRANGERS, 1);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const calibrate = (...extra: string[]) =>
    run(
      process.execPath,
      [
        cli,
        'calibrate',
        'identify',
        '--images',
        path.join(dir, 'images'),
        '--cache',
        path.join(dir, 'cache'),
        ...extra,
      ],
      { env: { ...process.env, LOG_LEVEL: 'silent' }, maxBuffer: 16 * 1024 * 1024 },
    );

  it('measures thresholds per gallery size, writes the raw draws and a calibration table, the same on a rerun', async () => {
    const out = path.join(dir, 'calibration');
    const table = path.join(dir, 'calibration-data.ts');
    const args = [
      '--sizes',
      '2',
      '--draws',
      '3',
      '--label',
      'four LFW people',
      '--out',
      out,
      '--table',
      table,
      '--json',
    ];
    const first = await calibrate(...args);
    const json = JSON.parse(first.stdout) as CalibrationJson;
    expect(json.model).toBe('faceapi-resnet128');
    expect(json.data).toBe('four LFW people');
    expect(json.plan).toEqual({ sizes: [2], draws: 3, seed: 20261206 });
    // The full gallery: every mated probe finds its mate first.
    expect(json.report).toMatchObject({ gallery: 4, rank1: 1, mated: 4, nonMated: 4, failures: 0 });
    // Size 2: three draws, the two people left out become strangers; then the full gallery, once.
    expect(json.rows.map((r) => [r.size, r.draws, r.nonMated])).toEqual([
      [2, 3, [6, 6, 6]],
      [4, 1, [4]],
    ]);
    const points = json.identifyCalibration.points;
    expect(Object.keys(points)).toEqual(['0.01', '0.003', '0.001']);
    for (const [target, list] of Object.entries(points)) {
      expect(list.map(([size]) => size)).toEqual([2, 4]);
      list.forEach(([, threshold], i) => {
        const max = json.rows[i]!.thresholds[target]!.max;
        expect(threshold).toBeGreaterThanOrEqual(max);
        expect(threshold - max).toBeLessThan(1e-4);
        // Identify scores: above the model's pair threshold for these clear mates, below 1 + 2 x 0.75.
        expect(threshold).toBeGreaterThan(0.911);
        expect(threshold).toBeLessThanOrEqual(2.5);
      });
    }
    const written = JSON.parse(
      await readFile(path.join(out, 'faceapi-resnet128.identify.json'), 'utf8'),
    ) as CalibrationJson;
    const { identifyCalibration: _, ...raw } = json;
    expect(written).toEqual(raw);
    const source = await readFile(table, 'utf8');
    expect(source).toContain("'faceapi-resnet128': {");
    expect(source).toContain(`[2, ${points['0.01']![0]![1]}],`);
    expect(first.stderr).toContain('4 people enrolled with 1 photo, 4 strangers; 12 images');
    expect(first.stderr).toMatch(/embedding 12 images/);

    // From the cache, nothing is embedded again, and the seeded draws give the same table.
    const second = await calibrate(...args);
    expect(second.stderr).not.toMatch(/embedding \d+ images/);
    expect((JSON.parse(second.stdout) as CalibrationJson).rows).toEqual(json.rows);
  });

  it('refuses --table without --out, and a folder without strangers, saying what to give', async () => {
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
    const noOut = await failure(calibrate('--table', path.join(dir, 't.ts')));
    expect(noOut?.code).toBe(1);
    expect(noOut?.stderr).toContain('--table needs --out');
    const matedOnly = path.join(dir, 'mated-only');
    await copyPeople(matedOnly, MATED.slice(0, 2), 2);
    const noStrangers = await failure(
      run(process.execPath, [cli, 'calibrate', 'identify', '--images', matedOnly], {
        env: { ...process.env, LOG_LEVEL: 'silent' },
      }),
    );
    expect(noStrangers?.code).toBe(1);
    expect(noStrangers?.stderr).toContain('people with exactly one (strangers)');
  });
});
