-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "otlp_pending_since" TIMESTAMPTZ(6);

-- AlterTable
ALTER TABLE "otlp_spans" ADD COLUMN     "row" JSON,
ALTER COLUMN "seq" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "jobs_otlp_pending_since_idx" ON "jobs"("otlp_pending_since");
