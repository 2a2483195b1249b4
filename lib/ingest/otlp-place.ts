// Places an OpenTelemetry trace's spans in its run's tree. Seqs are a depth-first walk of the tree of span ids
// (lib/trajectory/tree.ts orderByParent), so a span can move whenever one arrives: a parent after its children (the SDKs
// export a span when it ends), a sibling that started earlier. Placing reads every span of the trace, so it is done in
// the request only while the trace is small (OTLP_PLACE_IN_REQUEST_MAX_SPANS); a larger trace's spans wait in
// otlp_spans.row and are placed by placePendingTraces, at most once per a few times the last placement's duration, so
// the work of a long trace grows with time, not with the number of requests that fed it.
import "server-only";
import type { Sql } from "@/lib/db/pool";
import { inTransaction, pool } from "@/lib/db/pool";
import { MAX_NESTING } from "@/lib/limits";
import { nextTurn } from "@/lib/turn";
import { orderColumns, type OrderColumns } from "@/lib/trajectory/tree";
import { parseTimestampNs } from "@/lib/trajectory/time";
import { defineTask, runTask } from "@/lib/workers/pool";
import { boundedChunks, insertRowsJson, INSERT_SPANS_COLUMNS, INSERT_SPANS_RECORD, jsonArray } from "@/lib/ingest/insert-spans";
import { recomputeJob } from "@/lib/ingest/recompute";
import { encodedSpan, type TraceSpan } from "@/lib/ingest/otlp-span";

/** A refusal of a request's spans found while placing them (the transaction rolls back). */
export class TooDeep extends Error {
  constructor(
    readonly spanId: string,
    readonly nesting: number,
  ) {
    super("too-deep");
  }
}

/** Spans handled between two yields of the event loop: other requests are answered between slices. */
const YIELD_EVERY_SPANS = 1024;

/** A span of the trace as stored: placed (seq, nesting) or waiting (pending), or both when a new copy waits. */
interface Stored {
  span_id: string;
  parent_span_id: string | null;
  start_time_unix_nano: string;
  /** end, µs since the epoch (null: not ended): the waiting copy's when there is one */
  end_us: string | null;
  seq: number | null;
  nesting: number | null;
  parent_seq: number | null;
  pending: boolean;
}

const ORDER_TASK = defineTask("lib/trajectory/tree.ts", "orderColumns", orderColumns);
/** What one span weighs for choosing a thread (runTask's bytes): ~2,600 spans and more are ordered off the main thread. */
const ORDER_BYTES_PER_SPAN = 100;

/**
 * Places the trace's waiting spans and `incoming` (a request's spans, already checked) in the run `jobId`, on `sql`
 * (a transaction holding the job's row lock): re-derives every span's seq, nesting and parent seq, moves the placed
 * spans whose place changed, and inserts the new ones. A span sent again replaces its earlier copy.
 *
 * `tooDeep`: what to do with a span nesting deeper than MAX_NESTING (a chain of parents: a run its own trajectory
 * export could not import): "refuse" throws TooDeep (the request is answered with it), "re-root" makes it a root (its
 * parent id stays in otlp_spans and in the span as received), for spans whose request was answered already.
 */
