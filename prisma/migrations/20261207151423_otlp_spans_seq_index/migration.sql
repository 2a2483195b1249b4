-- CreateIndex
CREATE INDEX "otlp_spans_job_id_seq_idx" ON "otlp_spans"("job_id", "seq");
