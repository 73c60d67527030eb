import { Prisma } from '@faceledger/db';
/** Embedding widths that have an HNSW index (see the init migration). */
export declare const INDEXED_DIMS: readonly number[];
/** pgvector's text form of an embedding: '[0.1,0.2,...]'. */
export declare function vectorLiteral(embedding: ArrayLike<number>): string;
/** The typmod of a cast; only whole widths get into SQL text. */
export declare function dimsSql(dims: number): Prisma.Sql;
/** `column::vector(N) <=> probe::vector(N)`: cosine distance (1 - cosine similarity). */
export declare function cosineDistanceSql(column: Prisma.Sql, probe: string, dims: number): Prisma.Sql;
/** Parses pgvector's text form back into numbers. */
export declare function parseVector(text: string): Float32Array;
