-- The exchange hot path's write (server/exchange/commit.ts): one call per group of exchanges,
-- one statement, so one transaction and one round trip. Receipts arrive sealed against the
-- trace heads the caller expects (hop p_hop[i], linking to p_prev[i]; '' for a first hop).
-- The function claims the idempotency keys, checks those heads under lock, and writes the
-- receipts, the heads, the usage rows and the stored responses of every exchange whose chain
-- position holds. It returns one row per exchange it did not write:
--   'duplicate' the idempotency key belongs to another exchange (replay its response);
--   'stale'     the trace head is not where the receipt expects it (re-seal on the head
--               returned, which is null for a trace that does not exist).
-- Locks are taken in one global order (idempotency keys by key, then traces by id), so
-- concurrent calls on any number of instances queue instead of deadlocking, and a trace
-- never forks; UNIQUE(trace_id, hop) backs that up.
CREATE FUNCTION signet_append_exchanges(
  p_api_key text[], p_key text[], p_tenant text[], p_trace text[], p_hop int[], p_prev text[],
  p_hash text[], p_payload_type text[], p_target_type text[], p_cid text[], p_ts timestamp(3)[],
  p_body text[], p_response text[], p_fu bigint[])
RETURNS TABLE (item int, outcome text, head_tenant text, head_hop int, head_hash text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  claimed int[];
  writable int[];
  advanced text[];
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
    FROM (SELECT i, bool_and(i = ANY(claimed)) OVER (PARTITION BY p_trace[i] ORDER BY p_hop[i]) AS ok
            FROM generate_subscripts(p_key, 1) AS i) AS chain
   WHERE ok;

  -- 3. Move the heads: create new traces with their final head; lock existing ones (id
  --    order) and advance those still at the hop and hash the receipts link to.
  WITH t AS (
    SELECT p_trace[i] AS id, min(p_tenant[i]) AS tenant,
           min(p_hop[i]) - 1 AS base_hop, (array_agg(p_prev[i] ORDER BY p_hop[i]))[1] AS base_hash,
           max(p_hop[i]) AS last_hop, (array_agg(p_hash[i] ORDER BY p_hop[i] DESC))[1] AS last_hash
      FROM unnest(writable) AS i GROUP BY p_trace[i]
  ), locked AS (
    SELECT tr.id, tr.tenant_id, tr.head_hop, tr.head_hash FROM traces tr
     WHERE tr.id IN (SELECT id FROM t WHERE base_hop > 0) ORDER BY tr.id FOR UPDATE
  ), created AS (
    INSERT INTO traces (id, tenant_id, head_hop, head_hash)
    SELECT id, tenant, last_hop, last_hash FROM t WHERE base_hop = 0 ORDER BY id
    ON CONFLICT DO NOTHING RETURNING id
  ), moved AS (
    UPDATE traces tr SET head_hop = t.last_hop, head_hash = t.last_hash, updated_at = now()
      FROM t JOIN locked l ON l.id = t.id
     WHERE tr.id = t.id AND l.tenant_id = t.tenant AND l.head_hop = t.base_hop AND l.head_hash = t.base_hash
    RETURNING tr.id
  )
  SELECT coalesce(array_agg(id), '{}') INTO advanced FROM (SELECT id FROM created UNION ALL SELECT id FROM moved) AS a;

  SELECT coalesce(array_agg(i), '{}') INTO written FROM unnest(writable) AS i WHERE p_trace[i] = ANY(advanced);

  -- 4. Write receipts and usage; give back the claims of exchanges not written.
  INSERT INTO receipts (trace_id, hop, tenant_id, api_key_id, receipt_hash, payload_type, target_type, cid, created_at, body)
  SELECT p_trace[i], p_hop[i], p_tenant[i], p_api_key[i], p_hash[i], p_payload_type[i], p_target_type[i], p_cid[i], p_ts[i], p_body[i]
    FROM unnest(written) AS i ORDER BY p_trace[i], p_hop[i];

  INSERT INTO usage_events (tenant_id, api_key_id, meter, units, receipt_hash, occurred_at)
  SELECT p_tenant[i], p_api_key[i], 'vex', 1, p_hash[i], p_ts[i] FROM unnest(written) AS i
  UNION ALL
  SELECT p_tenant[i], p_api_key[i], 'fu', p_fu[i], p_hash[i], p_ts[i] FROM unnest(written) AS i WHERE p_fu[i] > 0;

  DELETE FROM idempotency_records r USING unnest(claimed) AS i
   WHERE NOT (i = ANY(written)) AND r.api_key_id = p_api_key[i] AND r.key = p_key[i];

  RETURN QUERY
  SELECT i, CASE WHEN i = ANY(claimed) THEN 'stale' ELSE 'duplicate' END, tr.tenant_id, tr.head_hop, tr.head_hash
    FROM generate_subscripts(p_key, 1) AS i LEFT JOIN traces tr ON tr.id = p_trace[i]
   WHERE NOT (i = ANY(written));
END;
$fn$;
