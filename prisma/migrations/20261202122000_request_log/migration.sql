-- DropIndex
DROP INDEX "receipts_tenant_id_created_at_idx";

-- AlterTable
ALTER TABLE "reserved_capacity" ADD COLUMN     "monthly_fee_cents" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "request_log" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "api_key_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "payload_type" TEXT,
    "target_type" TEXT,
    "status" INTEGER NOT NULL,
    "error_code" TEXT,
    "error_message" TEXT,
    "replay" BOOLEAN NOT NULL DEFAULT false,
    "repair" TEXT,
    "fu_tokens" BIGINT NOT NULL DEFAULT 0,
    "total_ms" DOUBLE PRECISION NOT NULL,
    "added_ms" DOUBLE PRECISION NOT NULL,
    "trace_id" TEXT,
    "receipt_hash" TEXT,

    CONSTRAINT "request_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "export_fetches" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "trace_id" TEXT NOT NULL,
    "user_agent" TEXT,
    "fetched_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "export_fetches_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "request_log_tenant_id_occurred_at_id_idx" ON "request_log"("tenant_id", "occurred_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "request_log_occurred_at_idx" ON "request_log"("occurred_at");

-- CreateIndex
CREATE INDEX "export_fetches_fetched_at_idx" ON "export_fetches"("fetched_at");

-- CreateIndex
CREATE INDEX "receipts_tenant_id_created_at_id_idx" ON "receipts"("tenant_id", "created_at", "id");

-- signet_append_exchanges also writes the request log's row of every exchange it writes (same
-- transaction, same round trip); otherwise as in 20261202105000_trace_ids_per_tenant.
DROP FUNCTION signet_append_exchanges(text[], text[], text[], text[], int[], text[], text[], text[], text[], text[], timestamp[], text[], text[], bigint[]);

CREATE FUNCTION signet_append_exchanges(
  p_api_key text[], p_key text[], p_tenant text[], p_trace text[], p_hop int[], p_prev text[],
  p_hash text[], p_payload_type text[], p_target_type text[], p_cid text[], p_ts timestamp(3)[],
  p_body text[], p_response text[], p_fu bigint[],
  p_elapsed double precision[], p_external double precision[], p_repair text[])
RETURNS TABLE (item int, outcome text, head_hop int, head_hash text)
LANGUAGE plpgsql
-- Whole arrays are the parameters, so one generic plan fits every call (20261126023500).
SET plan_cache_mode = force_generic_plan
AS $fn$
#variable_conflict use_column
DECLARE
  claimed int[];
  writable int[];
  written int[];
