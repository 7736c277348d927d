-- CreateTable
CREATE TABLE "usage_rollups" (
    "tenant_id" TEXT NOT NULL,
    "meter" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "shard" SMALLINT NOT NULL,
    "units" BIGINT NOT NULL,
    "events" BIGINT NOT NULL,

    CONSTRAINT "usage_rollups_pkey" PRIMARY KEY ("tenant_id","meter","hour","shard")
);

-- usage_rollups is the usage ledger summed per (tenant, meter, UTC hour), kept exact by
-- statement triggers: rows inserted or deleted move their hour's sums in the same statement, so
-- in the same transaction (group commit, retention purge, anything else). One INSERT ... ON
-- CONFLICT per statement, aggregated over the statement's rows. Each backend writes its own
-- shard (pid mod 4), so concurrent writers of one tenant and hour do not queue on one row until
-- commit; readers sum the shards.
CREATE FUNCTION signet_usage_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO usage_rollups AS r (tenant_id, meter, hour, shard, units, events)
  SELECT tenant_id, meter, date_trunc('hour', occurred_at), pg_backend_pid() % 4, sum(units), count(*)
    FROM new_usage GROUP BY tenant_id, meter, date_trunc('hour', occurred_at) ORDER BY 1, 2, 3
  ON CONFLICT (tenant_id, meter, hour, shard) DO UPDATE SET units = r.units + excluded.units, events = r.events + excluded.events;
  RETURN NULL;
END;
$fn$;

CREATE FUNCTION signet_usage_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO usage_rollups AS r (tenant_id, meter, hour, shard, units, events)
  SELECT tenant_id, meter, date_trunc('hour', occurred_at), pg_backend_pid() % 4, -sum(units), -count(*)
    FROM old_usage GROUP BY tenant_id, meter, date_trunc('hour', occurred_at) ORDER BY 1, 2, 3
  ON CONFLICT (tenant_id, meter, hour, shard) DO UPDATE SET units = r.units + excluded.units, events = r.events + excluded.events;
  RETURN NULL;
END;
$fn$;

-- A usage row's tenant, meter, units and time never change once written (only batch_id is set
-- later), so an UPDATE cannot move units past the rollups.
CREATE FUNCTION signet_usage_immutable() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'usage_events: tenant_id, meter, units and occurred_at are immutable' USING ERRCODE = '55000';
END;
$fn$;

CREATE FUNCTION signet_usage_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM usage_rollups;
  RETURN NULL;
END;
$fn$;

CREATE TRIGGER usage_events_rollup_insert AFTER INSERT ON "usage_events"
  REFERENCING NEW TABLE AS new_usage FOR EACH STATEMENT EXECUTE FUNCTION signet_usage_rollup_insert();
CREATE TRIGGER usage_events_rollup_delete AFTER DELETE ON "usage_events"
  REFERENCING OLD TABLE AS old_usage FOR EACH STATEMENT EXECUTE FUNCTION signet_usage_rollup_delete();
CREATE TRIGGER usage_events_rollup_truncate AFTER TRUNCATE ON "usage_events"
  FOR EACH STATEMENT EXECUTE FUNCTION signet_usage_rollup_truncate();
CREATE TRIGGER usage_events_immutable BEFORE UPDATE OF tenant_id, meter, units, occurred_at ON "usage_events"
  FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.meter IS DISTINCT FROM NEW.meter
                     OR OLD.units IS DISTINCT FROM NEW.units OR OLD.occurred_at IS DISTINCT FROM NEW.occurred_at)
  EXECUTE FUNCTION signet_usage_immutable();

INSERT INTO usage_rollups (tenant_id, meter, hour, shard, units, events)
SELECT tenant_id, meter, date_trunc('hour', occurred_at), 0, sum(units), count(*)
  FROM usage_events GROUP BY tenant_id, meter, date_trunc('hour', occurred_at);
