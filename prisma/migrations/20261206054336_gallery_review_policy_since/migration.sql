-- AlterTable
ALTER TABLE "galleries" ADD COLUMN     "review_policy_since" TIMESTAMPTZ(3);

