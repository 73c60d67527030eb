// Test-time jitter of a face chip, as dlib's compute_face_descriptor(num_jitters) does: each copy
// of the chip is cut from the image slightly moved (up to 2% of its side), zoomed out (up to 3%) and
// turned (up to 3 degrees), and every other copy is mirrored; the embeddings of all copies are
// averaged. The perturbations come from a fixed seed, so one face always gives one embedding.
import type { Affine } from './align.js';
import { seededRandom } from './seeded-random.js';

/** Largest in-plane turn of a jittered copy, in degrees. */
const MAX_TURN_DEGREES = 3;
/** Largest move of a jittered copy, as a fraction of the chip side. */
const MAX_MOVE = 0.02;
/** Smallest scale of a jittered copy (the face shrinks by up to 3%). */
const MIN_SCALE = 0.97;
/** Seed of the perturbations: fixed, so embeddings repeat exactly. */
const JITTER_SEED = 150;

/** One jittered copy: the image-to-chip transform and whether the chip is then mirrored. */
export interface JitteredChip {
  transform: Affine;
  mirrored: boolean;
}

/** `count` jittered copies of the chip that `m` (image to chip) cuts, `size` px square. */
export function jitteredChips(m: Affine, size: number, count: number): JitteredChip[] {
  const random = seededRandom(JITTER_SEED);
  const between = (lo: number, hi: number): number => lo + (hi - lo) * random();
  const c = size / 2;
  const chips: JitteredChip[] = [];
  for (let k = 0; k < count; k++) {
    const turn = (between(-MAX_TURN_DEGREES, MAX_TURN_DEGREES) * Math.PI) / 180;
    const scale = between(MIN_SCALE, 1);
    const dx = between(-MAX_MOVE, MAX_MOVE) * size;
    const dy = between(-MAX_MOVE, MAX_MOVE) * size;
    // p = the chip-space similarity around the chip's centre: c + scale * R(turn) * (q - c) + d
    const a = scale * Math.cos(turn);
    const b = scale * Math.sin(turn);
    const p: Affine = [a, -b, c + dx - (a * c - b * c), b, a, c + dy - (b * c + a * c)];
    chips.push({ transform: compose(p, m), mirrored: k % 2 === 1 });
  }
  return chips;
}

/** p after m: x -> p(m(x)). */
function compose(p: Affine, m: Affine): Affine {
  return [
    p[0] * m[0] + p[1] * m[3],
    p[0] * m[1] + p[1] * m[4],
    p[0] * m[2] + p[1] * m[5] + p[2],
    p[3] * m[0] + p[4] * m[3],
    p[3] * m[1] + p[4] * m[4],
    p[3] * m[2] + p[4] * m[5] + p[5],
  ];
}
