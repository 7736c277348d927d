-- CreateIndex
CREATE INDEX "request_log_tenant_id_error_code_occurred_at_id_idx" ON "request_log"("tenant_id", "error_code", "occurred_at" DESC, "id" DESC) WHERE (error_code IS NOT NULL);
