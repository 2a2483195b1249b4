// What a job keeps about its spans — totals, models, agents, search vector — written onto its row (computed by
// lib/ingest/job-digest.ts, the same way for imports and agents).
import "server-only";
import type { Sql } from "@/lib/db/pool";
import type { JobDigest } from "@/lib/ingest/job-digest";

/** Writes a digest onto the job row, search vector included, in one statement. */
export async function writeDigest(sql: Sql, jobId: string, d: JobDigest): Promise<void> {
  await sql.query(
    `UPDATE jobs SET span_count = $2, llm_calls = $3, tool_calls = $4, tool_errors = $5, input_tokens = $6, output_tokens = $7,
       thoughts_tokens = $8, total_tokens = $9, duration_ms = $10, models = $11, agents = $12, search_vector = to_tsvector('simple', $13)
     WHERE id = $1`,
    [
      jobId,
      d.spanCount,
      d.llmCalls,
      d.toolCalls,
      d.toolErrors,
      d.inputTokens,
      d.outputTokens,
      d.thoughtsTokens,
      d.totalTokens,
      d.durationMs,
      d.models,
      d.agents,
      d.searchText,
    ],
  );
}
