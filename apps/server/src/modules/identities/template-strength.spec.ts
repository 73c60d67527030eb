import { describe, expect, it } from 'vitest';
import { RECOMMENDED_FACES, templateStrength } from './template-strength.js';

function face(yaw: number, pitch: number, score = 0.9) {
  return { quality: { score, reasons: score < 1 ? ['SMALL_FACE'] : [], pose: { yaw, pitch, roll: 0 } } };
}

describe('templateStrength', () => {
  it('is WEAK without faces and tells HR to add the recommended number', () => {
    expect(templateStrength([])).toEqual({
      level: 'WEAK',
      faces: 0,
      goodFaces: 0,
      recommendedFaces: RECOMMENDED_FACES,
      yawSpread: 0,
      pitchSpread: 0,
      hint: '0 of 3 recommended photos: add 3 photos, facing the camera, sharp and well lit.',
    });
  });

  it('counts good faces to WEAK, FAIR and STRONG, with the pose spread of the good ones', () => {
    const one = templateStrength([face(2, -1)]);
    expect(one).toMatchObject({ level: 'WEAK', goodFaces: 1, yawSpread: 0 });
    expect(one.hint).toBe('1 of 3 recommended photos: add 2 photos from another angle or day.');

    const two = templateStrength([face(2, -1), face(-14, 5)]);
    expect(two).toMatchObject({ level: 'FAIR', goodFaces: 2, yawSpread: 16, pitchSpread: 6 });
    expect(two.hint).toBe('2 of 3 recommended photos: add a photo from another angle or day.');

    const three = templateStrength([face(2, -1), face(-14, 5), face(20, 0)]);
    expect(three).toMatchObject({ level: 'STRONG', goodFaces: 3, yawSpread: 34, pitchSpread: 6, hint: null });
  });

  it('asks for another angle when the good photos all face the camera the same way', () => {
    const same = templateStrength([face(1, 2), face(4, -2)]);
    expect(same).toMatchObject({ level: 'FAIR', yawSpread: 3, pitchSpread: 4 });
    expect(same.hint).toBe(
      '2 of 3 recommended photos: add a photo from another angle (these face the camera the same way).',
    );
  });

  it('does not count faces of poor quality, nor their pose, and says so', () => {
    const strength = templateStrength([face(0, 0, 0.75), face(3, 1), face(40, 0, 0.74), { quality: {} }]);
    expect(strength).toMatchObject({ level: 'FAIR', faces: 4, goodFaces: 2, yawSpread: 3, pitchSpread: 1 });
    expect(strength.hint).toBe(
      '2 of 3 recommended photos (2 photos of poor quality do not count): add a photo from another angle (these face the camera the same way).',
    );
    expect(templateStrength([{ quality: null }, { quality: { score: '1', reasons: [] } }]).hint).toBe(
      '0 of 3 recommended photos (2 photos of poor quality do not count): add 3 photos, facing the camera, sharp and well lit.',
    );
  });

  it('ignores a pose that is missing or not a number', () => {
    const strength = templateStrength([
      { quality: { score: 1 } },
      { quality: { score: 1, pose: { yaw: 'left', pitch: Number.NaN } } },
      face(10, 10),
    ]);
    expect(strength).toMatchObject({ level: 'STRONG', goodFaces: 3, yawSpread: 0, pitchSpread: 0 });
  });
});
