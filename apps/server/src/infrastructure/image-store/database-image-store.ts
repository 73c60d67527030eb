// ImageStore in the database (FACELEDGER_IMAGE_STORE=database): the `images` table holds the original
// under size 0 and each thumbnail under its size, made on first use and cached like the file store's.
// Every server process on one PostgreSQL then serves every image. The rows are personal data: an
// erasure deletes them and rewrites the table (VACUUM FULL, identity-erasure.repository.ts).
import { createHash } from 'node:crypto';
import type { PrismaClient } from '@faceledger/db';
import { isImageKey, type ImageStore } from './image-store.js';
import { DEFAULT_THUMBNAIL_SIZE, makeThumbnail } from './thumbnail.js';

/** The row of the original bytes; thumbnails use their size in px. */
const ORIGINAL = 0;
/** Keys read per query while listing. */
const KEYS_PER_PAGE = 1000;

/** Refuses anything but a sha256 key before it reaches a query, as the file store refuses it before a path. */
function checkedKey(key: string): string {
  if (!isImageKey(key)) throw new Error(`Not an image key: ${key.slice(0, 80)}`);
  return key;
}

export class DatabaseImageStore implements ImageStore {
  constructor(private readonly prisma: PrismaClient) {}

  async put(bytes: Uint8Array): Promise<string> {
    const key = createHash('sha256').update(bytes).digest('hex');
    await this.prisma.$executeRaw`
      INSERT INTO images (key, size, bytes) VALUES (${key}, ${ORIGINAL}, ${Buffer.from(bytes)})
      ON CONFLICT (key, size) DO NOTHING`;
    return key;
  }

  async get(key: string): Promise<Uint8Array | null> {
    return this.read(checkedKey(key), ORIGINAL);
  }

  async has(key: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<unknown[]>`
      SELECT 1 FROM images WHERE key = ${checkedKey(key)} AND size = ${ORIGINAL}`;
    return rows.length > 0;
  }

  /**
   * Deletes the original first, then the thumbnails in a later statement of the same transaction:
   * a thumbnail being cached holds the original's row (FOR KEY SHARE), so it is either in before the
   * first DELETE, and seen by the second, or finds no original and is not written.
   */
  async delete(key: string): Promise<void> {
    checkedKey(key);
    await this.prisma.$transaction([
      this.prisma.$executeRaw`DELETE FROM images WHERE key = ${key} AND size = ${ORIGINAL}`,
      this.prisma.$executeRaw`DELETE FROM images WHERE key = ${key}`,
    ]);
  }

  async thumbnail(key: string, size = DEFAULT_THUMBNAIL_SIZE): Promise<Uint8Array | null> {
    const cached = await this.read(checkedKey(key), size);
    if (cached) return cached;
    const original = await this.read(key, ORIGINAL);
    if (!original) return null;
    const thumb = await makeThumbnail(original, size);
    await this.prisma.$transaction(async (tx) => {
      const held = await tx.$queryRaw<unknown[]>`
        SELECT 1 FROM images WHERE key = ${key} AND size = ${ORIGINAL} FOR KEY SHARE`;
      if (held.length === 0) return;
      await tx.$executeRaw`
        INSERT INTO images (key, size, bytes) VALUES (${key}, ${size}, ${thumb})
        ON CONFLICT (key, size) DO NOTHING`;
    });
    return thumb;
  }

  async *keys(): AsyncIterable<string> {
    let after = '';
    for (;;) {
      const page = await this.prisma.$queryRaw<Array<{ key: string }>>`
        SELECT key FROM images WHERE size = ${ORIGINAL} AND key > ${after} ORDER BY key LIMIT ${KEYS_PER_PAGE}`;
      for (const { key } of page) yield key;
      if (page.length < KEYS_PER_PAGE) return;
      after = page[page.length - 1]!.key;
    }
  }

  private async read(key: string, size: number): Promise<Uint8Array | null> {
    const rows = await this.prisma.$queryRaw<Array<{ bytes: Uint8Array }>>`
      SELECT bytes FROM images WHERE key = ${key} AND size = ${size}`;
    return rows[0]?.bytes ?? null;
  }
}
