// Stored images for the dashboard: an enrolled face's original or a thumbnail, for roles that may read identities.
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { Actor } from '../auth/actor.js';
import { galleryScope } from '../auth/gallery-access.js';
import { authorize } from '../auth/permissions.js';
import type { ImagesRepository } from './images.repository.js';

/** Thumbnail sizes the route makes (each is cached on disk, so the set is closed). */
export const THUMBNAIL_SIZES = [64, 128, 256, 512, 1024] as const;

/** An image to send: its bytes, MIME type and the size of the original in display orientation. */
export interface ServedImage {
  bytes: Uint8Array;
  contentType: string;
  /** Pixel size of the original after EXIF orientation: face boxes are in these coordinates. */
  originalWidth: number | null;
  originalHeight: number | null;
}

const MIME_OF: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  heif: 'image/heif',
  tiff: 'image/tiff',
};

function notFound(key: string): AppError {
  return new AppError(
    ErrorCode.NOT_FOUND,
    'No stored image has this key; it may have been erased. Reload the page.',
    {
      key: key.slice(0, 64),
    },
  );
}

/** Stored images are not filed by gallery, so a gallery-restricted key could reach other galleries' photos. */
function authorizeImages(actor: Actor): void {
  authorize(actor, 'identities.read');
  if (galleryScope(actor) !== null) {
    throw new AppError(
      ErrorCode.FORBIDDEN,
      'API keys limited to one gallery cannot fetch stored images; use a key without a gallery restriction or sign in.',
    );
  }
}

export class ImagesService {
  constructor(private readonly images: ImagesRepository) {}

  /** The original bytes under `key`; NOT_FOUND for unknown or malformed keys. */
  async original(actor: Actor, key: string): Promise<ServedImage> {
    authorizeImages(actor);
    const bytes = await this.images.get(key);
    if (!bytes) throw notFound(key);
    const facts = await this.images.describe(bytes);
    return {
      bytes,
      contentType: (facts.format && MIME_OF[facts.format]) ?? 'application/octet-stream',
      originalWidth: facts.width,
      originalHeight: facts.height,
    };
  }

  /** A JPEG at most `size` px on its longer side, with the original's size; NOT_FOUND for unknown keys. */
  async thumbnail(actor: Actor, key: string, size: number): Promise<ServedImage> {
    authorizeImages(actor);
    if (!(THUMBNAIL_SIZES as readonly number[]).includes(size)) {
      throw new AppError(ErrorCode.BAD_INPUT, `size must be one of ${THUMBNAIL_SIZES.join(', ')}.`, {
        field: 'size',
      });
    }
    const original = await this.images.get(key);
    if (!original) throw notFound(key);
    const thumb = await this.images.thumbnail(key, size);
    if (!thumb) throw notFound(key);
    const facts = await this.images.describe(original);
    return {
      bytes: thumb,
      contentType: 'image/jpeg',
      originalWidth: facts.width,
      originalHeight: facts.height,
    };
  }
}
