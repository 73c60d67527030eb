-- CreateIndex
CREATE INDEX "reviews_target_identity_id_idx" ON "reviews"("target_identity_id");