BEGIN
  -- 1. Claim the idempotency keys. A key claimed by a call in flight makes this one wait for
  --    it; once that commits, the key is a duplicate here.
  WITH c AS (
    INSERT INTO idempotency_records (api_key_id, key, status, response_body, trace_id)
    SELECT p_api_key[i], p_key[i], 200, p_response[i], p_trace[i]
      FROM generate_subscripts(p_key, 1) AS i
     ORDER BY p_api_key[i], p_key[i]
    ON CONFLICT DO NOTHING
    RETURNING api_key_id, key)
  SELECT coalesce(array_agg(i), '{}') INTO claimed
    FROM c JOIN generate_subscripts(p_key, 1) AS i ON c.api_key_id = p_api_key[i] AND c.key = p_key[i];

  -- 2. A receipt can be written only if every earlier receipt of its trace in this call can
  --    (it links to them).
  SELECT coalesce(array_agg(i), '{}') INTO writable
    FROM (SELECT i, bool_and(i = ANY(claimed)) OVER (PARTITION BY p_tenant[i], p_trace[i] ORDER BY p_hop[i]) AS ok
            FROM generate_subscripts(p_key, 1) AS i) AS chain
   WHERE ok;

  -- 3. Move the heads: create new traces with their final head; lock existing ones ((tenant,
  --    id) order) and advance those still at the hop and hash the receipts link to.
  WITH t AS (
    SELECT p_tenant[i] AS tenant, p_trace[i] AS id,
           min(p_hop[i]) - 1 AS base_hop, (array_agg(p_prev[i] ORDER BY p_hop[i]))[1] AS base_hash,
           max(p_hop[i]) AS last_hop, (array_agg(p_hash[i] ORDER BY p_hop[i] DESC))[1] AS last_hash
      FROM unnest(writable) AS i GROUP BY p_tenant[i], p_trace[i]
  ), locked AS (
    SELECT tr.tenant_id, tr.id, tr.head_hop, tr.head_hash FROM traces tr
     WHERE (tr.tenant_id, tr.id) IN (SELECT tenant, id FROM t WHERE base_hop > 0) ORDER BY tr.tenant_id, tr.id FOR UPDATE
  ), created AS (
    INSERT INTO traces (tenant_id, id, head_hop, head_hash)
    SELECT tenant, id, last_hop, last_hash FROM t WHERE base_hop = 0 ORDER BY tenant, id
    ON CONFLICT DO NOTHING RETURNING tenant_id, id
  ), moved AS (
    UPDATE traces tr SET head_hop = t.last_hop, head_hash = t.last_hash, updated_at = now()
      FROM t JOIN locked l ON l.tenant_id = t.tenant AND l.id = t.id
     WHERE tr.tenant_id = t.tenant AND tr.id = t.id AND l.head_hop = t.base_hop AND l.head_hash = t.base_hash
    RETURNING tr.tenant_id, tr.id
  )
  SELECT coalesce(array_agg(i), '{}') INTO written
    FROM unnest(writable) AS i
    JOIN (SELECT tenant_id, id FROM created UNION ALL SELECT tenant_id, id FROM moved) AS a
      ON a.tenant_id = p_tenant[i] AND a.id = p_trace[i];

  -- 4. Write receipts and usage; give back the claims of exchanges not written.
  INSERT INTO receipts (trace_id, hop, tenant_id, api_key_id, receipt_hash, payload_type, target_type, cid, created_at, body)
  SELECT p_trace[i], p_hop[i], p_tenant[i], p_api_key[i], p_hash[i], p_payload_type[i], p_target_type[i], p_cid[i], p_ts[i], p_body[i]
    FROM unnest(written) AS i ORDER BY p_tenant[i], p_trace[i], p_hop[i];

  INSERT INTO usage_events (tenant_id, api_key_id, meter, units, receipt_hash, occurred_at)
  SELECT p_tenant[i], p_api_key[i], 'vex', 1, p_hash[i], p_ts[i] FROM unnest(written) AS i
  UNION ALL
  SELECT p_tenant[i], p_api_key[i], 'fu', p_fu[i], p_hash[i], p_ts[i] FROM unnest(written) AS i WHERE p_fu[i] > 0;

  -- The request log's rows. Total latency: the time the exchange took until this call was
  -- sent (p_elapsed, measured by the instance) plus this statement's time so far.
  INSERT INTO request_log (tenant_id, api_key_id, occurred_at, payload_type, target_type, status, repair, fu_tokens,
                           total_ms, added_ms, trace_id, receipt_hash)
  SELECT p_tenant[i], p_api_key[i], p_ts[i], p_payload_type[i], p_target_type[i], 200, nullif(p_repair[i], ''), p_fu[i],
         p_elapsed[i] + db_ms, p_elapsed[i] + db_ms - p_external[i], p_trace[i], p_hash[i]
    FROM unnest(written) AS i, (SELECT extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000 AS db_ms) AS d;

  DELETE FROM idempotency_records r USING unnest(claimed) AS i
   WHERE NOT (i = ANY(written)) AND r.api_key_id = p_api_key[i] AND r.key = p_key[i];

  RETURN QUERY
  SELECT i, CASE WHEN i = ANY(claimed) THEN 'stale' ELSE 'duplicate' END, tr.head_hop, tr.head_hash
    FROM generate_subscripts(p_key, 1) AS i LEFT JOIN traces tr ON tr.tenant_id = p_tenant[i] AND tr.id = p_trace[i]
   WHERE NOT (i = ANY(written));
END;
$fn$;
