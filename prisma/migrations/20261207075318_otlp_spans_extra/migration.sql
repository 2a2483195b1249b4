-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "otlp_trace_id" TEXT;

-- AlterTable
ALTER TABLE "spans" ADD COLUMN     "extra" JSON;

-- CreateTable
CREATE TABLE "otlp_spans" (
    "job_id" UUID NOT NULL,
    "span_id" TEXT NOT NULL,
    "parent_span_id" TEXT,
    "seq" INTEGER NOT NULL,
    "start_time_unix_nano" BIGINT NOT NULL,
    "ended" BOOLEAN NOT NULL,
    "body" JSON NOT NULL,

    CONSTRAINT "otlp_spans_pkey" PRIMARY KEY ("job_id","span_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "jobs_otlp_trace_id_key" ON "jobs"("otlp_trace_id");

-- AddForeignKey
ALTER TABLE "otlp_spans" ADD CONSTRAINT "otlp_spans_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
