-- Receipts are an audit trail: once written they can never change or disappear.
-- The only way past this trigger is the retention purge, which sets
-- signet.retention_purge = 'on' for its own transaction and deletes only expired rows.
CREATE OR REPLACE FUNCTION signet_receipts_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('signet.retention_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'receipts are append-only: % refused', TG_OP USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER receipts_append_only
  BEFORE UPDATE OR DELETE ON "receipts"
  FOR EACH ROW EXECUTE FUNCTION signet_receipts_append_only();

CREATE TRIGGER receipts_no_truncate
  BEFORE TRUNCATE ON "receipts"
  FOR EACH STATEMENT EXECUTE FUNCTION signet_receipts_append_only();
