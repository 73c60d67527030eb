-- ANALYZE (and autovacuum's auto-analyze) copies sampled column values into pg_statistic: most
-- common values and histogram bounds of names, externalIds, photo hashes, file names and whole
-- embeddings (vector has a btree order, so it gets a histogram, also through the HNSW indexes'
-- expression columns). An erasure cannot reach those copies, so these columns get no statistics
-- (the planner falls back to default selectivities; every query on them uses an index by equality
-- or is a vector search, which statistics do not steer). Not expressible in schema.prisma.
ALTER TABLE "identities"
  ALTER COLUMN "display_name" SET STATISTICS 0,
  ALTER COLUMN "external_id" SET STATISTICS 0,
  ALTER COLUMN "metadata" SET STATISTICS 0,
  ALTER COLUMN "consent_given_by" SET STATISTICS 0;
ALTER TABLE "faces"
  ALTER COLUMN "embedding" SET STATISTICS 0,
  ALTER COLUMN "image_key" SET STATISTICS 0;
ALTER TABLE "match_events"
  ALTER COLUMN "probe_embedding" SET STATISTICS 0,
  ALTER COLUMN "probe_sha256" SET STATISTICS 0,
  ALTER COLUMN "probe_image_key" SET STATISTICS 0;
ALTER TABLE "reviews" ALTER COLUMN "note" SET STATISTICS 0;
ALTER TABLE "job_items"
  ALTER COLUMN "input" SET STATISTICS 0,
  ALTER COLUMN "message" SET STATISTICS 0,
  ALTER COLUMN "result" SET STATISTICS 0;
ALTER TABLE "job_files"
  ALTER COLUMN "name" SET STATISTICS 0,
  ALTER COLUMN "data" SET STATISTICS 0;
ALTER TABLE "pending_uploads" ALTER COLUMN "image_key" SET STATISTICS 0;
ALTER INDEX "faces_embedding_128_hnsw" ALTER COLUMN 1 SET STATISTICS 0;
ALTER INDEX "faces_embedding_256_hnsw" ALTER COLUMN 1 SET STATISTICS 0;
ALTER INDEX "faces_embedding_1024_hnsw" ALTER COLUMN 1 SET STATISTICS 0;

-- Statistics ANALYZE gathered before stay until deleted, and only a superuser may delete them
-- (PGlite's user is one). Without that right they stay: docs/SECURITY-storage.md says how to remove them.
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    DELETE FROM pg_statistic s
    USING pg_attribute a
    WHERE s.starelid = a.attrelid
      AND s.staattnum = a.attnum
      AND a.attstattarget = 0
      AND a.attrelid IN (
        'identities'::regclass, 'faces'::regclass, 'match_events'::regclass, 'reviews'::regclass,
        'job_items'::regclass, 'job_files'::regclass, 'pending_uploads'::regclass,
        'faces_embedding_128_hnsw'::regclass, 'faces_embedding_256_hnsw'::regclass,
        'faces_embedding_1024_hnsw'::regclass
      );
  END IF;
END $$;
