// Stores spans of an OpenTelemetry trace as a run (POST /v1/traces, lib/otlp): a trace is one job, its spans arrive
// in any order over many requests, and lib/ingest/otlp-place.ts places them in the run's tree: in the request while the
// trace is small, after it (placePendingTraces) once it is large, so that no request's work grows with the trace. One
// transaction per trace and request, under the job row's lock: concurrent requests for one trace take turns, and a 200
// means every span is committed (placed, or waiting in otlp_spans to be placed within seconds).
import "server-only";
import type { Sql } from "@/lib/db/pool";
import { inTransaction } from "@/lib/db/pool";
import { AGENT_SPAN_GRACE_SECONDS, OTLP_PLACE_IN_REQUEST_MAX_SPANS } from "@/lib/limits";
import { encodedSpan, type TraceSpan } from "@/lib/ingest/otlp-span";
import { placeTrace, TooDeep, writeOtlpSpans } from "@/lib/ingest/otlp-place";
import { recomputeJob } from "@/lib/ingest/recompute";
import { uuidFrom } from "@/lib/ingest/save-run";

export interface TraceBatch {
  traceId: string;
  /** the agent client whose key sent it: only it may add spans to the trace */
  client: string;
  /** service.name of the sender: the run's agent */
  agentName: string | null;
  spans: TraceSpan[];
}

/** Null when stored, else why the trace's spans were refused (answered as partial success). */
export type TraceRefusal =
  | { kind: "not-owner" }
  | { kind: "taken" }
  | { kind: "ended"; status: string }
  /** a span would nest deeper than MAX_NESTING (a chain of parents): the trace's spans of the request are refused */
  | { kind: "too-deep"; spanId: string; nesting: number };

/** The run of a trace: a stable id per trace id. */
export function traceJobId(traceId: string): string {
  return uuidFrom(`otlp:${traceId}`);
}

/**
 * Stores a batch of one trace's spans (a span sent again replaces its earlier copy), re-deriving seqs and nesting of
 * the whole trace and moving the spans whose place changed, then the run's totals. Creates the run (status running,
 * source "otlp") on its first span.
 */
export async function storeTraceSpans(batch: TraceBatch): Promise<{ refusal: TraceRefusal | null; waiting: boolean }> {
  const jobId = traceJobId(batch.traceId);
  try {
    return await inTransaction((sql) => storeInTransaction(sql, jobId, batch));
  } catch (e) {
    // Thrown, so the transaction rolls back: a trace's first request writes no empty run either.
    if (e instanceof TooDeep) return { refusal: { kind: "too-deep", spanId: e.spanId, nesting: e.nesting }, waiting: false };
    throw e;
  }
}

