import { describe, expect, it } from 'vitest';
import {
  estimateIdentifyFpir,
  identifyCalibration,
  identifyThreshold,
  NoIdentifyCalibrationError,
} from './calibration.js';

const MODEL = 'faceapi-resnet128';
const SIZES = [1, 10, 17, 25, 40, 50, 100, 150, 200, 400, 826, 1000, 100000];

describe('identify calibration', () => {
  it('ships a calibration for the default model, measured at the full dev gallery (826 people)', () => {
    const cal = identifyCalibration(MODEL);
    expect(cal).not.toBeNull();
    // The full-gallery point is the eval identify K = 1 run of the README (0.963717 at FPIR 1e-2).
    expect(identifyThreshold(MODEL, 1e-2, 826)).toBeCloseTo(0.9638, 4);
    expect(identifyThreshold(MODEL, 1e-3, 826)).toBeCloseTo(0.9891, 4);
  });

  it('never falls below the pair threshold and is stricter for a stricter target at every size', () => {
    for (const size of SIZES) {
      const t2 = identifyThreshold(MODEL, 1e-2, size);
      const t5 = identifyThreshold(MODEL, 5e-3, size);
      const t3 = identifyThreshold(MODEL, 3e-3, size);
      const t1 = identifyThreshold(MODEL, 1e-3, size);
      expect(t2).toBeGreaterThan(0.911);
      expect(t5).toBeGreaterThanOrEqual(t2);
      expect(t3).toBeGreaterThanOrEqual(t5);
      expect(t1).toBeGreaterThanOrEqual(t3);
    }
  });

  it('changes with gallery size, interpolating in log size between measured sizes', () => {
    expect(identifyThreshold(MODEL, 1e-2, 50)).not.toBeCloseTo(identifyThreshold(MODEL, 1e-2, 826), 3);
    const a = identifyThreshold(MODEL, 1e-2, 100);
    const b = identifyThreshold(MODEL, 1e-2, 200);
    const mid = identifyThreshold(MODEL, 1e-2, Math.round(Math.sqrt(100 * 200)));
    expect(mid).toBeCloseTo((a + b) / 2, 3);
  });

  it('is continuous in size: no jump between neighbouring sizes', () => {
    for (let s = 10; s < 900; s++)
      expect(
        Math.abs(identifyThreshold(MODEL, 1e-2, s + 1) - identifyThreshold(MODEL, 1e-2, s)),
      ).toBeLessThan(0.005);
  });

  it('past the largest measured size never goes below the largest measured threshold', () => {
    for (const t of [1e-2, 3e-3, 1e-3])
      for (const size of [827, 5000, 1e6])
        expect(identifyThreshold(MODEL, t, size)).toBeGreaterThanOrEqual(identifyThreshold(MODEL, t, 826));
  });

  it('refuses a target stricter than the data can estimate', () => {
    expect(() => identifyThreshold(MODEL, 1e-4, 100)).toThrow(RangeError);
    expect(() => identifyThreshold(MODEL, 0, 100)).toThrow(RangeError);
  });

  it('a model without a calibration says so', () => {
    expect(identifyCalibration('no-such-model')).toBeNull();
    expect(() => identifyThreshold('no-such-model', 1e-2, 10)).toThrow(NoIdentifyCalibrationError);
    expect(() => identifyThreshold('no-such-model', 1e-2, 10)).toThrow(/no identify calibration/);
  });

  it('estimates FPIR of a threshold consistently with identifyThreshold', () => {
    for (const size of [25, 100, 826]) {
      expect(estimateIdentifyFpir(MODEL, identifyThreshold(MODEL, 3e-3, size), size).fpir).toBeCloseTo(
        3e-3,
        5,
      );
      const loose = estimateIdentifyFpir(MODEL, 0.911, size);
      expect(loose.bound).toBe('atLeast');
      expect(loose.fpir).toBeGreaterThan(1e-2);
      expect(loose.fpir).toBeGreaterThan(
        estimateIdentifyFpir(MODEL, identifyThreshold(MODEL, 1e-2, size) - 0.001, size).fpir,
      );
      expect(estimateIdentifyFpir(MODEL, 1.2, size)).toEqual({ fpir: 1e-3, bound: 'atMost' });
      const mid = estimateIdentifyFpir(MODEL, identifyThreshold(MODEL, 5e-3, size), size);
      expect(mid.bound).toBe('estimate');
      expect(mid.fpir).toBeCloseTo(5e-3, 5);
    }
  });
});
