-- AlterTable
ALTER TABLE "galleries" ADD COLUMN     "identify_target_fpir" DOUBLE PRECISION NOT NULL DEFAULT 0.01,
ADD COLUMN     "identify_threshold_override" DOUBLE PRECISION;

