-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('pending', 'running', 'finished', 'failed', 'aborted');

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "workflow" TEXT NOT NULL,
    "workflow_type" TEXT NOT NULL DEFAULT '',
    "status" "JobStatus" NOT NULL DEFAULT 'pending',
    "description" TEXT NOT NULL DEFAULT '',
    "link" TEXT NOT NULL DEFAULT '',
    "args" JSONB,
    "results" JSONB,
    "error" TEXT,
    "agent_name" TEXT,
    "code_revision" TEXT,
    "correct" BOOLEAN,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6),
    "rerun_of_id" UUID,
    "source" TEXT NOT NULL DEFAULT 'agent',
    "source_hash" TEXT,
    "minute_precision" BOOLEAN NOT NULL DEFAULT false,
    "verdict" BOOLEAN,
    "span_count" INTEGER NOT NULL DEFAULT 0,
    "llm_calls" INTEGER NOT NULL DEFAULT 0,
    "tool_calls" INTEGER NOT NULL DEFAULT 0,
    "tool_errors" INTEGER NOT NULL DEFAULT 0,
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "thoughts_tokens" INTEGER NOT NULL DEFAULT 0,
    "duration_ms" BIGINT,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "spans" (
    "job_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "nesting" INTEGER NOT NULL,
    "parent_seq" INTEGER,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "model" TEXT,
    "started_at" TIMESTAMPTZ(6) NOT NULL,
    "finished_at" TIMESTAMPTZ(6),
    "error" TEXT,
    "args" JSONB,
    "results" JSONB,
    "instruction" TEXT,
    "prompt" TEXT,
    "reply" TEXT,
    "thoughts" TEXT,
    "input_tokens" INTEGER,
    "output_tokens" INTEGER,
    "output_thoughts_tokens" INTEGER,

    CONSTRAINT "spans_pkey" PRIMARY KEY ("job_id","seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "jobs_source_hash_key" ON "jobs"("source_hash");

-- CreateIndex
CREATE INDEX "jobs_created_at_id_idx" ON "jobs"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "jobs_workflow_created_at_idx" ON "jobs"("workflow", "created_at" DESC);

-- CreateIndex
CREATE INDEX "jobs_status_created_at_idx" ON "jobs"("status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "jobs_rerun_of_id_idx" ON "jobs"("rerun_of_id");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_rerun_of_id_fkey" FOREIGN KEY ("rerun_of_id") REFERENCES "jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spans" ADD CONSTRAINT "spans_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
