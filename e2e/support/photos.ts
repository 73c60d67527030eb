// Real photos for the journeys: LFW from the shared test data (../shared/data beside the repository,
// or FACELEDGER_TEST_DATA), and a generated picture without any face.
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { REPO_ROOT } from './paths.js';

export const TEST_DATA_DIR = process.env.FACELEDGER_TEST_DATA ?? path.resolve(REPO_ROOT, '../shared/data');

/** Path of an LFW photo, e.g. lfwImage('Colin_Powell', 1); throws when the test data is missing. */
export function lfwImage(name: string, n: number): string {
  const file = path.join(TEST_DATA_DIR, 'lfw/images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: put the shared test data in ${TEST_DATA_DIR} or set FACELEDGER_TEST_DATA.`,
    );
  }
  return file;
}

/** A 320x240 PNG colour gradient: a valid image in which no face can be found. */
export async function noFacePng(): Promise<Buffer> {
  const width = 320;
  const height = 240;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 3;
      pixels[i] = Math.round((255 * x) / width);
      pixels[i + 1] = Math.round((255 * y) / height);
      pixels[i + 2] = 160;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}
