-- Denser HNSW graphs (pgvector defaults are m = 16, ef_construction = 64). Measured with
-- `npm run bench:identify -- --mode postgres` at 100k faces of 128-d: the defaults reached recall@1
-- 0.93 at ef_search 100 and needed ef_search 800 (p95 29 ms) for 0.99; with m = 32 and
-- ef_construction = 200, ef_search 100 gives recall@1 1.000 at p95 17.6 ms. Builds and inserts
-- cost more; on a large existing table this rebuild takes minutes (about 11 min per 100k rows on
-- 2 cores), once.
DROP INDEX IF EXISTS "faces_embedding_128_hnsw";
DROP INDEX IF EXISTS "faces_embedding_256_hnsw";
DROP INDEX IF EXISTS "faces_embedding_1024_hnsw";
CREATE INDEX "faces_embedding_128_hnsw" ON "faces" USING hnsw (("embedding"::vector(128)) vector_cosine_ops) WITH (m = 32, ef_construction = 200) WHERE vector_dims("embedding") = 128;
CREATE INDEX "faces_embedding_256_hnsw" ON "faces" USING hnsw (("embedding"::vector(256)) vector_cosine_ops) WITH (m = 32, ef_construction = 200) WHERE vector_dims("embedding") = 256;
CREATE INDEX "faces_embedding_1024_hnsw" ON "faces" USING hnsw (("embedding"::vector(1024)) vector_cosine_ops) WITH (m = 32, ef_construction = 200) WHERE vector_dims("embedding") = 1024;
