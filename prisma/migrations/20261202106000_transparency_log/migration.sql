-- CreateTable
CREATE TABLE "log_pending" (
    "receipt_id" BIGINT NOT NULL,
    "receipt_hash" TEXT NOT NULL,
    "committed_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "log_pending_pkey" PRIMARY KEY ("receipt_id")
);

-- CreateTable
CREATE TABLE "log_leaves" (
    "leaf_index" BIGINT NOT NULL,
    "receipt_hash" TEXT NOT NULL,

    CONSTRAINT "log_leaves_pkey" PRIMARY KEY ("leaf_index")
);

-- CreateTable
CREATE TABLE "log_tiles" (
    "level" INTEGER NOT NULL,
    "idx" BIGINT NOT NULL,
    "hashes" BYTEA NOT NULL,

    CONSTRAINT "log_tiles_pkey" PRIMARY KEY ("level","idx")
);

-- CreateTable
CREATE TABLE "log_checkpoints" (
    "size" BIGINT NOT NULL,
    "root_hash" BYTEA NOT NULL,
    "note" TEXT NOT NULL,
    "signed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "log_checkpoints_pkey" PRIMARY KEY ("size")
);

-- CreateTable
CREATE TABLE "log_cosignatures" (
    "size" BIGINT NOT NULL,
    "witness" TEXT NOT NULL,
    "line" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "log_cosignatures_pkey" PRIMARY KEY ("size","witness")
);

-- CreateTable
CREATE TABLE "log_keys" (
    "id" INTEGER NOT NULL,
    "origin" TEXT NOT NULL,
    "public_key" TEXT NOT NULL,
    "private_key" TEXT NOT NULL,
    "encrypted" BOOLEAN NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "log_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "log_leaves_receipt_hash_key" ON "log_leaves"("receipt_hash");

-- Every committed receipt waits in log_pending until the sequencer gives it a leaf: the row
-- commits with the receipt, so no receipt can be left out by a crash on either side.
CREATE OR REPLACE FUNCTION signet_log_enqueue() RETURNS trigger AS $$
BEGIN
  INSERT INTO log_pending (receipt_id, receipt_hash, committed_at)
    SELECT id, receipt_hash, created_at FROM new_receipts;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER receipts_log_enqueue
  AFTER INSERT ON "receipts" REFERENCING NEW TABLE AS new_receipts
  FOR EACH STATEMENT EXECUTE FUNCTION signet_log_enqueue();

INSERT INTO log_pending (receipt_id, receipt_hash, committed_at)
  SELECT id, receipt_hash, created_at FROM receipts;

-- The log is append-only for ever: leaves and checkpoints never change or go, and a tile only
-- grows until it is full, then never changes.
CREATE OR REPLACE FUNCTION signet_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the transparency log is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER log_leaves_append_only BEFORE UPDATE OR DELETE ON "log_leaves"
  FOR EACH ROW EXECUTE FUNCTION signet_log_append_only();
CREATE TRIGGER log_leaves_no_truncate BEFORE TRUNCATE ON "log_leaves"
  FOR EACH STATEMENT EXECUTE FUNCTION signet_log_append_only();
CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON "log_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION signet_log_append_only();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON "log_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION signet_log_append_only();
CREATE TRIGGER log_tiles_no_delete BEFORE DELETE ON "log_tiles"
  FOR EACH ROW EXECUTE FUNCTION signet_log_append_only();
CREATE TRIGGER log_tiles_no_truncate BEFORE TRUNCATE ON "log_tiles"
  FOR EACH STATEMENT EXECUTE FUNCTION signet_log_append_only();

CREATE OR REPLACE FUNCTION signet_log_tile_grows() RETURNS trigger AS $$
BEGIN
  IF length(OLD.hashes) >= 8192 OR length(NEW.hashes) <= length(OLD.hashes)
     OR substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) <> OLD.hashes THEN
    RAISE EXCEPTION 'log tile %/% may only grow, and not once full', OLD.level, OLD.idx USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER log_tiles_grow_only BEFORE UPDATE ON "log_tiles"
  FOR EACH ROW EXECUTE FUNCTION signet_log_tile_grows();
