// The agent's span write (ai_trajectory_log) as one SQL statement per span that checks the job's owner and state,
// upserts the span and heartbeats the job — one round trip, no interactive transaction, nothing to roll back. The app
// stores spans through the group commit (lib/ingest/span-batch.ts: logSpans), which runs this statement for a batch of
// one span and the same rules over many; the bench's raw phase runs it alone as the baseline.
import "server-only";
import type pg from "pg";
import { AGENT_SPAN_GRACE_SECONDS } from "@/lib/limits";
import type { Span } from "@/lib/trajectory/span";
import { spanToRow } from "@/lib/trajectory/span-rows";

/** Why a span was not stored; null when it was. */
export type LogRefusal = { kind: "no-job" } | { kind: "not-owner" } | { kind: "ended"; status: string; error: string | null };

// The owner and state check, the upsert and the heartbeat in one statement: the span is written only when the job
// belongs to the calling client and takes spans (running, or ended less than the grace period ago and not aborted).
// A late start copy never overwrites a finished one (the ON CONFLICT … WHERE). parent_seq is settled when the job
// ends (lib/ingest/recompute.ts): spans arrive out of order, so no per-span guess is stored.
/**
 * The upsert of a span row, shared by the one-span statement here and the group commit's (span-batch.ts), so a column
 * added to spans is written by both: every field replaced, except that a late start copy never overwrites a finished one.
 */
export const SPAN_UPSERT = `  ON CONFLICT (job_id, seq) DO UPDATE SET
    nesting = EXCLUDED.nesting, type = EXCLUDED.type, name = EXCLUDED.name, model = EXCLUDED.model,
    started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, error = EXCLUDED.error,
    args = EXCLUDED.args, results = EXCLUDED.results, instruction = EXCLUDED.instruction,
    prompt = EXCLUDED.prompt, reply = EXCLUDED.reply, thoughts = EXCLUDED.thoughts,
    input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens,
    output_thoughts_tokens = EXCLUDED.output_thoughts_tokens, search_text = EXCLUDED.search_text, extra = EXCLUDED.extra,
    summary = EXCLUDED.summary
  WHERE spans.finished_at IS NULL OR EXCLUDED.finished_at IS NOT NULL`;

export const LOG_SPAN_SQL = `
WITH j AS (
  SELECT id, status::text AS status, error, agent_client = $2 AS owned,
    status = 'running' OR (status IN ('finished', 'failed') AND finished_at > now() - make_interval(secs => ${AGENT_SPAN_GRACE_SECONDS})) AS open
  FROM jobs WHERE id = $1
), up AS (
  INSERT INTO spans (job_id, seq, nesting, type, name, model, started_at, finished_at, error, args, results,
    instruction, prompt, reply, thoughts, input_tokens, output_tokens, output_thoughts_tokens, search_text, extra, summary)
  SELECT j.id, $4, $5, $6, $7, $8, $9::timestamptz, $10::timestamptz, $11, $12::json, $13::json, $14, $15, $16, $17, $18, $19, $20, $21, $22::json, $23
  FROM j WHERE j.owned AND j.open
${SPAN_UPSERT}
  RETURNING 1
), beat AS (
  -- At most one new job row version a second per job: the inactivity timer counts hours.
  UPDATE jobs SET last_seen_at = now(), span_agent_name = $3
  FROM j WHERE jobs.id = j.id AND j.owned AND j.open
    AND (jobs.last_seen_at IS NULL OR jobs.last_seen_at < now() - interval '1 second' OR jobs.span_agent_name IS DISTINCT FROM $3)
  RETURNING 1
)
SELECT status, error, owned, open FROM j`;

/**
 * The query that logs one span (the bench's raw phase runs exactly this): a named statement, so each connection
 * parses and plans it once and then sends only the values.
 */
export function logSpanQuery(client: string, agentName: string, jobId: string, span: Span): pg.QueryConfig {
  const r = spanToRow(jobId, span, null);
  return {
    name: "log_span",
    text: LOG_SPAN_SQL,
    values: [
      jobId,
      client,
      agentName,
      r.seq,
      r.nesting,
      r.type,
      r.name,
      r.model,
      r.startedAt,
      r.finishedAt,
      r.error,
      r.args,
      r.results,
      r.instruction,
      r.prompt,
      r.reply,
      r.thoughts,
      r.inputTokens,
      r.outputTokens,
      r.outputThoughtsTokens,
      r.searchText,
      r.extra,
      r.summary,
    ],
  };
}
