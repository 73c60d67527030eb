import { describe, expect, it } from 'vitest';
import { accuracyAt, bestThreshold, evaluateVerification, rocCsv, rocSvg, type ScoredPair } from './metrics.js';
import { parseLfwPairs } from './lfw.js';

describe('verification metrics', () => {
  it('separable scores give accuracy 1, AUC 1, EER 0', () => {
    const pairs: ScoredPair[] = [];
    for (let fold = 0; fold < 3; fold++) {
      for (let i = 0; i < 10; i++) {
        pairs.push({ fold, same: true, score: 0.8 + i * 0.01 });
        pairs.push({ fold, same: false, score: 0.1 + i * 0.01 });
      }
    }
    const r = evaluateVerification(pairs);
    expect(r.accuracy).toBe(1);
    expect(r.accuracyStd).toBe(0);
    expect(r.auc).toBeCloseTo(1, 9);
    expect(r.eer).toBe(0);
    expect(r.tarAtFar['1e-3']).toBe(1);
    expect(r.threshold).toBeGreaterThan(0.19);
    expect(r.threshold).toBeLessThan(0.8);
    expect(rocCsv(r.roc).split('\n')[0]).toBe('threshold,far,tar');
    expect(rocSvg(r.roc, 'x')).toContain('<polyline');
  });

  it('counts unscored pairs as errors and picks the accuracy-maximising threshold', () => {
    const pairs: ScoredPair[] = [
      { fold: 0, same: true, score: 0.9 },
      { fold: 0, same: true, score: null },
      { fold: 0, same: false, score: 0.2 },
      { fold: 0, same: false, score: 0.6 },
      { fold: 0, same: true, score: 0.7 },
    ];
    const t = bestThreshold(pairs);
    expect(t).toBeGreaterThan(0.6);
    expect(t).toBeLessThan(0.7);
    expect(accuracyAt(pairs, t)).toBeCloseTo(4 / 5, 9);
    const r = evaluateVerification(pairs);
    expect(r.failures).toBe(1);
    expect(r.auc).toBeLessThan(1);
  });

  it('parses the official LFW pairs format', () => {
    const text = '2\t1\nA\t1\t2\nB\t1\tC\t3\nD\t2\t4\nE\t1\tF\t1\n';
    const pairs = parseLfwPairs(text);
    expect(pairs).toHaveLength(4);
    expect(pairs[1]).toEqual({ fold: 0, same: false, a: { name: 'B', index: 1 }, b: { name: 'C', index: 3 } });
    expect(pairs[2]?.fold).toBe(1);
  });
});
