-- CreateTable
CREATE TABLE "trace_rollups" (
    "tenant_id" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "shard" SMALLINT NOT NULL,
    "traces" BIGINT NOT NULL,

    CONSTRAINT "trace_rollups_pkey" PRIMARY KEY ("tenant_id","hour","shard")
);

-- trace_rollups counts traces per (tenant, UTC hour of created_at), kept exact by statement
-- triggers as usage_rollups is (migration 20261202124000_usage_rollups): one upsert per
-- statement, each backend on its own shard (pid mod 4), readers sum the shards.
CREATE FUNCTION signet_trace_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO trace_rollups AS r (tenant_id, hour, shard, traces)
  SELECT tenant_id, date_trunc('hour', created_at), pg_backend_pid() % 4, count(*)
    FROM new_traces GROUP BY tenant_id, date_trunc('hour', created_at) ORDER BY 1, 2
  ON CONFLICT (tenant_id, hour, shard) DO UPDATE SET traces = r.traces + excluded.traces;
  RETURN NULL;
END;
$fn$;

CREATE FUNCTION signet_trace_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO trace_rollups AS r (tenant_id, hour, shard, traces)
  SELECT tenant_id, date_trunc('hour', created_at), pg_backend_pid() % 4, -count(*)
    FROM old_traces GROUP BY tenant_id, date_trunc('hour', created_at) ORDER BY 1, 2
  ON CONFLICT (tenant_id, hour, shard) DO UPDATE SET traces = r.traces + excluded.traces;
  RETURN NULL;
END;
$fn$;

-- Appends move a trace's head and updated_at, never its tenant or creation time.
CREATE FUNCTION signet_trace_created_immutable() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'traces: tenant_id and created_at are immutable' USING ERRCODE = '55000';
END;
$fn$;

CREATE FUNCTION signet_trace_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM trace_rollups;
  RETURN NULL;
END;
$fn$;

CREATE TRIGGER traces_rollup_insert AFTER INSERT ON "traces"
  REFERENCING NEW TABLE AS new_traces FOR EACH STATEMENT EXECUTE FUNCTION signet_trace_rollup_insert();
CREATE TRIGGER traces_rollup_delete AFTER DELETE ON "traces"
  REFERENCING OLD TABLE AS old_traces FOR EACH STATEMENT EXECUTE FUNCTION signet_trace_rollup_delete();
CREATE TRIGGER traces_rollup_truncate AFTER TRUNCATE ON "traces"
  FOR EACH STATEMENT EXECUTE FUNCTION signet_trace_rollup_truncate();
CREATE TRIGGER traces_created_immutable BEFORE UPDATE OF tenant_id, created_at ON "traces"
  FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.created_at IS DISTINCT FROM NEW.created_at)
  EXECUTE FUNCTION signet_trace_created_immutable();

INSERT INTO trace_rollups (tenant_id, hour, shard, traces)
SELECT tenant_id, date_trunc('hour', created_at), 0, count(*) FROM traces GROUP BY tenant_id, date_trunc('hour', created_at);