async function storeInTransaction(sql: Sql, jobId: string, batch: TraceBatch): Promise<{ refusal: TraceRefusal | null; waiting: boolean }> {
  const first = batch.spans[0]!;
  await sql.query(
    `INSERT INTO jobs (id, workflow, status, source, agent_client, agent_name, span_agent_name, started_at, last_seen_at, otlp_trace_id)
     VALUES ($1, $2, 'running', 'otlp', $3, $4, $4, $5::timestamptz, now(), $6) ON CONFLICT DO NOTHING`,
    [jobId, first.workflow, batch.client, batch.agentName, first.span.Started, batch.traceId],
  );
  // Any conflict, not only the id's: two requests opening one trace at once race on otlp_trace_id's unique index too,
  // and the later one would fail (23505, a 500) instead of waiting for the first's row as it does here.
  const job = (
    await sql.query<{ status: string; agent_client: string | null; open: boolean; waiting: boolean }>(
      `SELECT status::text, agent_client, otlp_pending_since IS NOT NULL AS waiting,
         status = 'running' OR (status IN ('finished', 'failed') AND finished_at > now() - make_interval(secs => ${AGENT_SPAN_GRACE_SECONDS})) AS open
       FROM jobs WHERE id = $1 FOR UPDATE`,
      [jobId],
    )
  ).rows[0];
  // The trace id is another run's (stored under another id): nothing to add to.
  if (!job) return { refusal: { kind: "taken" }, waiting: false };
  if (job.agent_client !== batch.client) return { refusal: { kind: "not-owner" }, waiting: false };
  if (!job.open) return { refusal: { kind: "ended", status: job.status }, waiting: false };

  // The last copy of a span sent twice in one batch wins.
  const fresh = [...new Map(batch.spans.map((s) => [s.spanId, s])).values()];
  // Placing reads every span of the trace: in the request only while that is a bounded amount of work. Spans wait once
  // any wait, so they are placed in the order they came.
  const placed = (await sql.query<{ n: number }>(`SELECT coalesce(max(seq) + 1, 0)::int AS n FROM spans WHERE job_id = $1`, [jobId]))
    .rows[0]!.n;
  const waiting = job.waiting || placed + fresh.length > OTLP_PLACE_IN_REQUEST_MAX_SPANS;
  if (waiting) {
    // Refused past MAX_NESTING when placed they cannot be: a span too deep then starts a root (placeTrace "re-root").
    await writeOtlpSpans(sql, jobId, fresh, (s) => ({ seq: null, row: encodedSpan(s).row }));
  } else {
    await placeTrace(sql, jobId, fresh, "refuse");
  }
  // The trace's root (no parent id) names the run; before it arrives, the earliest top span of the first batch does.
  const root = fresh.find((s) => s.parentSpanId === null);
  await sql.query(
    `UPDATE jobs SET last_seen_at = now(), workflow = coalesce($2, workflow), agent_name = coalesce($3, agent_name),
       span_agent_name = coalesce($3, span_agent_name), started_at = least(started_at, $4::timestamptz),
       otlp_pending_since = CASE WHEN $5 THEN coalesce(otlp_pending_since, now()) END
     WHERE id = $1`,
    [
      jobId,
      root?.workflow ?? null,
      batch.agentName,
      fresh.reduce((a, s) => (s.span.Started < a ? s.span.Started : a), first.span.Started),
      waiting,
    ],
  );
  // A running trace's totals and search text are settled once, when it ends (settleQuietTraces): recomputing them
  // here read every stored span of the trace on each request, quadratic over a long run. A span that arrives in the
  // grace period after the end updates them at once, as an agent's late span does, or once placed when it waits.
  if (job.status !== "running" && !waiting) await recomputeJob(sql, jobId);
  return { refusal: null, waiting };
}

/**
 * Settles the runs of traces that went quiet (no span for `quietSeconds`): finished (failed when the root span has an
 * error) once their root span has ended; incomplete, as an imported run that never finished, when the root never
 * ended within `silentSeconds`. Returns the settled job ids and how many trace runs are still running.
 */
export async function settleQuietTraces(quietSeconds: number, silentSeconds: number): Promise<{ settled: string[]; running: number }> {
  return inTransaction(async (sql) => {
    const { rows } = await sql.query<{ id: string; root_ended: boolean; silent: boolean; waiting: boolean }>(
      `SELECT j.id::text, j.otlp_pending_since IS NOT NULL AS waiting,
         EXISTS (SELECT 1 FROM otlp_spans o WHERE o.job_id = j.id AND o.parent_span_id IS NULL AND o.ended) AS root_ended,
         j.last_seen_at < now() - make_interval(secs => $2) AS silent
       FROM jobs j WHERE j.status = 'running' AND j.source = 'otlp' AND j.last_seen_at < now() - make_interval(secs => $1)
       FOR UPDATE SKIP LOCKED`,
      [quietSeconds, silentSeconds],
    );
    const settled: string[] = [];
    for (const r of rows) {
      if (!r.root_ended && !r.silent) continue;
      // The end reads the root's placed row: waiting spans are placed first.
      if (r.waiting) await placeTrace(sql, r.id, [], "re-root");
      if (r.root_ended) {
        await sql.query(
          `UPDATE jobs j SET status = CASE WHEN s.error IS NULL THEN 'finished' ELSE 'failed' END::"JobStatus", error = s.error,
             finished_at = s.finished_at
           FROM (SELECT sp.error, sp.finished_at FROM otlp_spans o JOIN spans sp ON sp.job_id = o.job_id AND sp.seq = o.seq
                 WHERE o.job_id = $1 AND o.parent_span_id IS NULL AND o.ended ORDER BY o.seq LIMIT 1) s
           WHERE j.id = $1`,
          [r.id],
        );
      } else {
        await sql.query(`UPDATE jobs SET status = 'incomplete' WHERE id = $1`, [r.id]);
      }
      await recomputeJob(sql, r.id);
      settled.push(r.id);
    }
    const running = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status = 'running' AND source = 'otlp'`))
      .rows[0]!.n;
    return { settled, running };
  });
}
