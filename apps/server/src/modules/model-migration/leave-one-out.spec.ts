// The leave-one-out rates on hand-made embeddings whose searches can be worked out on paper.
import { describe, expect, it } from 'vitest';
import { leaveOneOutRates, leaveOneOutSearches, type LooFace } from './leave-one-out.js';

/** A unit vector at `degrees` in the plane. */
function at(degrees: number): Float32Array {
  const r = (degrees * Math.PI) / 180;
  return Float32Array.from([Math.cos(r), Math.sin(r)]);
}

// A: two faces 10° apart; B: two faces 10° apart, 90° from A; C: one face between them at 45°.
const FACES: LooFace[] = [
  { faceId: 'a1', identityId: 'A', embedding: at(0) },
  { faceId: 'a2', identityId: 'A', embedding: at(10) },
  { faceId: 'b1', identityId: 'B', embedding: at(90) },
  { faceId: 'b2', identityId: 'B', embedding: at(100) },
  { faceId: 'c1', identityId: 'C', embedding: at(45) },
];

describe('leave-one-out searches', () => {
  it('searches each face of a person with two faces as mated, and every face as non-mated', () => {
    const searches = leaveOneOutSearches(FACES);
    const mated = searches.filter((s) => s.mated);
    expect(mated).toHaveLength(4);
    expect(mated.every((s) => s.topIsMate)).toBe(true);
    expect(searches.filter((s) => !s.mated)).toHaveLength(5);
  });

  it('scores with identify’s rule (mean of top two + 0.75 x margin) and reads FNIR and FPIR at the threshold', () => {
    const searches = leaveOneOutSearches(FACES);
    // a1 mated: A's other face a2 at cos 10° = 0.985, the rival C at cos 45° = 0.707:
    // 0.985 + 0.75 x (0.985 - 0.707) = 1.193.
    expect(searches[0]).toEqual({ mated: true, topScore: expect.closeTo(1.193, 3), topIsMate: true });
    // c1 non-mated: A's faces at cos 45° and 35° (mean 0.763), B's at 45° and 55° (mean 0.641):
    // 0.763 + 0.75 x (0.763 - 0.641) = 0.855.
    expect(searches.at(-1)).toEqual({ mated: false, topScore: expect.closeTo(0.855, 3), topIsMate: false });
    // At 1.19: a2's mated search (its rival C is nearer, 1.109) misses, 1 of 4; a1's and a2's
    // non-mated searches (C far ahead of B: 1.303, 1.368) alarm, 2 of 5.
    expect(leaveOneOutRates(FACES, 1.19)).toEqual({
      matedSearches: 4,
      nonMatedSearches: 5,
      fnir: 0.25,
      fpir: 0.4,
    });
    expect(leaveOneOutRates(FACES, 0.5)).toMatchObject({ fnir: 0, fpir: 1 });
    expect(leaveOneOutRates(FACES, 2.4)).toMatchObject({ fnir: 1, fpir: 0 });
  });

  it('has no rates without a threshold or without searches of a kind', () => {
    expect(leaveOneOutRates(FACES, null)).toMatchObject({ fnir: null, fpir: null });
    expect(leaveOneOutRates([FACES[4]!], 0.5)).toEqual({
      matedSearches: 0,
      nonMatedSearches: 0,
      fnir: null,
      fpir: null,
    });
  });
});
