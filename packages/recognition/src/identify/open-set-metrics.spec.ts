import { describe, expect, it } from 'vitest';
import {
  detCurve,
  detSvg,
  evaluateOpenSet,
  thresholdAtFpir,
  type SearchOutcome,
} from './open-set-metrics.js';

/**
 * 101 non-mated searches: rank-1 scores 0.00, 0.01, ..., 0.99 and one probe without a face.
 * 8 mated searches: (score, rank-1 is the mate) below; one without a face.
 */
function handMadeSearches(): SearchOutcome[] {
  const searches: SearchOutcome[] = [];
  for (let i = 0; i < 100; i++) searches.push({ mated: false, topScore: i / 100, topIsMate: false });
  searches.push({ mated: false, topScore: null, topIsMate: false });
  const mated: Array<[number | null, boolean]> = [
    [0.995, true],
    [0.985, true],
    [0.975, true],
    [0.999, false],
    [null, false],
    [0.5, true],
    [0.992, true],
    [0.981, true],
  ];
  for (const [topScore, topIsMate] of mated) searches.push({ mated: true, topScore, topIsMate });
  return searches;
}

describe('open-set metrics', () => {
  it('reads FNIR at FPIR on a hand-made score set', () => {
    const r = evaluateOpenSet(handMadeSearches());
    // FPIR 1e-2 of 101 non-mated allows floor(1.01) = 1 alarm: the second highest non-mated score
    // (0.98) must be refused, so the threshold is the lowest score above it, 0.981; mates at rank 1
    // at or above it: 0.995, 0.985, 0.992, 0.981 = 4 of 8.
    expect(r.thresholds['1e-2']).toBe(0.981);
    expect(r.fnir['1e-2']).toBe(0.5);
    // 3e-3 and 1e-3 allow no alarm: refuse 0.99, threshold 0.992; hits 0.995 and 0.992 = 2 of 8.
    expect(r.thresholds['3e-3']).toBe(0.992);
    expect(r.fnir['3e-3']).toBe(0.75);
    expect(r.thresholds['1e-3']).toBe(0.992);
    expect(r.fnir['1e-3']).toBe(0.75);
    // rank-1 ignores the threshold: 6 of 8 mated searches have the mate first.
    expect(r.rank1).toBe(0.75);
    expect(r.mated).toBe(8);
    expect(r.nonMated).toBe(101);
    expect(r.failures).toBe(2);
  });

  it('draws the DET curve through the same operating points', () => {
    const det = detCurve(handMadeSearches());
    expect(det[0]).toEqual({ threshold: Infinity, fpir: 0, fnir: 1 });
    expect(det.find((p) => p.threshold === 0.981)).toEqual({ threshold: 0.981, fpir: 1 / 101, fnir: 0.5 });
    expect(det.at(-1)).toEqual({ threshold: 0, fpir: 100 / 101, fnir: 2 / 8 });
    const svg = detSvg([{ label: 'gallery 8 <x>', points: det }], 'DET');
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg).toContain('gallery 8 x');
  });

  it('accepts everything when the FPIR allows every non-mated search, and has no figures without strangers', () => {
    const searches: SearchOutcome[] = [
      { mated: false, topScore: 0.4, topIsMate: false },
      { mated: true, topScore: 0.3, topIsMate: true },
    ];
    expect(thresholdAtFpir(searches, 1)).toBe(-Infinity);
    const onlyMated = evaluateOpenSet([{ mated: true, topScore: 0.9, topIsMate: true }]);
    expect(onlyMated.fnir['1e-2']).toBeNull();
    expect(onlyMated.thresholds['1e-2']).toBeNull();
    expect(onlyMated.rank1).toBe(1);
  });
});
