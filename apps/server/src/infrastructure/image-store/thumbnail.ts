// The one thumbnail rule of every image store: a JPEG at most `size` px on its longer side, turned
// upright, never enlarged; a stored image that cannot be decoded is BAD_IMAGE, not a crash.
import sharp from 'sharp';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { assertWithinPixelLimit } from '../../shared/image-limits.js';

export const DEFAULT_THUMBNAIL_SIZE = 256;

/** Makes the thumbnail of `original` (checked against the pixel limit before it is decoded). */
export async function makeThumbnail(original: Uint8Array, size: number): Promise<Buffer> {
  await assertWithinPixelLimit(original);
  try {
    return await sharp(original)
      .rotate()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer();
  } catch (error) {
    throw new AppError(
      ErrorCode.BAD_IMAGE,
      'This stored image cannot be decoded, so it has no thumbnail; download the original, or replace the photo.',
      { reason: 'UNDECODABLE' },
      { cause: error },
    );
  }
}
