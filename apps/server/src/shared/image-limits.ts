// The largest image the server decodes, checked from the header (sharp reads only the header for
// its metadata) before any path decodes: recognition calls, uploads and thumbnails. A 7.8 KB JPEG
// can claim 6000x6000; decoding it and running the pipeline on it costs gigabytes of memory.
import type { EngineErrorCode } from '@faceledger/recognition';
import sharp from 'sharp';
import { AppError, ErrorCode } from './app-error.js';

/**
 * Largest image in pixels (width x height) that is decoded: 24 MP admits 6000x4000 camera and
 * 4032x3024 phone photos; the recognition pipeline needs about 50 MB of memory per megapixel.
 */
export const MAX_IMAGE_PIXELS = 24_000_000;

/** The BAD_IMAGE for an image of `width` x `height` over MAX_IMAGE_PIXELS (the engine words its refusal the same). */
export function imageTooLargeError(width: number, height: number): AppError {
  return new AppError(
    ErrorCode.BAD_IMAGE,
    `The image is ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP); the limit is ${(MAX_IMAGE_PIXELS / 1e6).toFixed(1)} MP. Downscale it and try again.`,
    { reason: 'IMAGE_TOO_LARGE' satisfies EngineErrorCode, width, height, maxPixels: MAX_IMAGE_PIXELS },
  );
}

/**
 * Throws BAD_IMAGE when the header of `bytes` claims more than MAX_IMAGE_PIXELS. Bytes whose header
 * cannot be read pass: the format check or the decoder refuses them with their own reason.
 */
export async function assertWithinPixelLimit(bytes: Uint8Array): Promise<void> {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch {
    return;
  }
  if (width && height && width * height > MAX_IMAGE_PIXELS) throw imageTooLargeError(width, height);
}
