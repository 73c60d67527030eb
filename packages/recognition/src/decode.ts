import sharp, { type Metadata } from 'sharp';
import type { LimitsConfig } from './config.js';
import { RecognitionError, RecognitionErrorCode } from './errors.js';

/** An image decoded to 8-bit sRGB, upright (EXIF orientation applied), alpha flattened onto white. */
export interface DecodedImage {
  /** Packed RGB bytes, row-major, length width * height * 3. */
  data: Uint8Array;
  /** Width in pixels after EXIF rotation. */
  width: number;
  /** Height in pixels after EXIF rotation. */
  height: number;
  /** Container format reported by libvips (jpeg, png, webp, ...). */
  format: string;
}

/** Raster formats accepted from users; vector and document formats (svg, pdf) are refused. */
export const SUPPORTED_FORMATS: readonly string[] = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif'];

const SUPPORTED_HINT = 'Upload a JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIF photo.';

function isFormatError(message: string): boolean {
  return /unsupported image format|bad seek|input buffer contains unsupported|input file contains unsupported/i.test(message);
}

/**
 * Checks size limits, then decodes `bytes` with sharp. Never crashes on bad input: every failure is a
 * RecognitionError with NOT_AN_IMAGE, CORRUPT_IMAGE, IMAGE_TOO_LARGE or IMAGE_TOO_SMALL.
 */
export async function decodeImage(bytes: Uint8Array, limits: LimitsConfig): Promise<DecodedImage> {
  if (bytes.byteLength === 0) {
    throw new RecognitionError(RecognitionErrorCode.NOT_AN_IMAGE, `The file is empty (0 bytes). ${SUPPORTED_HINT}`, { bytes: 0 });
  }
  if (bytes.byteLength > limits.maxBytes) {
    throw new RecognitionError(
      RecognitionErrorCode.IMAGE_TOO_LARGE,
      `The file is ${(bytes.byteLength / 1048576).toFixed(1)} MB; the limit is ${(limits.maxBytes / 1048576).toFixed(1)} MB. Resize or recompress the photo and try again.`,
      { bytes: bytes.byteLength, maxBytes: limits.maxBytes },
    );
  }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isFormatError(message)) {
      throw new RecognitionError(RecognitionErrorCode.NOT_AN_IMAGE, `The file is not a supported image. ${SUPPORTED_HINT}`, { reason: message });
    }
    throw new RecognitionError(RecognitionErrorCode.CORRUPT_IMAGE, 'The image file is damaged and cannot be read. Export or download the photo again and retry.', { reason: message }, { cause: error });
  }
  if (!SUPPORTED_FORMATS.includes(meta.format)) {
    throw new RecognitionError(RecognitionErrorCode.NOT_AN_IMAGE, `Files of type '${meta.format}' are not accepted. ${SUPPORTED_HINT}`, { format: meta.format });
  }
  const width = meta.width;
  const height = meta.height;
  if (!width || !height) {
    throw new RecognitionError(RecognitionErrorCode.CORRUPT_IMAGE, 'The image header has no size; the file is damaged. Export the photo again and retry.', { format: meta.format });
  }
  if (width * height > limits.maxPixels) {
    throw new RecognitionError(
      RecognitionErrorCode.IMAGE_TOO_LARGE,
      `The image is ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP); the limit is ${(limits.maxPixels / 1e6).toFixed(1)} MP. Downscale it and try again.`,
      { width, height, maxPixels: limits.maxPixels },
    );
  }
  if (Math.min(width, height) < limits.minSide) {
    throw new RecognitionError(
      RecognitionErrorCode.IMAGE_TOO_SMALL,
      `The image is ${width}x${height}; each side must be at least ${limits.minSide} px to hold a recognisable face. Use a larger photo.`,
      { width, height, minSide: limits.minSide },
    );
  }
  try {
    const { data, info } = await sharp(input, { failOn: 'truncated', limitInputPixels: limits.maxPixels, sequentialRead: true })
      .rotate()
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, format: meta.format };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RecognitionError(RecognitionErrorCode.CORRUPT_IMAGE, 'The image is damaged or truncated and cannot be decoded. Upload the complete original file.', { reason: message, format: meta.format }, { cause: error });
  }
}
