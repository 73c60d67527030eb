-- At most one delivery per webhook and match event. Deliveries are queued right after the matching
-- transaction commits and, for events whose queueing was lost (a crash in between), again by the
-- webhook worker's recovery pass; the unique index makes the second attempt a no-op.
DELETE FROM "webhook_deliveries" a
  USING "webhook_deliveries" b
  WHERE a."webhook_id" = b."webhook_id"
    AND a."event_id" = b."event_id"
    AND (a."created_at", a."id") > (b."created_at", b."id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_event_id_key" ON "webhook_deliveries"("webhook_id", "event_id");
