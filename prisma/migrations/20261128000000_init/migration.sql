-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "vector";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'HR', 'REVIEWER', 'AUDITOR');

-- CreateEnum
CREATE TYPE "IdentityStatus" AS ENUM ('ACTIVE', 'SUSPENDED', 'ERASED');

-- CreateEnum
CREATE TYPE "MatchKind" AS ENUM ('IDENTIFY', 'VERIFY', 'COMPARE', 'DETECT');

-- CreateEnum
CREATE TYPE "MatchDecision" AS ENUM ('MATCH', 'NO_MATCH', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "ReviewVerdict" AS ENUM ('CONFIRM', 'REJECT', 'REASSIGN');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "gallery_id" UUID,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "galleries" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "match_threshold" DOUBLE PRECISION NOT NULL,
    "embedding_model_id" TEXT NOT NULL,
    "probe_retention_days" INTEGER NOT NULL DEFAULT 30,
    "forbid_likely_duplicates" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "galleries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identities" (
    "id" UUID NOT NULL,
    "gallery_id" UUID NOT NULL,
    "external_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "consent_given_at" TIMESTAMPTZ(3),
    "consent_given_by" TEXT,
    "status" "IdentityStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "identities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "faces" (
    "id" UUID NOT NULL,
    "identity_id" UUID NOT NULL,
    "image_key" TEXT NOT NULL,
    "box" JSONB NOT NULL,
    "landmarks" JSONB NOT NULL,
    "quality" JSONB NOT NULL,
    "model_id" TEXT NOT NULL,
    "embedding" vector NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "faces_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "match_events" (
    "id" UUID NOT NULL,
    "kind" "MatchKind" NOT NULL,
    "gallery_id" UUID,
    "probe_image_key" TEXT,
    "probe_sha256" TEXT NOT NULL,
    "requester_user_id" UUID,
    "requester_key_id" UUID,
    "threshold" DOUBLE PRECISION,
    "model_id" TEXT NOT NULL,
    "decision" "MatchDecision" NOT NULL,
    "latency_ms" INTEGER NOT NULL,
    "probe_embedding" vector,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "match_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "match_candidates" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "identity_id" UUID NOT NULL,
    "face_id" UUID,
    "score" DOUBLE PRECISION NOT NULL,
    "rank" INTEGER NOT NULL,

    CONSTRAINT "match_candidates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reviews" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "reviewer_id" UUID NOT NULL,
    "verdict" "ReviewVerdict" NOT NULL,
    "target_identity_id" UUID,
    "note" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "seq" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "galleries_name_key" ON "galleries"("name");

-- CreateIndex
CREATE INDEX "identities_gallery_id_display_name_idx" ON "identities"("gallery_id", "display_name");

-- CreateIndex
CREATE UNIQUE INDEX "identities_gallery_id_external_id_key" ON "identities"("gallery_id", "external_id");

-- CreateIndex
CREATE INDEX "faces_identity_id_idx" ON "faces"("identity_id");

-- CreateIndex
CREATE INDEX "faces_image_key_idx" ON "faces"("image_key");

-- CreateIndex
CREATE INDEX "match_events_gallery_id_created_at_idx" ON "match_events"("gallery_id", "created_at");

-- CreateIndex
CREATE INDEX "match_events_created_at_idx" ON "match_events"("created_at");

-- CreateIndex
CREATE INDEX "match_candidates_event_id_idx" ON "match_candidates"("event_id");

-- CreateIndex
CREATE INDEX "match_candidates_identity_id_idx" ON "match_candidates"("identity_id");

-- CreateIndex
CREATE INDEX "reviews_event_id_idx" ON "reviews"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_entries_hash_key" ON "audit_entries"("hash");

-- CreateIndex
CREATE INDEX "audit_entries_at_idx" ON "audit_entries"("at");

-- CreateIndex
CREATE INDEX "audit_entries_actor_idx" ON "audit_entries"("actor");

-- CreateIndex
CREATE INDEX "audit_entries_action_idx" ON "audit_entries"("action");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_gallery_id_fkey" FOREIGN KEY ("gallery_id") REFERENCES "galleries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identities" ADD CONSTRAINT "identities_gallery_id_fkey" FOREIGN KEY ("gallery_id") REFERENCES "galleries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "faces" ADD CONSTRAINT "faces_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_events" ADD CONSTRAINT "match_events_gallery_id_fkey" FOREIGN KEY ("gallery_id") REFERENCES "galleries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_events" ADD CONSTRAINT "match_events_requester_user_id_fkey" FOREIGN KEY ("requester_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_events" ADD CONSTRAINT "match_events_requester_key_id_fkey" FOREIGN KEY ("requester_key_id") REFERENCES "api_keys"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_candidates" ADD CONSTRAINT "match_candidates_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "match_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_candidates" ADD CONSTRAINT "match_candidates_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_candidates" ADD CONSTRAINT "match_candidates_face_id_fkey" FOREIGN KEY ("face_id") REFERENCES "faces"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "match_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_target_identity_id_fkey" FOREIGN KEY ("target_identity_id") REFERENCES "identities"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- HNSW cosine indexes, one per embedding width. Faces of different models share the untyped
-- "embedding" column; each index covers the rows of one width through a cast, so a search must use
-- the same expression: WHERE vector_dims(embedding) = N ORDER BY embedding::vector(N) <=> $probe.
CREATE INDEX "faces_embedding_128_hnsw" ON "faces" USING hnsw (("embedding"::vector(128)) vector_cosine_ops) WHERE vector_dims("embedding") = 128;
CREATE INDEX "faces_embedding_256_hnsw" ON "faces" USING hnsw (("embedding"::vector(256)) vector_cosine_ops) WHERE vector_dims("embedding") = 256;
CREATE INDEX "faces_embedding_1024_hnsw" ON "faces" USING hnsw (("embedding"::vector(1024)) vector_cosine_ops) WHERE vector_dims("embedding") = 1024;
