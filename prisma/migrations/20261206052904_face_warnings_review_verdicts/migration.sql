-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ReviewVerdict" ADD VALUE 'UNKNOWN';
ALTER TYPE "ReviewVerdict" ADD VALUE 'DISMISS';

-- AlterTable
ALTER TABLE "galleries" ADD COLUMN     "required_confirmations" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "faces" ADD COLUMN     "likely_same_as_id" UUID,
ADD COLUMN     "likely_same_as_score" DOUBLE PRECISION;


-- Hand-written: one or two reviewers, nothing else.
ALTER TABLE "galleries" ADD CONSTRAINT "galleries_required_confirmations_check" CHECK ("required_confirmations" IN (1, 2));
