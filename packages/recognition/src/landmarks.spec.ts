import { describe, expect, it } from 'vitest';
import type { Point2 } from './align.js';
import { blankOutside, FACE_OVAL, faceOvalPolygon, fivePointsFromMesh, isInsidePolygon, polygonMask } from './landmarks.js';
import { assessQuality, cropStatistics } from './quality.js';

describe('landmarks and segmentation', () => {
  it('builds five points and the face-oval polygon from a 468-point mesh', () => {
    const mesh = Array.from({ length: 468 }, (_, i) => [i, 2 * i, 0]);
    const five = fivePointsFromMesh(mesh);
    expect(five[0]).toEqual([(33 + 133 + 159 + 145) / 4, (2 * (33 + 133 + 159 + 145)) / 4]);
    expect(five[2]).toEqual([1, 2]);
    expect(faceOvalPolygon(mesh)).toHaveLength(FACE_OVAL.length);
    expect(() => fivePointsFromMesh([[0, 0, 0]])).toThrow();
  });

  it('rasterises a polygon into a mask and blanks the outside', () => {
    const square: Point2[] = [
      [2, 2],
      [8, 2],
      [8, 8],
      [2, 8],
    ];
    const mask = polygonMask(square, 10, 10);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(36);
    expect(mask[5 * 10 + 5]).toBe(1);
    expect(mask[0]).toBe(0);
    expect(isInsidePolygon([5, 5], square)).toBe(true);
    expect(isInsidePolygon([9, 5], square)).toBe(false);
    const crop = new Float32Array(300).fill(100);
    const blanked = blankOutside(crop, mask, 0);
    expect(blanked[0]).toBe(0);
    expect(blanked[(5 * 10 + 5) * 3]).toBe(100);
  });
});

describe('quality', () => {
  it('measures sharpness, brightness and contrast and explains low scores', () => {
    const size = 32;
    const flat = new Float32Array(size * size * 3).fill(128);
    const checker = new Float32Array(size * size * 3);
    for (let i = 0; i < size * size; i++) checker.fill(((i % size) + Math.floor(i / size)) % 2 ? 255 : 0, i * 3, i * 3 + 3);
    const f = cropStatistics(flat, size);
    const c = cropStatistics(checker, size);
    expect(f.sharpness).toBe(0);
    expect(f.brightness).toBeCloseTo(128, 3);
    expect(c.sharpness).toBeGreaterThan(1000);
    expect(c.contrast).toBeGreaterThan(100);
    const good = assessQuality({ eyeDistance: 80, sharpness: 500, brightness: 120, contrast: 50, pose: { yaw: 5, pitch: 0, roll: 0 }, detectionScore: 0.9 });
    expect(good.score).toBe(1);
    expect(good.reasons).toEqual([]);
    const bad = assessQuality({ eyeDistance: 20, sharpness: 10, brightness: 30, contrast: 10, pose: { yaw: 45, pitch: 0, roll: 0 }, detectionScore: 0.9 });
    expect(bad.score).toBeLessThan(0.2);
    expect(bad.reasons).toEqual(expect.arrayContaining(['SMALL_FACE', 'BLURRY', 'TOO_DARK', 'LOW_CONTRAST', 'LARGE_YAW']));
  });
});
