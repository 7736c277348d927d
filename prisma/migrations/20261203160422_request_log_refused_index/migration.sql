-- CreateIndex
CREATE INDEX "request_log_refused_idx" ON "request_log"("tenant_id", "occurred_at" DESC, "id" DESC) WHERE (status >= 400);
