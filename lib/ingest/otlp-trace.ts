// Stores spans of an OpenTelemetry trace as a run (POST /v1/traces, lib/otlp): a trace is one job, its spans arrive
// in any order over many requests, and their seqs come from the tree of span ids (lib/trajectory/tree.ts
// orderByParent), so a parent that arrives after its children moves them. One transaction per trace and request,
// under the job row's lock: concurrent requests for one trace take turns, and a 200 means every span is committed.
import "server-only";
import type { Sql } from "@/lib/db/pool";
import { inTransaction } from "@/lib/db/pool";
import { AGENT_SPAN_GRACE_SECONDS, MAX_NESTING } from "@/lib/limits";
import { rowJsonWithoutPlace } from "@/lib/trajectory/span-rows";
import type { Span } from "@/lib/trajectory/span";
import { orderByParent, type Linked } from "@/lib/trajectory/tree";
import { parseTimestampNs } from "@/lib/trajectory/time";
import { boundedChunks, insertRowsJson, jsonArray } from "@/lib/ingest/insert-spans";
import { recomputeJob } from "@/lib/ingest/recompute";
import { uuidFrom } from "@/lib/ingest/save-run";

/** One received span, mapped and checked (lib/otlp/check.ts). */
export interface TraceSpan {
  spanId: string;
  parentSpanId: string | null;
  startNs: bigint;
  ended: boolean;
  /** the span in the run's model, without Seq and Nesting */
  span: Omit<Span, "Seq" | "Nesting">;
  /** the span as received (OTLP/JSON with its resource and scope), kept for export back; or its JSON text */
  body: unknown;
  /** the workflow it names the run by when it is the trace's root */
  workflow: string;
  /**
   * The span's row (rowJsonWithoutPlace) and `body` as UTF-8 JSON, made where the request was decoded (a worker
   * thread for a large one, lib/otlp/decode-request.ts): then `span` holds only its scalar fields and `body` is null.
   * Spans without it are encoded here (encodedSpan).
   */
  encoded?: EncodedSpan;
}

/** A received span's row and its body as received, as UTF-8 JSON text (TraceSpan.encoded). */
export interface EncodedSpan {
  row: Uint8Array;
  body: Uint8Array;
}

/** The span's row and body as UTF-8 JSON (what TraceSpan.encoded holds when the decoder made it). */
export function encodedSpan(s: TraceSpan): EncodedSpan {
  return (
    s.encoded ?? {
      row: Buffer.from(rowJsonWithoutPlace(s.span)),
      body: Buffer.from(typeof s.body === "string" ? s.body : JSON.stringify(s.body)),
    }
  );
}

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
 * Spans handled between two yields of the event loop while a request is stored: a request holds up to
 * OTLP_MAX_SPANS_PER_REQUEST spans, ~15 µs each here, and other requests are answered between slices.
 */
const YIELD_EVERY_SPANS = 1024;
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Known {
  span_id: string;
  parent_span_id: string | null;
  start_time_unix_nano: string;
  /** the stored span's end, µs since the epoch (null: not ended) */
  end_us: string | null;
  seq: number;
  nesting: number;
  parent_seq: number | null;
}

/**
 * Stores a batch of one trace's spans (a span sent again replaces its earlier copy), re-deriving seqs and nesting of
 * the whole trace and moving the spans whose place changed, then the run's totals. Creates the run (status running,
 * source "otlp") on its first span.
 */
