-- CreateTable
CREATE TABLE "idempotency_claims" (
    "api_key_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "idempotency_claims_pkey" PRIMARY KEY ("api_key_id","key")
);
