import { describe, expect, it } from 'vitest';
import { affineScale, alignmentTransform, applyAffine, arcfaceTemplate, dlibChipTemplate, estimateSimilarity, invertAffine, mirrorCrop, warpAffine, type Affine, type FivePoints, type Point2 } from './align.js';

function similarity(scale: number, angleRad: number, tx: number, ty: number): Affine {
  const c = scale * Math.cos(angleRad);
  const s = scale * Math.sin(angleRad);
  return [c, -s, tx, s, c, ty];
}

describe('align', () => {
  it('recovers a known similarity transform exactly', () => {
    const truth = similarity(1.7, 0.35, -42.5, 13.25);
    const src: Point2[] = [
      [100, 120],
      [160, 118],
      [131, 155],
      [108, 190],
      [157, 188],
    ];
    const dst = src.map((p) => applyAffine(truth, p));
    const m = estimateSimilarity(src, dst);
    m.forEach((v, i) => expect(v).toBeCloseTo(truth[i] as number, 9));
    expect(affineScale(m)).toBeCloseTo(1.7, 9);
  });

  it('recovers a transform from noisy points in the least-squares sense', () => {
    const truth = similarity(0.5, -0.2, 10, 20);
    const src: Point2[] = Array.from({ length: 50 }, (_, i) => [Math.cos(i) * 80 + 200, Math.sin(i * 1.3) * 60 + 150]);
    let seed = 7;
    const noise = (): number => {
      seed = (seed * 16807) % 2147483647;
      return (seed / 2147483647 - 0.5) * 0.2;
    };
    const dst = src.map((p) => {
      const [x, y] = applyAffine(truth, p);
      return [x + noise(), y + noise()] as Point2;
    });
    const m = estimateSimilarity(src, dst);
    m.forEach((v, i) => expect(Math.abs(v - (truth[i] as number))).toBeLessThan(0.05));
  });

  it('maps landmarks onto the ArcFace template at 112 and 224 px and inverts', () => {
    for (const size of [112, 224]) {
      const t = arcfaceTemplate(size);
      const face = t.points.map(([x, y]) => applyAffine(similarity(3, 0.1, 400, 300), [x, y])) as FivePoints;
      const m = alignmentTransform(face, t);
      face.forEach((p, i) => {
        const q = applyAffine(m, p);
        expect(q[0]).toBeCloseTo((t.points[i] as Point2)[0], 6);
        expect(q[1]).toBeCloseTo((t.points[i] as Point2)[1], 6);
      });
      const back = applyAffine(invertAffine(m), applyAffine(m, [5, 7]));
      expect(back[0]).toBeCloseTo(5, 9);
      expect(back[1]).toBeCloseTo(7, 9);
    }
    expect(arcfaceTemplate(224).points[0][0]).toBeCloseTo(76.5892, 4);
    const chip = dlibChipTemplate(150, 0.25);
    expect(chip.points[0][0]).toBeGreaterThan(40);
    expect(chip.points[1][0]).toBeLessThan(110);
  });

  it('warps pixels with the transform and mirrors crops', () => {
    const width = 8;
    const height = 8;
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[(y * width + x) * 3] = x * 10 + y;
    const crop = warpAffine({ data, width, height }, [1, 0, -2, 0, 1, -3], 4);
    expect(crop[0]).toBeCloseTo(2 * 10 + 3, 6);
    expect(crop[(1 * 4 + 2) * 3]).toBeCloseTo(4 * 10 + 4, 6);
    const mirrored = mirrorCrop(crop, 4);
    expect(mirrored[3 * 3]).toBe(crop[0]);
  });
});
