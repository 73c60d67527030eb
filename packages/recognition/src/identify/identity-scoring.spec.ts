import { describe, expect, it } from 'vitest';
import { IDENTITY_SCORING, rankIdentities, type ScoredFace } from './identity-scoring.js';

const hits: ScoredFace[] = [
  { faceId: 'y1', identityId: 'Y', score: 0.93 },
  { faceId: 'x1', identityId: 'X', score: 0.91 },
  { faceId: 'x2', identityId: 'X', score: 0.96 },
  { faceId: 'z1', identityId: 'Z', score: 0.5 },
  { faceId: 'y2', identityId: 'Y', score: 0.92 },
];

describe('identity scoring rule', () => {
  it('ships mean of the top two faces plus 0.75 x the margin to the best rival', () => {
    expect(IDENTITY_SCORING).toEqual({ aggregation: 'mean-top2', marginWeight: 0.75 });
    const ranked = rankIdentities(hits, 2);
    // X: (0.96 + 0.91) / 2 = 0.935, Y: (0.93 + 0.92) / 2 = 0.925; each against the other
    expect(ranked.map((c) => [c.identityId, c.faceId, c.rank])).toEqual([
      ['X', 'x2', 1],
      ['Y', 'y1', 2],
    ]);
    expect(ranked[0]?.score).toBeCloseTo(0.935 + 0.75 * (0.935 - 0.925), 12);
    expect(ranked[1]?.score).toBeCloseTo(0.925 + 0.75 * (0.925 - 0.935), 12);
  });

  it('best face: an identity scores its most similar face, ranked, topK kept', () => {
    expect(rankIdentities(hits, 2, { aggregation: 'best-face', marginWeight: 0 })).toEqual([
      { identityId: 'X', faceId: 'x2', score: 0.96, rank: 1 },
      { identityId: 'Y', faceId: 'y1', score: 0.93, rank: 2 },
    ]);
  });

  it('mean of top two averages the two most similar faces; one face scores itself', () => {
    const ranked = rankIdentities(hits, 5, { aggregation: 'mean-top2', marginWeight: 0 });
    expect(ranked.map((c) => [c.identityId, c.faceId, c.rank])).toEqual([
      ['X', 'x2', 1],
      ['Y', 'y1', 2],
      ['Z', 'z1', 3],
    ]);
    expect(ranked[0]?.score).toBeCloseTo((0.96 + 0.91) / 2, 12);
    expect(ranked[1]?.score).toBeCloseTo((0.93 + 0.92) / 2, 12);
    expect(ranked[2]?.score).toBe(0.5);
  });

  it('adds w x the margin to the best rival; a lone identity takes the lowest score read as its rival', () => {
    const rule = { aggregation: 'best-face', marginWeight: 0.5 } as const;
    const ranked = rankIdentities(hits, 5, rule);
    expect(ranked.map((c) => c.identityId)).toEqual(['X', 'Y', 'Z']);
    expect(ranked[0]?.score).toBeCloseTo(0.96 + 0.5 * (0.96 - 0.93), 12);
    expect(ranked[1]?.score).toBeCloseTo(0.93 + 0.5 * (0.93 - 0.96), 12);
    expect(ranked[2]?.score).toBeCloseTo(0.5 + 0.5 * (0.5 - 0.96), 12);
    const lone = rankIdentities(
      [
        { faceId: 'a1', identityId: 'A', score: 0.9 },
        { faceId: 'a2', identityId: 'A', score: 0.8 },
      ],
      5,
      rule,
    );
    expect(lone).toHaveLength(1);
    expect(lone[0]?.score).toBeCloseTo(0.9 + 0.5 * (0.9 - 0.8), 12);
  });

  it('returns nothing for no hits', () => {
    expect(rankIdentities([], 5)).toEqual([]);
  });
});
