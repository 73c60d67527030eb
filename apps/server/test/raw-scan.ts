// Reads the database's own files, as a forensic look at the disk would, to check that an erasure
// left no bytes behind: every table, index and TOAST relation (catalogs included) after a
// CHECKPOINT, through pg_read_binary_file (superuser; PGlite and the test PostgreSQL both allow it).
import type { PrismaClient } from '@faceledger/db';

/** One needle found in one relation's file. */
export interface RawHit {
  needle: string;
  relation: string;
}

/** The bytes pgvector stores for the first `count` values of an embedding (float4, little-endian). */
export function vectorBytes(text: string, count = 8): Buffer {
  const values = text.replace(/[[\]]/g, '').split(',').slice(0, count).map(Number);
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes;
}

/**
 * Which needles occur in which relation files of the current database. Only the first segment
 * (up to 1 GB) of each relation's main fork is read: test databases are far smaller.
 */
export async function scanDatabaseFiles(
  prisma: PrismaClient,
  needles: Record<string, Uint8Array>,
): Promise<RawHit[]> {
  await prisma.$executeRawUnsafe('CHECKPOINT');
  const relations = await prisma.$queryRaw<Array<{ relation: string; path: string }>>`
    SELECT c.oid::regclass::text AS relation, pg_relation_filepath(c.oid) AS path
    FROM pg_class c
    WHERE c.relkind IN ('r', 'i', 't', 'm') AND c.relpersistence = 'p' AND pg_relation_filepath(c.oid) IS NOT NULL`;
  const hits: RawHit[] = [];
  for (const { relation, path } of relations) {
    const rows = await prisma.$queryRaw<Array<{ bytes: Uint8Array | null }>>`
      SELECT pg_read_binary_file(${path}, 0, LEAST((pg_stat_file(${path}, true)).size, 1073741000), true) AS bytes`;
    const file = Buffer.from(rows[0]?.bytes ?? new Uint8Array());
    for (const [needle, bytes] of Object.entries(needles)) {
      if (file.includes(Buffer.from(bytes))) hits.push({ needle, relation });
    }
  }
  return hits;
}
