// The face-choice rules on boxes: intersection over union worked out by hand, the 0.5 overlap and 2x
// area limits at their edges, and the checks of the `face` argument.
import { describe, expect, it } from 'vitest';
import {
  chooseFace,
  CLEARLY_LARGEST_RATIO,
  intersectionOverUnion,
  MIN_BOX_OVERLAP,
  parseFaceChoice,
} from './face-choice.js';

const box = (x: number, y: number, width: number, height = width) => ({ box: { x, y, width, height } });

describe('intersectionOverUnion', () => {
  it('is 1 for the same box, 0 apart or touching, and intersection / union otherwise', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    expect(intersectionOverUnion(a, a)).toBe(1);
    expect(intersectionOverUnion(a, { x: 10, y: 0, width: 10, height: 10 })).toBe(0);
    expect(intersectionOverUnion(a, { x: 30, y: 30, width: 5, height: 5 })).toBe(0);
    // Half of a overlaps b: intersection 50, union 150.
    expect(intersectionOverUnion(a, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(1 / 3, 12);
    // b inside a: 25 / 100.
    expect(intersectionOverUnion(a, { x: 2, y: 2, width: 5, height: 5 })).toBe(0.25);
  });
});

describe('chooseFace', () => {
  const faces = [box(0, 0, 100), box(200, 0, 60), box(400, 0, 30)];

  it('takes the only face without a choice and refuses several, listing their boxes', () => {
    expect(chooseFace([box(1, 2, 3)], null)).toMatchObject({ index: 0 });
    expect(chooseFace(faces, null)).toMatchObject({
      reason: 'MULTIPLE_FACES',
      refusal: { __typename: 'MultipleFaces', count: 3, faces: faces.map((f) => f.box) },
    });
    expect(chooseFace([], { kind: 'index', index: 0 })).toMatchObject({ reason: 'NO_FACE' });
  });

  it('takes the face at the index, and names how many faces there are when out of range', () => {
    expect(chooseFace(faces, { kind: 'index', index: 2 })).toEqual({ face: faces[2], index: 2 });
    const out = chooseFace(faces, { kind: 'index', index: 3 });
    expect(out).toMatchObject({ reason: 'FACE_INDEX_OUT_OF_RANGE', refusal: { index: 3, count: 3 } });
    expect('refusal' in out && out.refusal.message).toBe(
      'The photo shows 3 faces, so face.index must be 0 to 2.',
    );
  });

  it('takes the face overlapping the box most at IoU 0.5 or more, and refuses below', () => {
    // The second face shifted by 20 of 60 px: intersection 40x60, union 2x3600 - 2400 -> IoU 0.5.
    expect(chooseFace(faces, { kind: 'box', box: { x: 220, y: 0, width: 60, height: 60 } })).toEqual({
      face: faces[1],
      index: 1,
    });
    const missed = chooseFace(faces, { kind: 'box', box: { x: 221, y: 0, width: 60, height: 60 } });
    // Intersection 39x60 = 2340, union 7200 - 2340 = 4860.
    expect(missed).toMatchObject({
      reason: 'NO_FACE_IN_BOX',
      refusal: { __typename: 'NoFaceInBox', bestOverlap: expect.closeTo(2340 / 4860, 12) as number },
    });
    expect(2340 / 4860).toBeLessThan(MIN_BOX_OVERLAP);
  });

  it('takes the largest face only when its area is at least 2x the next', () => {
    // 100x100 against 70.7x70.7 (area ratio 2.0006) and 71x71 (1.98).
    expect(chooseFace([box(0, 0, 100), box(200, 0, 70.7)], { kind: 'largestIfClear' })).toMatchObject({
      index: 0,
    });
    expect(CLEARLY_LARGEST_RATIO).toBe(2);
    expect(chooseFace([box(0, 0, 100), box(200, 0, 71)], { kind: 'largestIfClear' })).toMatchObject({
      reason: 'MULTIPLE_FACES',
      details: { largestAreaRatio: expect.closeTo(1.98, 2) as number },
    });
    expect(chooseFace([box(0, 0, 10)], { kind: 'largestIfClear' })).toMatchObject({ index: 0 });
  });
});

describe('parseFaceChoice', () => {
  it('reads one field; nothing or largestIfClear false is no choice', () => {
    expect(parseFaceChoice(undefined)).toBeNull();
    expect(parseFaceChoice({ largestIfClear: false })).toBeNull();
    expect(parseFaceChoice({ index: 1 })).toEqual({ kind: 'index', index: 1 });
    expect(parseFaceChoice({ box: { x: -5, y: 0, width: 3, height: 4 } })).toEqual({
      kind: 'box',
      box: { x: -5, y: 0, width: 3, height: 4 },
    });
    expect(parseFaceChoice({ largestIfClear: true })).toEqual({ kind: 'largestIfClear' });
  });

  it.each([
    [{}, 'face'],
    [{ index: 0, box: { x: 0, y: 0, width: 1, height: 1 } }, 'face'],
    [{ index: -1 }, 'face.index'],
    [{ box: { x: 0, y: 0, width: 10, height: 0 } }, 'face.box'],
    [{ box: { x: Number.NaN, y: 0, width: 10, height: 10 } }, 'face.box'],
  ])('refuses %o as BAD_INPUT naming %s', (input, field) => {
    expect(() => parseFaceChoice(input)).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', details: { field } }),
    );
  });
});
