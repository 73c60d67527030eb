// Camera-like frames made of real LFW photos: each photo is placed on a grey canvas with sharp, at
// a position that moves from frame to frame, as a person walking past a camera would.
import sharp from 'sharp';
import { lfwImage } from './test-data.js';

/** Frame size of the test "camera". */
export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 360;

/** One person in a frame: LFW photo `photo` of `person`, its top-left corner at (x, y). */
export interface FramePerson {
  person: string;
  photo: number;
  x: number;
  y?: number;
}

/** A JPEG frame showing `people` (none: an empty scene). */
export async function composeFrame(people: readonly FramePerson[]): Promise<Buffer> {
  const layers = await Promise.all(
    people.map(async (p) => ({
      input: await sharp(lfwImage(p.person, p.photo)).resize(200, 200).toBuffer(),
      left: Math.round(p.x),
      top: Math.round(p.y ?? 80),
    })),
  );
  return sharp({
    create: { width: FRAME_WIDTH, height: FRAME_HEIGHT, channels: 3, background: { r: 90, g: 90, b: 90 } },
  })
    .composite(layers)
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** `count` frames of one person walking from x0 to the right by `step` pixels a frame. */
export function walkPast(person: string, photo: number, count: number, x0 = 0, step = 40): FramePerson[][] {
  return Array.from({ length: count }, (_, i) => [
    { person, photo, x: Math.min(x0 + i * step, FRAME_WIDTH - 200) },
  ]);
}

/** `count` frames with nobody in them. */
export function emptyFrames(count: number): FramePerson[][] {
  return Array.from({ length: count }, () => []);
}
