-- The box of the probe face a match event is about, drawn by the review queue; older events keep null.
-- AlterTable
ALTER TABLE "match_events" ADD COLUMN     "probe_box" JSONB;

