-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "last_seen_at" TIMESTAMPTZ(6);

-- CreateTable
CREATE TABLE "agent_clients" (
    "name" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_clients_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "jobs_workflow_status_created_at_idx" ON "jobs"("workflow", "status", "created_at");
