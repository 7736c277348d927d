-- DropIndex
DROP INDEX "usage_events_tenant_id_meter_occurred_at_idx";

-- CreateIndex
CREATE INDEX "usage_events_tenant_id_meter_occurred_at_id_idx" ON "usage_events"("tenant_id", "meter", "occurred_at", "id");
