-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "scheduled_plan_at" TIMESTAMP(3),
ADD COLUMN     "scheduled_plan_id" TEXT;

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "replaced_by_id" TEXT;
