-- CreateTable
CREATE TABLE "probe_embeddings" (
    "event_id" UUID NOT NULL,
    "model_id" TEXT NOT NULL,
    "embedding" vector NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "probe_embeddings_pkey" PRIMARY KEY ("event_id","model_id")
);

-- AddForeignKey
ALTER TABLE "probe_embeddings" ADD CONSTRAINT "probe_embeddings_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "match_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Hand-written: embeddings are biometric, so ANALYZE keeps no sample of them in pg_statistic (as for
-- face_embeddings). No HNSW index: a negative-exemplar check reads the REJECTed events of the
-- identities it asks about, exactly.
ALTER TABLE "probe_embeddings" ALTER COLUMN "embedding" SET STATISTICS 0;

-- Hand-written: a probe's other embeddings live only as long as its own. Whoever clears
-- match_events.probe_embedding (the retention purge, an erasure) clears every embedding derived from
-- the same probe with it, in the same statement, without having to know this table.
CREATE FUNCTION "probe_embeddings_follow_probe"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "probe_embeddings" WHERE "event_id" = NEW."id";
  RETURN NULL;
END;
$$;

CREATE TRIGGER "match_events_probe_cleared"
  AFTER UPDATE OF "probe_embedding" ON "match_events"
  FOR EACH ROW WHEN (OLD."probe_embedding" IS NOT NULL AND NEW."probe_embedding" IS NULL)
  EXECUTE FUNCTION "probe_embeddings_follow_probe"();
