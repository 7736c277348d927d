-- AlterTable
ALTER TABLE "billing_batches" ADD COLUMN     "billed_units" BIGINT,
ADD COLUMN     "provider" TEXT;
