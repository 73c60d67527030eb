import { describe, expect, it } from 'vitest';
import {
  operatingPoint,
  thinRoc,
  thresholdForFmr,
  type OperatingPointModel,
  type StoredRocPoint,
} from './evaluation-report.js';

function expectPoint(actual: OperatingPointModel | null, expected: OperatingPointModel): void {
  expect(actual?.threshold).toBe(expected.threshold);
  expect(actual?.fmr).toBeCloseTo(expected.fmr, 10);
  expect(actual?.fnmr).toBeCloseTo(expected.fnmr, 10);
}

// Scores: same pairs 0.9, 0.8, 0.5; different pairs 0.7, 0.3, 0.2 (3 and 3).
const ROC: StoredRocPoint[] = [
  [null, 0, 0],
  [0.9, 0, 1 / 3],
  [0.8, 0, 2 / 3],
  [0.7, 1 / 3, 2 / 3],
  [0.5, 1 / 3, 1],
  [0.3, 2 / 3, 1],
  [0.2, 1, 1],
];

describe('evaluation report', () => {
  it('reads the rates at any threshold from the ROC', () => {
    expectPoint(operatingPoint(ROC, 0.85), { threshold: 0.85, fmr: 0, fnmr: 2 / 3 });
    expectPoint(operatingPoint(ROC, 0.8), { threshold: 0.8, fmr: 0, fnmr: 1 / 3 });
    expectPoint(operatingPoint(ROC, 0.6), { threshold: 0.6, fmr: 1 / 3, fnmr: 1 / 3 });
    expectPoint(operatingPoint(ROC, 0.95), { threshold: 0.95, fmr: 0, fnmr: 1 });
    expectPoint(operatingPoint(ROC, 0.1), { threshold: 0.1, fmr: 1, fnmr: 0 });
  });

  it('picks the lowest threshold that meets a target FMR', () => {
    expectPoint(thresholdForFmr(ROC, 0), { threshold: 0.8, fmr: 0, fnmr: 1 / 3 });
    expectPoint(thresholdForFmr(ROC, 0.4), { threshold: 0.5, fmr: 1 / 3, fnmr: 0 });
    expectPoint(thresholdForFmr(ROC, 1), { threshold: 0.2, fmr: 1, fnmr: 0 });
    expect(thresholdForFmr([[null, 0, 0]], 0.1)).toBeNull();
  });

  it('thins a long ROC to at most the maximum, keeping both ends and the order', () => {
    const long: StoredRocPoint[] = Array.from({ length: 1001 }, (_, i) => [
      1 - i / 1000,
      i / 1000,
      Math.sqrt(i / 1000),
    ]);
    const thin = thinRoc(long, 50);
    expect(thin.length).toBeLessThanOrEqual(50);
    expect(thin[0]).toEqual(long[0]);
    expect(thin.at(-1)).toEqual(long.at(-1));
    for (let i = 1; i < thin.length; i++)
      expect((thin[i] as StoredRocPoint)[1]).toBeGreaterThan((thin[i - 1] as StoredRocPoint)[1]);
    expect(thinRoc(ROC)).toEqual(ROC);
  });
});
