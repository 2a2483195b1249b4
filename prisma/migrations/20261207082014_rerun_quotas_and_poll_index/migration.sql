-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "requested_by_id" TEXT;

-- CreateIndex
CREATE INDEX "jobs_workflow_status_experiment_id_created_at_id_idx" ON "jobs"("workflow", "status", "experiment_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "jobs_requested_by_id_status_idx" ON "jobs"("requested_by_id", "status");
