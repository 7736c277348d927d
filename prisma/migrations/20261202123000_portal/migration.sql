-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "receipt_verified_at" TIMESTAMP(3),
ADD COLUMN     "receipt_viewed_at" TIMESTAMP(3),
ADD COLUMN     "scheduled_plan_at" TIMESTAMP(3),
ADD COLUMN     "scheduled_plan_id" TEXT;

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "replaced_by_id" TEXT;
