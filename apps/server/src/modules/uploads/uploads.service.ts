// Images for recognition calls: base64 in GraphQL (up to 10 MB) or an upload id from POST /api/uploads.
// An upload is stored in the image store at once (its id is the sha256 key) and can be used only by
// the caller who uploaded it, until it expires. Pending uploads are rows in the database (they survive
// a restart) and keep their image from being deleted until purgeExpired() removes them.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { assertWithinPixelLimit } from '../../shared/image-limits.js';
import { actorRef, type Actor } from '../auth/actor.js';
import { isAllowed, type Permission } from '../auth/permissions.js';
import type { PendingUploadsRepository } from './pending-uploads.repository.js';

/** Largest image accepted as base64 inside a GraphQL request; bigger ones go through POST /api/uploads. */
export const MAX_BASE64_IMAGE_BYTES = 10 * 1024 * 1024;
/** Largest file POST /api/uploads accepts (the engine refuses larger images anyway). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** How long an upload id stays usable. */
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

/** Whoever may run one of these may upload. */
const UPLOAD_PERMISSIONS: readonly Permission[] = [
  'faces.enroll',
  'faces.identify',
  'faces.verify',
  'faces.detect',
];

/**
 * An image argument: base64 or uploadId as GraphQL hands it over, or the bytes a multipart route
 * already read (never from GraphQL, whose ImageInput has no such field); exactly one of them.
 */
export interface ImageArg {
  base64?: string | null | undefined;
  uploadId?: string | null | undefined;
  bytes?: Uint8Array | undefined;
}

/** Bytes of a request's image and their sha256. */
export interface ImageBytes {
  bytes: Uint8Array;
  sha256: string;
}

/** Throws UNAUTHENTICATED or FORBIDDEN unless `actor` may upload (checked before the body is read). */
export function authorizeUpload(actor: Actor): void {
  if (actor.kind === 'anonymous') {
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      'Sign in, or send an API key as "Authorization: Bearer <key>".',
    );
  }
  if (!UPLOAD_PERMISSIONS.some((p) => isAllowed(actor, p))) {
    throw new AppError(
      ErrorCode.FORBIDDEN,
      'Uploads are for enroll, identify, verify and detect calls, and you may run none of them.',
    );
  }
}

const BASE64_PATTERN = /^[A-Za-z0-9+/_-]*={0,2}$/;

export class UploadsService {
  constructor(
    private readonly images: Pick<ImageRepository, 'put' | 'get' | 'deleteUnreferenced'>,
    private readonly pending: Pick<PendingUploadsRepository, 'record' | 'expiryOf' | 'deleteExpired'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores an uploaded image and returns its upload id (its sha256). */
  async upload(
    actor: Actor,
    bytes: Uint8Array,
  ): Promise<{ uploadId: string; bytes: number; expiresAt: string }> {
    authorizeUpload(actor);
    if (bytes.length === 0)
      throw new AppError(
        ErrorCode.BAD_IMAGE,
        'The upload is empty; send the image file in the "image" field.',
      );
    await assertImageFile(bytes);
    await assertWithinPixelLimit(bytes);
    const key = await this.images.put(bytes);
    const expiresAt = this.now() + UPLOAD_TTL_MS;
    await this.pending.record(key, actorRef(actor), new Date(expiresAt));
    return { uploadId: key, bytes: bytes.length, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The bytes of an image argument; BAD_INPUT unless exactly one form is given, BAD_IMAGE when unusable. */
  async resolve(actor: Actor, image: ImageArg, field = 'image'): Promise<ImageBytes> {
    const hasBase64 = image.base64 != null;
    const hasUpload = image.uploadId != null;
    if (image.bytes && !hasBase64 && !hasUpload)
      return { bytes: image.bytes, sha256: createHash('sha256').update(image.bytes).digest('hex') };
    if (hasBase64 === hasUpload || image.bytes) {
      throw new AppError(ErrorCode.BAD_INPUT, `Give ${field} as exactly one of base64 or uploadId.`, {
        field,
      });
    }
    const bytes = hasBase64
      ? decodeBase64(image.base64 ?? '', field)
      : await this.readUpload(actor, image.uploadId ?? '', field);
    return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /** Forgets expired uploads and deletes their images unless a face, a match event or another upload uses them; returns the deleted count. */
  async purgeExpired(now = this.now()): Promise<number> {
    const released = await this.pending.deleteExpired(new Date(now));
    return (await this.images.deleteUnreferenced(released)).length;
  }

  private async readUpload(actor: Actor, uploadId: string, field: string): Promise<Uint8Array> {
    const expiresAt = await this.pending.expiryOf(uploadId, actorRef(actor));
    const bytes =
      expiresAt !== null && expiresAt.getTime() > this.now() ? await this.images.get(uploadId) : null;
    if (!bytes) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `${field}.uploadId is not an upload of yours that is still valid; upload the image again with POST /api/uploads.`,
        { field: `${field}.uploadId` },
      );
    }
    return bytes;
  }
}

/**
 * Raster formats an upload may be (sharp's names; `heif` covers AVIF): the ones the recognition
 * engine decodes. Vector and document formats sharp can also read (SVG, PDF) are refused: rendering
 * them runs a parser on markup and may reach for other files.
 */
export const UPLOAD_FORMATS: readonly string[] = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif'];

/**
 * Refuses bytes that are no raster image file before they reach the store: sharp reads only the
 * header here, so a truncated photo still passes and is refused by the call that decodes it (CORRUPT_IMAGE).
 */
async function assertImageFile(bytes: Uint8Array): Promise<void> {
  let format: string | undefined;
  try {
    format = (await sharp(bytes, { limitInputPixels: false }).metadata()).format;
  } catch {
    format = undefined;
  }
  if (!format || !UPLOAD_FORMATS.includes(format)) {
    throw new AppError(
      ErrorCode.BAD_IMAGE,
      `${format ? `The upload is a ${format.toUpperCase()} file, not a photo` : 'The upload is not an image file'}; send a photo (JPEG, PNG, WebP, GIF, TIFF or AVIF) in the "image" field.`,
      format ? { format } : {},
    );
  }
}

function decodeBase64(text: string, field: string): Uint8Array {
  // Accept data URLs ("data:image/jpeg;base64,...") and line breaks, as browsers and tools produce them.
  const payload = text.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (payload.length === 0 || !BASE64_PATTERN.test(payload)) {
    throw new AppError(
      ErrorCode.BAD_IMAGE,
      `${field}.base64 is not base64 text; send the image file's bytes base64-encoded.`,
      {
        field: `${field}.base64`,
      },
    );
  }
  if (Math.floor((payload.length * 3) / 4) > MAX_BASE64_IMAGE_BYTES + 2) {
    throw new AppError(
      ErrorCode.BAD_IMAGE,
      `${field} is larger than ${MAX_BASE64_IMAGE_BYTES / 1024 / 1024} MB; send it with POST /api/uploads and pass the uploadId instead.`,
      { field: `${field}.base64`, limitBytes: MAX_BASE64_IMAGE_BYTES },
    );
  }
  return Buffer.from(payload, payload.includes('-') || payload.includes('_') ? 'base64url' : 'base64');
}
