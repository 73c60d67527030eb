// SQL fragments for pgvector searches. Faces of every model share the untyped `embedding vector`
// column with one partial HNSW index per width, so every search uses the index's own expression:
// WHERE vector_dims(embedding) = N ... ORDER BY embedding::vector(N) <=> probe::vector(N).
import { Prisma } from '@faceledger/db';

/** Embedding widths that have an HNSW index (see the init migration). */
export const INDEXED_DIMS: readonly number[] = [128, 256, 1024];

/** pgvector's text form of an embedding: '[0.1,0.2,...]'. */
export function vectorLiteral(embedding: ArrayLike<number>): string {
  const values: string[] = [];
  for (let i = 0; i < embedding.length; i++) {
    const value = embedding[i] ?? 0;
    if (!Number.isFinite(value)) throw new Error('An embedding holds a value that is not a finite number.');
    values.push(String(value));
  }
  return `[${values.join(',')}]`;
}

/** The typmod of a cast; only whole widths get into SQL text. */
export function dimsSql(dims: number): Prisma.Sql {
  if (!Number.isInteger(dims) || dims < 1 || dims > 16_000)
    throw new Error(`Not an embedding width: ${dims}`);
  return Prisma.raw(String(dims));
}

/** `column::vector(N) <=> probe::vector(N)`: cosine distance (1 - cosine similarity). */
export function cosineDistanceSql(column: Prisma.Sql, probe: string, dims: number): Prisma.Sql {
  const n = dimsSql(dims);
  return Prisma.sql`${column}::vector(${n}) <=> ${probe}::vector(${n})`;
}

/** Parses pgvector's text form back into numbers. */
export function parseVector(text: string): Float32Array {
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '');
  return Float32Array.from(inner.length === 0 ? [] : inner.split(',').map(Number));
}