export async function placeTrace(sql: Sql, jobId: string, incoming: readonly TraceSpan[], tooDeep: "refuse" | "re-root"): Promise<void> {
  const { rows: stored } = await sql.query<Stored>(
    `SELECT o.span_id, o.parent_span_id, o.start_time_unix_nano::text, o.seq, s.nesting, s.parent_seq, o.row IS NOT NULL AS pending,
       (extract(epoch FROM CASE WHEN o.row IS NULL THEN s.finished_at ELSE (o.row->>'finishedAt')::timestamptz END) * 1000000)::bigint::text AS end_us
     FROM otlp_spans o LEFT JOIN spans s ON s.job_id = o.job_id AND s.seq = o.seq WHERE o.job_id = $1`,
    [jobId],
  );
  // The last copy of a span sent twice in one batch wins; a request's copy wins over a waiting one.
  const fresh = new Map(incoming.map((s) => [s.spanId, s]));
  const n = stored.length + fresh.size;
  const input: OrderColumns = {
    ids: [],
    parents: [],
    starts: new BigInt64Array(n),
    ends: new BigInt64Array(n),
    maxNesting: tooDeep === "re-root" ? MAX_NESTING : null,
  };
  // End times at the µs the spans table keeps, on both sides, so a stored span and a fresh one compare alike.
  const add = (id: string, parent: string | null, start: bigint, endNs: bigint | null) => {
    const i = input.ids.length;
    input.ids.push(id);
    input.parents.push(parent);
    input.starts[i] = start;
    input.ends[i] = endNs === null ? -1n : (endNs / 1000n) * 1000n;
    if (i % YIELD_EVERY_SPANS === YIELD_EVERY_SPANS - 1) return nextTurn();
  };
  for (const k of stored) {
    if (fresh.has(k.span_id)) continue;
    await add(k.span_id, k.parent_span_id, BigInt(k.start_time_unix_nano), k.end_us === null ? null : BigInt(k.end_us) * 1000n);
  }
  for (const s of fresh.values()) {
    await add(s.spanId, s.parentSpanId, s.startNs, s.span.Finished ? parseTimestampNs(s.span.Finished) : null);
  }
  const count = input.ids.length;
  const ids = input.ids;
  const order = await runTask(
    ORDER_TASK,
    { ...input, starts: input.starts.subarray(0, count), ends: input.ends.subarray(0, count) },
    count * ORDER_BYTES_PER_SPAN,
  );
  const index = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    index.set(ids[i]!, i);
    if (i % YIELD_EVERY_SPANS === YIELD_EVERY_SPANS - 1) await nextTurn();
  }
  const placeOf = (id: string) => {
    const i = index.get(id)!;
    const p = order.parentSeq[i]!;
    return { seq: order.seq[i]!, nesting: order.nesting[i]!, parentSeq: p < 0 ? null : p };
  };
  if (tooDeep === "refuse") {
    // Stored spans were within the cap, so a span past it is new or moved by one.
    for (let i = 0; i < count; i++) if (order.nesting[i]! > MAX_NESTING) throw new TooDeep(ids[i]!, order.nesting[i]!);
  }

  // Spans sent again, or waiting with a new copy, lose their placed row: the new copies are inserted below.
  const replaced = stored.filter((k) => k.seq !== null && (fresh.has(k.span_id) || k.pending));
  if (replaced.length) {
    await sql.query(`DELETE FROM spans WHERE job_id = $1 AND seq = ANY($2::int[])`, [jobId, replaced.map((k) => k.seq)]);
  }
  // Placed spans whose place changed move in two steps (seqs are unique at every moment): out of the way to negative
  // seqs, then to their new ones.
  const moved = stored.filter((k) => {
    if (k.seq === null || k.pending || fresh.has(k.span_id)) return false;
    const o = placeOf(k.span_id);
    return o.seq !== k.seq || o.nesting !== k.nesting || o.parentSeq !== k.parent_seq;
  });
  // Every moved span leaves before any takes its new seq: a new seq may be another moved span's old one.
  const parts = [...boundedChunks(moved, () => 1, 5000)];
  for (const part of parts) {
    await nextTurn();
    await sql.query(`UPDATE spans SET seq = -1 - seq WHERE job_id = $1 AND seq = ANY($2::int[])`, [jobId, part.map((k) => k.seq!)]);
  }
  for (const part of parts) {
    await nextTurn();
    const olds = part.map((k) => k.seq!);
    const places = part.map((k) => placeOf(k.span_id));
    await sql.query(
      `UPDATE spans s SET seq = u.seq, nesting = u.nesting, parent_seq = u.parent_seq
       FROM unnest($2::int[], $3::int[], $4::int[], $5::int[]) AS u(old, seq, nesting, parent_seq)
       WHERE s.job_id = $1 AND s.seq = -1 - u.old`,
      [jobId, olds, places.map((o) => o.seq), places.map((o) => o.nesting), places.map((o) => o.parentSeq)],
    );
    await sql.query(
      `UPDATE otlp_spans o SET seq = u.seq FROM unnest($2::text[], $3::int[]) AS u(span_id, seq) WHERE o.job_id = $1 AND o.span_id = u.span_id`,
      [jobId, part.map((k) => k.span_id), places.map((o) => o.seq)],
    );
  }
  // Waiting spans: their rows go from otlp_spans.row to spans in PostgreSQL, never through this process.
  const waiting = stored.filter((k) => k.pending && !fresh.has(k.span_id));
  for (const part of boundedChunks(waiting, () => 1, 5000)) {
    await nextTurn();
    const places = part.map((k) => placeOf(k.span_id));
    const params = [
      jobId,
      part.map((k) => k.span_id),
      places.map((o) => o.seq),
      places.map((o) => o.nesting),
      places.map((o) => o.parentSeq),
    ];
    await sql.query(
      `INSERT INTO spans (${INSERT_SPANS_COLUMNS})
       SELECT $1::uuid, p.seq, p.nesting, p.parent_seq, ${INSERT_SPANS_RECORD.select}
       FROM unnest($2::text[], $3::int[], $4::int[], $5::int[]) AS p(span_id, seq, nesting, parent_seq)
       JOIN otlp_spans o ON o.job_id = $1 AND o.span_id = p.span_id,
         json_to_record(o.row) AS u(${INSERT_SPANS_RECORD.columns})`,
      params,
    );
    await sql.query(
      `UPDATE otlp_spans o SET seq = u.seq, row = NULL FROM unnest($2::text[], $3::int[]) AS u(span_id, seq) WHERE o.job_id = $1 AND o.span_id = u.span_id`,
      [jobId, part.map((k) => k.span_id), places.map((o) => o.seq)],
    );
  }

  const spans = [...fresh.values()];
  const encoded = new Map(spans.map((s) => [s.spanId, encodedSpan(s)]));
  // In slices, each its statements, so no one stretch of building them holds the event loop long.
  for (let i = 0; i < spans.length; i += YIELD_EVERY_SPANS) {
    await insertRowsJson(
      sql,
      jobId,
      spans.slice(i, i + YIELD_EVERY_SPANS).map((s) => ({ place: placeOf(s.spanId), json: encoded.get(s.spanId)!.row })),
    );
  }
  await writeOtlpSpans(sql, jobId, spans, (s) => ({ seq: placeOf(s.spanId).seq, row: null }), encoded);
  await sql.query(`UPDATE jobs SET otlp_pending_since = NULL WHERE id = $1 AND otlp_pending_since IS NOT NULL`, [jobId]);
}

