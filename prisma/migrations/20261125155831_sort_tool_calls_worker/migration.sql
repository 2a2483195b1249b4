-- CreateIndex
CREATE INDEX "jobs_tool_calls_id_idx" ON "jobs"("tool_calls", "id");

-- CreateIndex
CREATE INDEX "jobs_agent_name_id_idx" ON "jobs"("agent_name", "id");
