// What a job keeps about its spans — totals, models, agents, search vector — computed the same way for imports and agents.
import "server-only";
import { searchFields, type SearchFieldsInput } from "@/lib/history/search-fields";
import { runTotals, type RunTotals, type SummarySpan } from "@/lib/trajectory/summary";
import type { Sql } from "@/lib/db/pool";
import { MAX_QUERY_TEXT_CHARS, MAX_RUN_SUMMARY_NAMES } from "@/lib/limits";

/**
 * The job's columns derived from its spans: the run's totals (lib/trajectory/summary.ts runTotals), their sum, and
 * the models and agents for the history's filters (token totals are int8 columns: sums never overflow them).
 */
export interface JobDigest extends RunTotals {
  totalTokens: number;
  models: string[];
  agents: string[];
  /** what the job's search_vector is made of */
  searchText: string;
}

/**
 * What of a run's distinct model or agent names the summary column keeps: each cut at MAX_QUERY_TEXT_CHARS (no filter
 * can name a longer one, and a GIN key must stay under ~2.7 KB), at most MAX_RUN_SUMMARY_NAMES of them. The spans keep
 * every name; this column only serves the history's filters.
 */
function fitting(names: readonly string[]): string[] {
  const cut = [...new Set(names.map((n) => n.slice(0, MAX_QUERY_TEXT_CHARS)))];
  return cut.length > MAX_RUN_SUMMARY_NAMES ? cut.slice(0, MAX_RUN_SUMMARY_NAMES) : cut;
}

/** Totals and search fields of a run from its job fields and spans (any order); `words`: resultWords of its results, when known. */
export function jobDigest(job: Omit<SearchFieldsInput, "spans">, spans: readonly SummarySpan[], words?: readonly string[]): JobDigest {
  const totals = runTotals(spans);
  const search = searchFields(
    { ...job, spans: spans.map((s) => ({ Type: s.type, Name: s.name, Model: s.model ?? undefined, Error: s.error ?? undefined })) },
    words,
  );
  return {
    ...totals,
    totalTokens: totals.inputTokens + totals.outputTokens + totals.thoughtsTokens,
    models: fitting(search.models),
    agents: fitting(search.agents),
    searchText: search.searchText,
  };
}

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
