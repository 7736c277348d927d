-- The sequencer's two steps of a batch as functions: PL/pgSQL plans their statements once per
-- connection, where a statement sent as text is parsed and planned on every call, which on
-- PGlite (the one thread that also serves the exchanges) cost about half of a batch's database
-- time. Both run in the sequencer's transaction (server/log/sequencer.ts).

-- Under the sequencer lock (locked is false, and nothing done, when another instance holds
-- it): the log's head (size and root hash), and the oldest max_entries receipts taken off the
-- queue and given leaves from head_size on, in receipt order. Returns them in leaf order as
-- space-separated lists of receipt hashes and of commit times (ms since the epoch): one row,
-- not one per entry.
CREATE OR REPLACE FUNCTION signet_log_take(max_entries int,
    OUT locked boolean, OUT head_size bigint, OUT head_root bytea, OUT entries int, OUT hashes text, OUT committed_ms text) AS $$
BEGIN
  locked := pg_try_advisory_xact_lock(1365732979); -- 0x51676e73, "Sgns"
  IF NOT locked THEN
    RETURN;
  END IF;
  -- A volatile function's every statement sees what committed before it began: after the lock,
  -- so the head read here cannot move until this transaction ends.
  SELECT c.size, c.root_hash INTO head_size, head_root FROM log_checkpoints c ORDER BY c.size DESC LIMIT 1;
  IF head_size IS NULL THEN
    RAISE EXCEPTION 'the log has no checkpoint' USING ERRCODE = 'P0001';
  END IF;
  -- Up to the max_entries-th queued receipt id: one index range, the same rows the LIMIT saw
  -- (one statement, one snapshot).
  WITH taken AS (
    DELETE FROM log_pending
     WHERE receipt_id <= (SELECT max(s.receipt_id) FROM (SELECT p.receipt_id FROM log_pending p ORDER BY p.receipt_id LIMIT max_entries) s)
    RETURNING receipt_id, receipt_hash, committed_at),
  leaves AS (
    INSERT INTO log_leaves (leaf_index, receipt_hash)
      SELECT head_size + row_number() OVER (ORDER BY t.receipt_id) - 1, t.receipt_hash FROM taken t)
  SELECT count(*)::int,
         coalesce(string_agg(t.receipt_hash, ' ' ORDER BY t.receipt_id), ''),
         coalesce(string_agg((extract(epoch FROM t.committed_at) * 1000)::float8::text, ' ' ORDER BY t.receipt_id), '')
    INTO entries, hashes, committed_ms
    FROM taken t;
END;
$$ LANGUAGE plpgsql;

-- The batch's grown tiles (hex, one upsert) and its signed checkpoint.
CREATE OR REPLACE FUNCTION signet_log_write(tile_levels int[], tile_indexes bigint[], tile_hex text[], new_size bigint, root_hex text, signed_note text)
    RETURNS void AS $$
BEGIN
  INSERT INTO log_tiles (level, idx, hashes)
    SELECT t.level, t.idx, decode(t.hex, 'hex') FROM unnest(tile_levels, tile_indexes, tile_hex) AS t(level, idx, hex)
  ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes;
  INSERT INTO log_checkpoints (size, root_hash, note) VALUES (new_size, decode(root_hex, 'hex'), signed_note);
END;
$$ LANGUAGE plpgsql;
