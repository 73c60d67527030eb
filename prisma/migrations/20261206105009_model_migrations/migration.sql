-- CreateEnum
CREATE TYPE "ModelMigrationStatus" AS ENUM ('RE_EMBEDDING', 'SHADOW', 'SWITCHED', 'CANCELLED');

-- CreateTable
CREATE TABLE "face_embeddings" (
    "face_id" UUID NOT NULL,
    "model_id" TEXT NOT NULL,
    "embedding" vector NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "face_embeddings_pkey" PRIMARY KEY ("face_id","model_id")
);

-- CreateTable
CREATE TABLE "model_migrations" (
    "id" UUID NOT NULL,
    "gallery_id" UUID NOT NULL,
    "from_model_id" TEXT NOT NULL,
    "to_model_id" TEXT NOT NULL,
    "status" "ModelMigrationStatus" NOT NULL DEFAULT 'RE_EMBEDDING',
    "job_id" UUID,
    "shadow_probes" INTEGER NOT NULL DEFAULT 0,
    "shadow_same_decision" INTEGER NOT NULL DEFAULT 0,
    "shadow_same_top" INTEGER NOT NULL DEFAULT 0,
    "shadow_current_matches" INTEGER NOT NULL DEFAULT 0,
    "shadow_target_matches" INTEGER NOT NULL DEFAULT 0,
    "previous_match_threshold" DOUBLE PRECISION,
    "previous_identify_threshold_override" DOUBLE PRECISION,
    "switched_at" TIMESTAMPTZ(3),
    "rolled_back_at" TIMESTAMPTZ(3),
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "model_migrations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "face_embeddings_model_id_idx" ON "face_embeddings"("model_id");

-- CreateIndex
CREATE INDEX "model_migrations_gallery_id_created_at_idx" ON "model_migrations"("gallery_id", "created_at");

-- AddForeignKey
ALTER TABLE "face_embeddings" ADD CONSTRAINT "face_embeddings_face_id_fkey" FOREIGN KEY ("face_id") REFERENCES "faces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_migrations" ADD CONSTRAINT "model_migrations_gallery_id_fkey" FOREIGN KEY ("gallery_id") REFERENCES "galleries"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: embeddings are biometric, so ANALYZE keeps no sample of them in pg_statistic (as for
-- faces.embedding in 20261206055000_no_statistics_on_personal_columns). No HNSW index: these are
-- searched only inside one gallery (shadow mode, leave-one-out rates), exactly.
ALTER TABLE "face_embeddings" ALTER COLUMN "embedding" SET STATISTICS 0;
