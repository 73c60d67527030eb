-- State several server processes on one PostgreSQL share: the API-key and sign-in limiters
-- (modules/auth/*-store), and image bytes when FACELEDGER_IMAGE_STORE=database.
-- CreateTable
CREATE TABLE "api_key_rate_buckets" (
    "key_id" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "last_allowed" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "api_key_rate_buckets_pkey" PRIMARY KEY ("key_id")
);

-- CreateTable
CREATE TABLE "sign_in_windows" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "since" TIMESTAMPTZ(6) NOT NULL,
    "count" INTEGER NOT NULL,
    "unreported" INTEGER NOT NULL,
    "refused" INTEGER NOT NULL,

    CONSTRAINT "sign_in_windows_pkey" PRIMARY KEY ("scope","key")
);

-- CreateTable
CREATE TABLE "images" (
    "key" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "bytes" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "images_pkey" PRIMARY KEY ("key","size")
);

-- CreateIndex
CREATE INDEX "api_key_rate_buckets_updated_at_idx" ON "api_key_rate_buckets"("updated_at");

-- CreateIndex
CREATE INDEX "sign_in_windows_since_idx" ON "sign_in_windows"("since");

-- Photos and the emails and addresses of sign-in attempts are personal data: ANALYZE copies no
-- sample of them into pg_statistic, where an erasure could not reach it (see 20261206055000).
ALTER TABLE "images" ALTER COLUMN "key" SET STATISTICS 0, ALTER COLUMN "bytes" SET STATISTICS 0;
ALTER TABLE "sign_in_windows" ALTER COLUMN "key" SET STATISTICS 0;
-- JPEG and PNG bytes do not compress: store them out of line without trying.
ALTER TABLE "images" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;
