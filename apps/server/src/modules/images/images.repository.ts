// Reads stored images for serving: bytes, thumbnails and the original's size and format. The only
// code of this module touching the image store or sharp.
import sharp from 'sharp';
import { isImageKey, type ImageStore } from '../../infrastructure/image-store/image-store.js';

/** Size as displayed (after EXIF orientation) and format of a stored image. */
export interface ImageFacts {
  width: number | null;
  height: number | null;
  /** sharp's format name (jpeg, png, webp, ...), when it can read the image. */
  format: string | null;
}

export class ImagesRepository {
  constructor(private readonly store: ImageStore) {}

  /** The bytes under `key`, or null for unknown or malformed keys. */
  async get(key: string): Promise<Uint8Array | null> {
    return isImageKey(key) ? this.store.get(key) : null;
  }

  /** A cached JPEG thumbnail, or null for unknown or malformed keys. */
  async thumbnail(key: string, size: number): Promise<Uint8Array | null> {
    return isImageKey(key) ? this.store.thumbnail(key, size) : null;
  }

  /** Width and height as shown (EXIF orientations 5-8 swap them) and the format. */
  async describe(bytes: Uint8Array): Promise<ImageFacts> {
    try {
      const meta = await sharp(bytes).metadata();
      const swap = (meta.orientation ?? 1) >= 5;
      return {
        width: (swap ? meta.height : meta.width) ?? null,
        height: (swap ? meta.width : meta.height) ?? null,
        format: meta.format ?? null,
      };
    } catch {
      return { width: null, height: null, format: null };
    }
  }
}