/**
 * Writes the spans as received into otlp_spans (a span sent again replaces its earlier copy), in statements of bounded
 * size, each one JSON parameter of bytes (lib/ingest/insert-spans.ts jsonArray): placed (`seq`, no row) or waiting
 * (`row`, the seq of an earlier placed copy kept until it is placed again).
 */
export async function writeOtlpSpans(
  sql: Sql,
  jobId: string,
  spans: readonly TraceSpan[],
  where: (s: TraceSpan) => { seq: number | null; row: Uint8Array | null },
  encoded = new Map(spans.map((s) => [s.spanId, encodedSpan(s)])),
): Promise<void> {
  for (const chunk of boundedChunks(
    spans,
    (s) => encoded.get(s.spanId)!.body.byteLength + (where(s).row?.byteLength ?? 0) + 100,
    YIELD_EVERY_SPANS,
  )) {
    const param = jsonArray(
      chunk.map((s) => {
        const { seq, row } = where(s);
        return {
          head: { span_id: s.spanId, parent_span_id: s.parentSpanId, seq, start: String(s.startNs), ended: s.ended },
          values: { body: encoded.get(s.spanId)!.body, ...(row ? { row } : {}) },
        };
      }),
    );
    await sql.query(
      `INSERT INTO otlp_spans (job_id, span_id, parent_span_id, seq, start_time_unix_nano, ended, body, row)
       SELECT $1, u.span_id, u.parent_span_id, u.seq, u.start::bigint, u.ended, u.body, u.row
       FROM json_to_recordset($2::json) AS u(span_id text, parent_span_id text, seq int, start text, ended boolean, body json, row json)
       ON CONFLICT (job_id, span_id) DO UPDATE SET parent_span_id = EXCLUDED.parent_span_id, seq = coalesce(EXCLUDED.seq, otlp_spans.seq),
         start_time_unix_nano = EXCLUDED.start_time_unix_nano, ended = EXCLUDED.ended, body = EXCLUDED.body, row = EXCLUDED.row`,
      [jobId, param],
    );
  }
}

/** Least time between two placements of one trace, ms, and how many times its last placement's duration it waits. */
const PLACE_MIN_INTERVAL_MS = 1000;
const PLACE_INTERVAL_FACTOR = 5;
/** Traces placed by one call at most (the oldest waiting first). */
const PLACE_TRACES_PER_CALL = 20;
/** When each trace may be placed again (this process): a trace placed in 2 s waits 10 s, so placing takes ≤ 1/6 of a core. */
const nextPlacement = new Map<string, number>();

/**
 * Places the waiting spans of traces whose turn has come (placeTrace), the oldest waiting first, each in its own
 * transaction; a trace whose row another transaction holds (a request storing into it) waits for the next call. A run
 * that is no longer running gets its totals recomputed. Returns the placed job ids and how many traces still wait.
 */
export async function placePendingTraces(): Promise<{ placed: string[]; waiting: number }> {
  const now = Date.now();
  for (const [id, at] of nextPlacement) if (at <= now) nextPlacement.delete(id);
  const { rows } = await pool().query<{ id: string }>(
    `SELECT id::text FROM jobs WHERE otlp_pending_since IS NOT NULL AND NOT (id = ANY($1::uuid[])) ORDER BY otlp_pending_since LIMIT $2`,
    [[...nextPlacement.keys()], PLACE_TRACES_PER_CALL],
  );
  const placed: string[] = [];
  for (const { id } of rows) {
    const began = performance.now();
    const done = await inTransaction(async (sql) => {
      const job = (
        await sql.query<{ status: string; pending: boolean }>(
          `SELECT status::text, otlp_pending_since IS NOT NULL AS pending FROM jobs WHERE id = $1 FOR UPDATE SKIP LOCKED`,
          [id],
        )
      ).rows[0];
      if (!job?.pending) return false;
      await placeTrace(sql, id, [], "re-root");
      if (job.status !== "running") await recomputeJob(sql, id);
      return true;
    });
    if (!done) continue;
    placed.push(id);
    nextPlacement.set(id, Date.now() + Math.max(PLACE_MIN_INTERVAL_MS, PLACE_INTERVAL_FACTOR * (performance.now() - began)));
  }
  const waiting = (await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE otlp_pending_since IS NOT NULL`)).rows[0]!
    .n;
  return { placed, waiting };
}
