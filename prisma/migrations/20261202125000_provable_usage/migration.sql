-- AlterTable
ALTER TABLE "billing_batches" ADD COLUMN     "first_leaf" BIGINT,
ADD COLUMN     "last_leaf" BIGINT,
ADD COLUMN     "root" TEXT;

-- CreateTable
CREATE TABLE "tariff_versions" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "effective_from" TIMESTAMP(3) NOT NULL,
    "terms" JSONB NOT NULL,
    "terms_cid" TEXT NOT NULL,

    CONSTRAINT "tariff_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_statements" (
    "tenant_id" TEXT NOT NULL,
    "period_start" TIMESTAMP(3) NOT NULL,
    "period_end" TIMESTAMP(3) NOT NULL,
    "document" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_statements_pkey" PRIMARY KEY ("tenant_id","period_start")
);

-- CreateIndex
CREATE INDEX "tariff_versions_tenant_id_effective_from_idx" ON "tariff_versions"("tenant_id", "effective_from");

-- A closed period's statement is signed and handed out: it can never change or disappear.
CREATE OR REPLACE FUNCTION signet_usage_statements_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'usage statements are immutable: % refused', TG_OP USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER usage_statements_immutable
  BEFORE UPDATE OR DELETE ON "usage_statements"
  FOR EACH ROW EXECUTE FUNCTION signet_usage_statements_immutable();
