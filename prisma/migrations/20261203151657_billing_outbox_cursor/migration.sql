-- CreateTable
CREATE TABLE "billing_outbox_cursor" (
    "id" INTEGER NOT NULL,
    "next_leaf" BIGINT NOT NULL,

    CONSTRAINT "billing_outbox_cursor_pkey" PRIMARY KEY ("id")
);

-- Start where the batcher left off: at the first leaf with unbatched usage, or after the last leaf.
INSERT INTO "billing_outbox_cursor" ("id", "next_leaf")
SELECT 1, COALESCE(
  (SELECT min(l.leaf_index) FROM usage_events u JOIN log_leaves l ON l.receipt_hash = u.receipt_hash WHERE u.batch_id IS NULL),
  (SELECT max(leaf_index) + 1 FROM log_leaves),
  0);
