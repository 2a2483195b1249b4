-- DropIndex
DROP INDEX "jobs_status_created_at_idx";

-- DropIndex
DROP INDEX "jobs_workflow_created_at_idx";

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "agents" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "models" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "search_vector" tsvector,
ADD COLUMN     "total_tokens" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "jobs_duration_ms_id_idx" ON "jobs"("duration_ms", "id");

-- CreateIndex
CREATE INDEX "jobs_total_tokens_id_idx" ON "jobs"("total_tokens", "id");

-- CreateIndex
CREATE INDEX "jobs_llm_calls_id_idx" ON "jobs"("llm_calls", "id");

-- CreateIndex
CREATE INDEX "jobs_tool_errors_id_idx" ON "jobs"("tool_errors", "id");

-- CreateIndex
CREATE INDEX "jobs_workflow_id_idx" ON "jobs"("workflow", "id");

-- CreateIndex
CREATE INDEX "jobs_status_id_idx" ON "jobs"("status", "id");

-- CreateIndex
CREATE INDEX "jobs_verdict_id_idx" ON "jobs"("verdict", "id");

-- CreateIndex
CREATE INDEX "jobs_workflow_created_at_id_idx" ON "jobs"("workflow", "created_at", "id");

-- CreateIndex
CREATE INDEX "jobs_status_created_at_id_idx" ON "jobs"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "jobs_verdict_created_at_id_idx" ON "jobs"("verdict", "created_at", "id");

-- CreateIndex
CREATE INDEX "jobs_models_idx" ON "jobs" USING GIN ("models");

-- CreateIndex
CREATE INDEX "jobs_agents_idx" ON "jobs" USING GIN ("agents");

-- CreateIndex
CREATE INDEX "jobs_search_vector_idx" ON "jobs" USING GIN ("search_vector");

-- CreateIndex
CREATE INDEX "jobs_created_at_workflow_status_verdict_total_tokens_durati_idx" ON "jobs"("created_at", "workflow", "status", "verdict", "total_tokens", "duration_ms", "models");

-- Backfill (hand-written): runs stored before this migration get the same fields save-run now keeps.
UPDATE "jobs" j SET
  "total_tokens" = j."input_tokens" + j."output_tokens" + j."thoughts_tokens",
  "models" = COALESCE((SELECT array_agg(DISTINCT s."model" ORDER BY s."model") FROM "spans" s WHERE s."job_id" = j."id" AND s."type" = 'llm' AND s."model" <> ''), ARRAY[]::TEXT[]),
  "agents" = COALESCE((SELECT array_agg(DISTINCT s."name" ORDER BY s."name") FROM "spans" s WHERE s."job_id" = j."id" AND s."type" = 'agent' AND s."name" <> ''), ARRAY[]::TEXT[]),
  "search_vector" = to_tsvector('simple', left(concat_ws(' ',
    j."workflow", j."description", j."link",
    CASE WHEN jsonb_typeof(j."results") = 'object' THEN j."results"->>'Reasoning' END,
    j."error",
    (SELECT string_agg(DISTINCT s."name", ' ') FROM "spans" s WHERE s."job_id" = j."id"),
    (SELECT string_agg(DISTINCT s."error", ' ') FROM "spans" s WHERE s."job_id" = j."id" AND s."error" IS NOT NULL)
  ), 100000));
