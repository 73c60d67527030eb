/** Where stored images live. Keys are the sha256 of the bytes, so the same image is stored once. */
export interface ImageStore {
  /** Stores `bytes` and returns their key (lower-case hex sha256). Storing the same bytes again is a no-op. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes stored under `key`, or null when there are none. */
  get(key: string): Promise<Uint8Array | null>;
  has(key: string): Promise<boolean>;
  /** Removes the image and its thumbnails; removing a missing key is a no-op. */
  delete(key: string): Promise<void>;
  /** A JPEG thumbnail at most `size` px on its longer side, made on first use and cached. */
  thumbnail(key: string, size?: number): Promise<Uint8Array | null>;
  /** Every stored key (for audits such as the erasure check). */
  keys(): AsyncIterable<string>;
}

/** A key is a sha256 in lower-case hex; anything else is refused before it reaches a path. */
export function isImageKey(key: string): boolean {
  return /^[0-9a-f]{64}$/.test(key);
}

/** Where stored images live (FACELEDGER_IMAGE_STORE): files on this machine, or the database's images table. */
export const IMAGE_STORE_KINDS = ['file', 'database'] as const;
export type ImageStoreKind = (typeof IMAGE_STORE_KINDS)[number];
