-- Sightings (apps/server/src/modules/sightings/): one row per face track of a camera with its best crop,
-- decision and watchlist candidates; unknown clusters ("unknown #N") and the alerts sightings raise.
-- Templates (sightings.embedding, unknown_clusters.centroid) are kept for clustering and face search
-- until the camera's retention purges the sighting or an erasure clears them.
-- CreateEnum
CREATE TYPE "UnknownClusterStatus" AS ENUM ('OPEN', 'NAMED', 'DISMISSED');

-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('WATCHLIST_MATCH', 'REPEATED_UNKNOWN');

-- CreateTable
CREATE TABLE "sightings" (
    "id" UUID NOT NULL,
    "camera_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3) NOT NULL,
    "frames" INTEGER NOT NULL,
    "quality" DOUBLE PRECISION NOT NULL,
    "crop_image_key" TEXT,
    "box" JSONB NOT NULL,
    "decision" "MatchDecision" NOT NULL,
    "gallery_id" UUID,
    "identity_id" UUID,
    "score" DOUBLE PRECISION,
    "threshold" DOUBLE PRECISION,
    "model_id" TEXT NOT NULL,
    "embedding" vector,
    "cluster_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sightings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sighting_candidates" (
    "id" UUID NOT NULL,
    "sighting_id" UUID NOT NULL,
    "gallery_id" UUID NOT NULL,
    "identity_id" UUID NOT NULL,
    "face_id" UUID,
    "score" DOUBLE PRECISION NOT NULL,
    "rank" INTEGER NOT NULL,

    CONSTRAINT "sighting_candidates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "unknown_clusters" (
    "id" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "model_id" TEXT NOT NULL,
    "centroid" vector,
    "size" INTEGER NOT NULL DEFAULT 1,
    "status" "UnknownClusterStatus" NOT NULL DEFAULT 'OPEN',
    "identity_id" UUID,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "reviewed_by" TEXT,
    "reviewed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "unknown_clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "camera_id" UUID NOT NULL,
    "sighting_id" UUID NOT NULL,
    "gallery_id" UUID,
    "identity_id" UUID,
    "cluster_id" UUID,
    "match_event_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sightings_camera_id_started_at_idx" ON "sightings"("camera_id", "started_at");

-- CreateIndex
CREATE INDEX "sightings_started_at_idx" ON "sightings"("started_at");

-- CreateIndex
CREATE INDEX "sightings_identity_id_idx" ON "sightings"("identity_id");

-- CreateIndex
CREATE INDEX "sightings_cluster_id_idx" ON "sightings"("cluster_id");

-- CreateIndex
CREATE INDEX "sighting_candidates_sighting_id_idx" ON "sighting_candidates"("sighting_id");

-- CreateIndex
CREATE INDEX "sighting_candidates_identity_id_idx" ON "sighting_candidates"("identity_id");

-- CreateIndex
CREATE UNIQUE INDEX "unknown_clusters_number_key" ON "unknown_clusters"("number");

-- CreateIndex
CREATE INDEX "unknown_clusters_status_last_seen_at_idx" ON "unknown_clusters"("status", "last_seen_at");

-- CreateIndex
CREATE INDEX "alerts_camera_id_identity_id_created_at_idx" ON "alerts"("camera_id", "identity_id", "created_at");

-- CreateIndex
CREATE INDEX "alerts_camera_id_cluster_id_created_at_idx" ON "alerts"("camera_id", "cluster_id", "created_at");

-- CreateIndex
CREATE INDEX "alerts_created_at_idx" ON "alerts"("created_at");

-- AddForeignKey
ALTER TABLE "sightings" ADD CONSTRAINT "sightings_camera_id_fkey" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sightings" ADD CONSTRAINT "sightings_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sightings" ADD CONSTRAINT "sightings_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "unknown_clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sighting_candidates" ADD CONSTRAINT "sighting_candidates_sighting_id_fkey" FOREIGN KEY ("sighting_id") REFERENCES "sightings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sighting_candidates" ADD CONSTRAINT "sighting_candidates_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "unknown_clusters" ADD CONSTRAINT "unknown_clusters_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_camera_id_fkey" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_sighting_id_fkey" FOREIGN KEY ("sighting_id") REFERENCES "sightings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Biometric columns: ANALYZE copies none of their values into pg_statistic (as faces.embedding).
ALTER TABLE "sightings" ALTER COLUMN "embedding" SET STATISTICS 0, ALTER COLUMN "crop_image_key" SET STATISTICS 0;
ALTER TABLE "unknown_clusters" ALTER COLUMN "centroid" SET STATISTICS 0;
