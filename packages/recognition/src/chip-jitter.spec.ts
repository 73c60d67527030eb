import { describe, expect, it } from 'vitest';
import { affineScale, applyAffine, type Affine, type Point2 } from './align.js';
import { jitteredChips } from './chip-jitter.js';

// An image-to-chip similarity: a face around (120, 130) at 1.2 chip px per image px, turned 0.1 rad.
const m: Affine = [1.2 * Math.cos(0.1), -1.2 * Math.sin(0.1), -60, 1.2 * Math.sin(0.1), 1.2 * Math.cos(0.1), -70];

describe('jitteredChips', () => {
  it('gives the same copies for the same chip every time', () => {
    expect(jitteredChips(m, 150, 6)).toEqual(jitteredChips(m, 150, 6));
    expect(jitteredChips(m, 150, 0)).toEqual([]);
  });

  it('moves, zooms out and turns each copy a little and mirrors every other one', () => {
    const chips = jitteredChips(m, 150, 8);
    expect(chips.map((c) => c.mirrored)).toEqual([false, true, false, true, false, true, false, true]);
    const imagePoint: Point2 = [130, 140];
    const [x0, y0] = applyAffine(m, imagePoint);
    const distinct = new Set<string>();
    for (const c of chips) {
      const ratio = affineScale(c.transform) / affineScale(m);
      expect(ratio).toBeGreaterThanOrEqual(0.97);
      expect(ratio).toBeLessThanOrEqual(1);
      const turn = Math.atan2(c.transform[3], c.transform[0]) - Math.atan2(m[3], m[0]);
      expect(Math.abs(turn)).toBeLessThanOrEqual((3 * Math.PI) / 180 + 1e-12);
      // A point near the chip's centre moves by at most the move, the zoom and the turn together.
      const [x, y] = applyAffine(c.transform, imagePoint);
      expect(Math.hypot(x - x0, y - y0)).toBeLessThan(0.02 * 150 * Math.SQRT2 + 0.03 * 75 + 0.06 * 75);
      distinct.add(c.transform.map((v) => v.toFixed(6)).join());
    }
    expect(distinct.size).toBe(8);
  });
});
