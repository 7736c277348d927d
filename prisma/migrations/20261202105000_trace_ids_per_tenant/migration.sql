-- Trace ids are scoped to the tenant (SPEC §2: a chain's identity is (tenant, trace_id)): two
-- tenants may use the same trace id, each with a chain of its own from hop 1, and no tenant
-- can learn or take another's id. The trace head's key and the receipts' hop key gain the tenant.

-- DropForeignKey
ALTER TABLE "receipts" DROP CONSTRAINT "receipts_trace_id_fkey";

-- DropIndex
DROP INDEX "receipts_trace_id_hop_key";

-- AlterTable
ALTER TABLE "traces" DROP CONSTRAINT "traces_pkey",
ADD CONSTRAINT "traces_pkey" PRIMARY KEY ("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "receipts_tenant_id_trace_id_hop_key" ON "receipts"("tenant_id", "trace_id", "hop");

-- AddForeignKey
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_tenant_id_trace_id_fkey" FOREIGN KEY ("tenant_id", "trace_id") REFERENCES "traces"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- signet_append_exchanges keyed by (tenant, trace): as in 20261126011500_append_exchanges_function,
-- except that a trace is the pair, heads are locked in (tenant, id) order, and a stale answer
-- no longer names the head's tenant (a trace never belongs to another tenant now).
DROP FUNCTION signet_append_exchanges(text[], text[], text[], text[], int[], text[], text[], text[], text[], text[], timestamp[], text[], text[], bigint[]);

CREATE FUNCTION signet_append_exchanges(
  p_api_key text[], p_key text[], p_tenant text[], p_trace text[], p_hop int[], p_prev text[],
  p_hash text[], p_payload_type text[], p_target_type text[], p_cid text[], p_ts timestamp(3)[],
  p_body text[], p_response text[], p_fu bigint[])
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

  DELETE FROM idempotency_records r USING unnest(claimed) AS i
   WHERE NOT (i = ANY(written)) AND r.api_key_id = p_api_key[i] AND r.key = p_key[i];

  RETURN QUERY
  SELECT i, CASE WHEN i = ANY(claimed) THEN 'stale' ELSE 'duplicate' END, tr.head_hop, tr.head_hash
    FROM generate_subscripts(p_key, 1) AS i LEFT JOIN traces tr ON tr.tenant_id = p_tenant[i] AND tr.id = p_trace[i]
   WHERE NOT (i = ANY(written));
END;
$fn$;