export async function storeTraceSpans(batch: TraceBatch): Promise<TraceRefusal | null> {
  const jobId = traceJobId(batch.traceId);
  try {
    return await inTransaction((sql) => storeInTransaction(sql, jobId, batch));
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}

/** A refusal that must undo what the transaction wrote before it was found. */
class Refused extends Error {
  constructor(readonly refusal: TraceRefusal) {
    super(refusal.kind);
  }
}

async function storeInTransaction(sql: Sql, jobId: string, batch: TraceBatch): Promise<TraceRefusal | null> {
  const first = batch.spans[0]!;
  await sql.query(
    `INSERT INTO jobs (id, workflow, status, source, agent_client, agent_name, span_agent_name, started_at, last_seen_at, otlp_trace_id)
     VALUES ($1, $2, 'running', 'otlp', $3, $4, $4, $5::timestamptz, now(), $6) ON CONFLICT DO NOTHING`,
    [jobId, first.workflow, batch.client, batch.agentName, first.span.Started, batch.traceId],
  );
  // Any conflict, not only the id's: two requests opening one trace at once race on otlp_trace_id's unique index too,
  // and the later one would fail (23505, a 500) instead of waiting for the first's row as it does here.
  const job = (
    await sql.query<{ status: string; agent_client: string | null; open: boolean }>(
      `SELECT status::text, agent_client,
         status = 'running' OR (status IN ('finished', 'failed') AND finished_at > now() - make_interval(secs => ${AGENT_SPAN_GRACE_SECONDS})) AS open
       FROM jobs WHERE id = $1 FOR UPDATE`,
      [jobId],
    )
  ).rows[0];
  // The trace id is another run's (stored under another id): nothing to add to.
  if (!job) return { kind: "taken" };
  if (job.agent_client !== batch.client) return { kind: "not-owner" };
  if (!job.open) return { kind: "ended", status: job.status };

  const { rows: known } = await sql.query<Known>(
    `SELECT o.span_id, o.parent_span_id, o.start_time_unix_nano::text, o.seq, s.nesting, s.parent_seq,
       (extract(epoch FROM s.finished_at) * 1000000)::bigint::text AS end_us
     FROM otlp_spans o JOIN spans s ON s.job_id = o.job_id AND s.seq = o.seq WHERE o.job_id = $1`,
    [jobId],
  );
  // The last copy of a span sent twice in one batch wins.
  const incoming = new Map(batch.spans.map((s) => [s.spanId, s]));
  // End times at the µs the spans table keeps, on both sides, so a stored span and a fresh one compare alike.
  const linked = new Map<string, Linked>();
  let done = 0;
  for (const k of known) {
    if (++done % YIELD_EVERY_SPANS === 0) await breathe();
    linked.set(k.span_id, {
      id: k.span_id,
      parent: k.parent_span_id,
      start: BigInt(k.start_time_unix_nano),
      end: k.end_us === null ? null : BigInt(k.end_us) * 1000n,
    });
  }
  for (const s of incoming.values()) {
    if (++done % YIELD_EVERY_SPANS === 0) await breathe();
    const endNs = s.span.Finished ? parseTimestampNs(s.span.Finished) : null;
    linked.set(s.spanId, { id: s.spanId, parent: s.parentSpanId, start: s.startNs, end: endNs === null ? null : (endNs / 1000n) * 1000n });
  }
  await breathe();
  const order = orderByParent([...linked.values()]);
  await breathe();
  // The nesting cap every span of the run model keeps (spanSchema): a chain of parents past it would make a run that
  // its own trajectory export cannot import. Stored spans were within it, so a span past it is new or moved by one.
  // Thrown, so the transaction rolls back: a trace's first request writes no empty run either.
  for (const [spanId, o] of order) if (o.nesting > MAX_NESTING) throw new Refused({ kind: "too-deep", spanId, nesting: o.nesting });

  // Spans sent again are replaced: their old rows go, the new copies are inserted below.
  const replaced = known.filter((k) => incoming.has(k.span_id));
  if (replaced.length) {
    await sql.query(`DELETE FROM spans WHERE job_id = $1 AND seq = ANY($2::int[])`, [jobId, replaced.map((k) => k.seq)]);
  }
  // Stored spans whose place changed move in two steps (seqs are unique at every moment): out of the way to negative
  // seqs, then to their new ones.
  const moved = known.filter((k) => {
    if (incoming.has(k.span_id)) return false;
    const o = order.get(k.span_id)!;
    return o.seq !== k.seq || o.nesting !== k.nesting || o.parentSeq !== k.parent_seq;
  });
  if (moved.length) {
    const olds = moved.map((k) => k.seq);
    await sql.query(`UPDATE spans SET seq = -1 - seq WHERE job_id = $1 AND seq = ANY($2::int[])`, [jobId, olds]);
    await sql.query(
      `UPDATE spans s SET seq = u.seq, nesting = u.nesting, parent_seq = u.parent_seq
       FROM unnest($2::int[], $3::int[], $4::int[], $5::int[]) AS u(old, seq, nesting, parent_seq)
       WHERE s.job_id = $1 AND s.seq = -1 - u.old`,
      [
        jobId,
        olds,
        moved.map((k) => order.get(k.span_id)!.seq),
        moved.map((k) => order.get(k.span_id)!.nesting),
        moved.map((k) => order.get(k.span_id)!.parentSeq),
      ],
    );
    await sql.query(
      `UPDATE otlp_spans o SET seq = u.seq FROM unnest($2::text[], $3::int[]) AS u(span_id, seq) WHERE o.job_id = $1 AND o.span_id = u.span_id`,
      [jobId, moved.map((k) => k.span_id), moved.map((k) => order.get(k.span_id)!.seq)],
    );
  }
  const fresh = [...incoming.values()];
  const encoded = new Map(fresh.map((s) => [s.spanId, encodedSpan(s)]));
  // In slices, each its statements, so no one stretch of building them holds the event loop long.
  for (let i = 0; i < fresh.length; i += YIELD_EVERY_SPANS) {
    await insertRowsJson(
      sql,
      jobId,
      fresh.slice(i, i + YIELD_EVERY_SPANS).map((s) => {
        const o = order.get(s.spanId)!;
        return { place: { seq: o.seq, nesting: o.nesting, parentSeq: o.parentSeq }, json: encoded.get(s.spanId)!.row };
      }),
    );
  }
  // The spans as received, in statements of bounded size, each one JSON parameter of bytes (see insert-spans.ts).
  for (const chunk of boundedChunks(fresh, (s) => encoded.get(s.spanId)!.body.byteLength + 100, YIELD_EVERY_SPANS)) {
    const param = jsonArray(
      chunk.map((s) => ({
        head: {
          span_id: s.spanId,
          parent_span_id: s.parentSpanId,
          seq: order.get(s.spanId)!.seq,
          start: String(s.startNs),
          ended: s.ended,
        },
        values: { body: encoded.get(s.spanId)!.body },
      })),
    );
    await sql.query(
      `INSERT INTO otlp_spans (job_id, span_id, parent_span_id, seq, start_time_unix_nano, ended, body)
       SELECT $1, u.span_id, u.parent_span_id, u.seq, u.start::bigint, u.ended, u.body
       FROM json_to_recordset($2::json) AS u(span_id text, parent_span_id text, seq int, start text, ended boolean, body json)
       ON CONFLICT (job_id, span_id) DO UPDATE SET parent_span_id = EXCLUDED.parent_span_id, seq = EXCLUDED.seq,
         start_time_unix_nano = EXCLUDED.start_time_unix_nano, ended = EXCLUDED.ended, body = EXCLUDED.body`,
      [jobId, param],
    );
  }
  // The trace's root (no parent id) names the run; before it arrives, the earliest top span of the first batch does.
  const root = fresh.find((s) => s.parentSpanId === null);
  await sql.query(
    `UPDATE jobs SET last_seen_at = now(), workflow = coalesce($2, workflow), agent_name = coalesce($3, agent_name),
       span_agent_name = coalesce($3, span_agent_name), started_at = least(started_at, $4::timestamptz)
     WHERE id = $1`,
    [jobId, root?.workflow ?? null, batch.agentName, fresh.reduce((a, s) => (s.span.Started < a ? s.span.Started : a), first.span.Started)],
  );
  // A running trace's totals and search text are settled once, when it ends (settleQuietTraces): recomputing them
  // here read every stored span of the trace on each request, quadratic over a long run. A span that arrives in the
  // grace period after the end updates them at once, as an agent's late span does.
  if (job.status !== "running") await recomputeJob(sql, jobId);
  return null;
}

/**
 * Settles the runs of traces that went quiet (no span for `quietSeconds`): finished (failed when the root span has an
 * error) once their root span has ended; incomplete, as an imported run that never finished, when the root never
 * ended within `silentSeconds`. Returns the settled job ids and how many trace runs are still running.
 */
export async function settleQuietTraces(quietSeconds: number, silentSeconds: number): Promise<{ settled: string[]; running: number }> {
  return inTransaction(async (sql) => {
    const { rows } = await sql.query<{ id: string; root_ended: boolean; silent: boolean }>(
      `SELECT j.id::text,
         EXISTS (SELECT 1 FROM otlp_spans o WHERE o.job_id = j.id AND o.parent_span_id IS NULL AND o.ended) AS root_ended,
         j.last_seen_at < now() - make_interval(secs => $2) AS silent
       FROM jobs j WHERE j.status = 'running' AND j.source = 'otlp' AND j.last_seen_at < now() - make_interval(secs => $1)
       FOR UPDATE SKIP LOCKED`,
      [quietSeconds, silentSeconds],
    );
    const settled: string[] = [];
    for (const r of rows) {
      if (r.root_ended) {
        await sql.query(
          `UPDATE jobs j SET status = CASE WHEN s.error IS NULL THEN 'finished' ELSE 'failed' END::"JobStatus", error = s.error,
             finished_at = s.finished_at
           FROM (SELECT sp.error, sp.finished_at FROM otlp_spans o JOIN spans sp ON sp.job_id = o.job_id AND sp.seq = o.seq
                 WHERE o.job_id = $1 AND o.parent_span_id IS NULL AND o.ended ORDER BY o.seq LIMIT 1) s
           WHERE j.id = $1`,
          [r.id],
        );
      } else if (r.silent) {
        await sql.query(`UPDATE jobs SET status = 'incomplete' WHERE id = $1`, [r.id]);
      } else continue;
      await recomputeJob(sql, r.id);
      settled.push(r.id);
    }
    const running = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status = 'running' AND source = 'otlp'`))
      .rows[0]!.n;
    return { settled, running };
  });
}
