import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  calibrationPoints,
  calibrationTableSource,
  measureCalibration,
  type CalibrationRow,
} from './calibrate.js';
import { getModelInfo } from '../models/registry.js';
import { CALIBRATED_FPIR_TARGETS, identifyThreshold } from './calibration.js';
import { IDENTIFY_CALIBRATIONS } from './calibration-data.js';
import { buildOpenSetProtocol } from './protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const calibrationDir = path.resolve(here, '../../calibration');

describe('identify calibration measurement', () => {
  it('the shipped table is exactly what the raw draws in calibration/ generate, one entry per file', () => {
    const files = readdirSync(calibrationDir).filter((f) => f.endsWith('.identify.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const calibrations = files.map((f) => {
      const c = JSON.parse(readFileSync(path.join(calibrationDir, f), 'utf8')) as {
        model: string;
        data: string;
        measured: string;
        rows: CalibrationRow[];
      };
      expect(f).toBe(`${c.model}.identify.json`);
      return { model: c.model, data: c.data, measured: c.measured, points: calibrationPoints(c.rows) };
    });
    expect(Object.keys(IDENTIFY_CALIBRATIONS).sort()).toEqual(calibrations.map((c) => c.model).sort());
    for (const c of calibrations) expect(IDENTIFY_CALIBRATIONS[c.model]).toEqual(c);
    expect(calibrationTableSource(calibrations)).toBe(
      readFileSync(path.join(here, 'calibration-data.ts'), 'utf8'),
    );
  });

  it('every shipped model: stricter targets give higher thresholds at every size, all above its pair threshold', () => {
    expect(Object.keys(IDENTIFY_CALIBRATIONS)).toEqual(
      expect.arrayContaining(['faceapi-resnet128', 'human-mobileface']),
    );
    for (const model of Object.keys(IDENTIFY_CALIBRATIONS)) {
      const pair = getModelInfo(model).threshold;
      for (const size of [1, 10, 60, 400, 826, 10_000]) {
        const t = CALIBRATED_FPIR_TARGETS.map((fpir) => identifyThreshold(model, fpir, size));
        expect(t[0]!).toBeGreaterThan(pair);
        expect(t[1]!).toBeGreaterThan(t[0]!);
        expect(t[2]!).toBeGreaterThan(t[1]!);
      }
    }
  });

  it('keeps the highest threshold over the draws, rounded up, and ends with the full gallery', () => {
    // 40 people with two photos (the second near the first) and 200 strangers, as seeded random
    // directions in 64 dimensions: strangers score far below a person's second photo.
    let seed = 1;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646 - 0.5;
    const direction = (near?: Float32Array): Float32Array =>
      Float32Array.from({ length: 64 }, (_, i) => (near ? (near[i] as number) + 0.05 * random() : random()));
    const vectors = new Map<string, Float32Array>();
    const files: string[] = [];
    const add = (file: string, v: Float32Array): void => {
      vectors.set(file, v);
      files.push(file);
    };
    for (let i = 0; i < 40; i++) {
      const first = direction();
      add(`/d/p${i}/p${i}_0001.jpg`, first);
      add(`/d/p${i}/p${i}_0002.jpg`, direction(first));
    }
    for (let j = 0; j < 200; j++) add(`/d/s${j}/s${j}_0001.jpg`, direction());
    const protocol = buildOpenSetProtocol(files, [], 1);
    const embeddingOf = (f: string): Float32Array | null => vectors.get(f) ?? null;
    const plan = { sizes: [5, 20, 60], draws: 4, seed: 7 };
    const rows = measureCalibration(protocol, embeddingOf, plan);
    expect(rows.map((r) => [r.size, r.draws])).toEqual([
      [5, 4],
      [20, 4],
      [40, 1],
    ]);
    // People left out of a drawn gallery are strangers to it.
    expect(rows[0]!.nonMated).toEqual([235, 235, 235, 235]);
    expect(rows[2]!.nonMated).toEqual([200]);
    for (const r of rows)
      for (const s of Object.values(r.thresholds)) {
        expect(s.max).toBeGreaterThanOrEqual(s.median);
        expect(s.median).toBeGreaterThanOrEqual(s.min);
      }
    // The same seed draws the same galleries; another seed others.
    expect(measureCalibration(protocol, embeddingOf, plan)).toEqual(rows);
    expect(measureCalibration(protocol, embeddingOf, { ...plan, seed: 8 })).not.toEqual(rows);
    const points = calibrationPoints(rows);
    expect(points['0.01']!.map(([s]) => s)).toEqual([5, 20, 40]);
    for (const [i, [, t]] of points['0.01']!.entries()) {
      const max = rows[i]!.thresholds['0.01']!.max;
      expect(t).toBeGreaterThanOrEqual(max);
      expect(t - max).toBeLessThan(1e-4);
    }
  });
});
