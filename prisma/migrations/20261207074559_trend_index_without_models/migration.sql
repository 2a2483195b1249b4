-- DropIndex
DROP INDEX "jobs_created_at_workflow_status_verdict_total_tokens_durati_idx";

-- CreateIndex
CREATE INDEX "jobs_created_at_workflow_status_verdict_total_tokens_durati_idx" ON "jobs"("created_at", "workflow", "status", "verdict", "total_tokens", "duration_ms");
