// Images the client sends: a file path, bytes (a Buffer is a Uint8Array), a Blob, or an ImageInput
// the server already knows ({ uploadId } from upload(), or { base64 }).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageInput } from './generated/graphql.js';

/** What every image argument of the client accepts. */
export type ImageSource = string | Uint8Array | Blob | ImageInput;

/**
 * Largest image sent inline: the server's limit for base64 in GraphQL and for the multipart
 * detect, identify and verify routes. Larger files (up to 20 MB) go through an upload.
 */
export const MAX_INLINE_IMAGE_BYTES = 10 * 1024 * 1024;

/** A file's bytes and the name sent with them. */
export interface ImageFile {
  blob: Blob;
  name: string;
}

/** True for an ImageInput ({ uploadId } or { base64 }), which is passed on as it is. */
export function isImageInput(image: ImageSource): image is ImageInput {
  return typeof image === 'object' && !(image instanceof Uint8Array) && !(image instanceof Blob);
}

/** Only the ImageInput fields of `image` (an Upload answer carries bytes and expiresAt too, which GraphQL refuses). */
export function imageInputOf(image: ImageInput): ImageInput {
  return {
    ...(image.base64 != null ? { base64: image.base64 } : {}),
    ...(image.uploadId != null ? { uploadId: image.uploadId } : {}),
  };
}

/** Reads a path, bytes or a Blob into a Blob with a file name. */
export async function readImage(image: Exclude<ImageSource, ImageInput>): Promise<ImageFile> {
  if (typeof image === 'string')
    return { blob: new Blob([await readFile(image)]), name: path.basename(image) };
  if (image instanceof Blob) return { blob: image, name: 'image' };
  // Copy into a plain ArrayBuffer-backed view (a Buffer may be a slice of a shared pool).
  return { blob: new Blob([new Uint8Array(image)]), name: 'image' };
}

/** The file as base64 text, for ImageInput.base64. */
export async function base64Of(file: ImageFile): Promise<string> {
  return Buffer.from(await file.blob.arrayBuffer()).toString('base64');
}
