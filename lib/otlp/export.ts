// A stored run as OTLP JSON (an ExportTraceServiceRequest, OTLP/JSON form) in the GenAI conventions' current form,
// so any OpenTelemetry backend can take it and this viewer's import gives the same trajectory back. Ids are stable per
// run: a run received over OTLP keeps its trace and span ids; any other run's trace id is its job id, and each span's
// id is the job id's first 8 hex digits and its seq (sibling order survives equal start times).
import "server-only";
import type pg from "pg";
import type { Db } from "@/lib/db/client";
import { readerPool } from "@/lib/db/pools";
import { isoMicros } from "@/lib/db/sql";
import { isJobId } from "@/lib/trajectory/job-id";
import { nextTurn } from "@/lib/turn";
import { parseTimestampNs } from "@/lib/trajectory/time";
import { toAnyValue, toAttributes } from "./attributes";
import { setOwn } from "@/lib/text/own-key";
import { ARGS_ATTRIBUTE, EXTRA_PREFIX, RESULTS_ATTRIBUTE, SPAN_TYPE_ATTRIBUTE } from "./conventions/syzkaller";
import type { KeyValue, OtlpSpan } from "./wire";
import { EXPORT_PAGE_BYTES, EXPORT_PAGE_SPANS, EXPORT_SLICE_BYTES } from "@/lib/limits";
import { collectText, spanPageCte, spanPages } from "@/lib/db/span-pages";
import {
  inSlices,
  markTexts,
  moreMarker,
  spanTextsSql,
  textPieces,
  withTexts,
  type MoreText,
  type Placement,
  type SpanTexts,
  type TextColumn,
} from "@/lib/db/span-texts";

const OPERATION: Record<string, string> = { llm: "chat", tool: "execute_tool", agent: "invoke_agent", flow: "invoke_workflow" };

/** A span as the export reads it, its large texts left out to be read in slices (lib/db/span-texts.ts). */
interface Row extends SpanTexts {
  seq: number;
  parent_seq: number | null;
  type: string;
  name: string;
  model: string | null;
  started: string;
  finished: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  output_thoughts_tokens: number | null;
  /** null when absent, or over EXPORT_SLICE_BYTES (`extra_large`: read a member at a time, largeExtra) */
  extra: Record<string, unknown> | null;
  extra_large: boolean;
  span_id: string | null;
  /** the parent seq has a span (else the span has no parent id) */
  parent_stored: boolean;
  /** the parent's OTLP span id, when it came over OTLP */
  parent_span_id: string | null;
}

/**
 * Where an exported span has its texts: the messages' contents are strings inside the JSON text of a string attribute,
 * Args, Results and the error message string values.
 */
const OTLP_TEXTS: Record<TextColumn, Placement> = {
  error: "string",
  args: "string",
  results: "string",
  instruction: "string-in-string",
  prompt: "string-in-string",
  reply: "string-in-string",
  thoughts: "string-in-string",
};

const ns = (t: string) => String(parseTimestampNs(t) ?? 0n);

function attributesOf(r: Row): KeyValue[] {
  const a: Record<string, unknown> = {};
  const op = OPERATION[r.type];
  if (op) a["gen_ai.operation.name"] = op;
  else if (r.type !== "action") a[SPAN_TYPE_ATTRIBUTE] = r.type;
  if (r.type === "agent") a["gen_ai.agent.name"] = r.name;
  // The model the call used: read first on the way back in, before any request model an OTLP span kept unread.
  if (r.model) a["gen_ai.response.model"] = r.model;
  if (r.input_tokens) a["gen_ai.usage.input_tokens"] = r.input_tokens;
  if (r.output_tokens || r.output_thoughts_tokens)
    a["gen_ai.usage.output_tokens"] = (r.output_tokens ?? 0) + (r.output_thoughts_tokens ?? 0);
  if (r.output_thoughts_tokens) a["gen_ai.usage.reasoning.output_tokens"] = r.output_thoughts_tokens;
  if (r.instruction) a["gen_ai.system_instructions"] = JSON.stringify([{ type: "text", content: r.instruction }]);
  if (r.prompt) a["gen_ai.input.messages"] = JSON.stringify([{ role: "user", parts: [{ type: "text", content: r.prompt }] }]);
  if (r.reply || r.thoughts) {
    const parts = [
      ...(r.thoughts ? [{ type: "reasoning", content: r.thoughts }] : []),
      ...(r.reply ? [{ type: "text", content: r.reply }] : []),
    ];
    a["gen_ai.output.messages"] = JSON.stringify([{ role: "assistant", parts }]);
  }
  if (r.type === "tool") {
    a["gen_ai.tool.name"] = r.name;
    if (r.args != null) a["gen_ai.tool.call.arguments"] = r.args;
    if (r.results != null) a["gen_ai.tool.call.result"] = r.results;
  } else {
    if (r.args != null) a[ARGS_ATTRIBUTE] = r.args;
    if (r.results != null) a[RESULTS_ATTRIBUTE] = r.results;
  }
  const out = toAttributes(a);
  // What the producer sent beyond the model goes back as it came: an OTLP span's unread attributes as attributes,
  // any other field as syzkaller.extra.<field> (JSON text).
  for (const [k, v] of Object.entries(r.extra ?? {})) {
    if (k === "attributes" && v && typeof v === "object" && !Array.isArray(v)) out.push(...toAttributes(v as Record<string, unknown>));
    else if (k !== "events") out.push({ key: `${EXTRA_PREFIX}${k}`, value: toAnyValue(JSON.stringify(v)) });
  }
  return out;
}

function eventsOf(r: Row): OtlpSpan["events"] {
  const events = r.extra?.events;
  if (!Array.isArray(events)) return undefined;
  return events.map((e: { name?: string; timeUnixNano?: string | number; attributes?: Record<string, unknown> }) => ({
    name: String(e.name ?? ""),
    timeUnixNano: e.timeUnixNano === undefined ? undefined : String(e.timeUnixNano),
    attributes: toAttributes(e.attributes ?? {}),
  }));
}

/** Events of a span with a large Extra written in one part: a few hundred KB of JSON. */
const EVENTS_PER_PART = 1000;

/** A member of a large Extra, as largeExtra reads it. */
interface ExtraPart {
  key: string;
  /** "whole": the member `key`; "attribute": the attribute `name` of Extra.attributes (the `n`th); "event": an event */
  kind: "whole" | "attribute" | "event";
  name: string | null;
  n: number;
  /** its JSON text; null for a string attribute over EXPORT_SLICE_BYTES, written from its pieces */
  value: string | null;
}

/**
 * A span's Extra over EXPORT_SLICE_BYTES read a member at a time, each parsed apart (a turn after every
 * EXPORT_SLICE_BYTES of them): its attributes and its events one by one, the others whole. A string attribute over
 * EXPORT_SLICE_BYTES is not read here: the Extra holds a marker for it, and `more` writes its JSON text stored (the same
 * bytes as JSON.stringify of it) in pieces (textPieces). Parsing and writing a 4 MB attribute at once held the event
 * loop ~190 ms (bench:hostile, load ~6).
 */
async function largeExtra(source: {
  pool: pg.Pool;
  jobId: string;
  seq: number;
}): Promise<{ extra: Record<string, unknown>; more: MoreText[] }> {
  const { pool, jobId, seq } = source;
  const { rows } = await pool.query<ExtraPart>(
    `WITH x AS MATERIALIZED (SELECT extra FROM spans WHERE job_id = $1::uuid AND seq = $2 AND json_typeof(extra) = 'object'),
     k AS (SELECT k.key, k.value, k.ord, (k.key = 'attributes' AND json_typeof(k.value) = 'object') AS attributes,
             (k.key = 'events' AND json_typeof(k.value) = 'array') AS events
           FROM x, json_each(x.extra) WITH ORDINALITY AS k(key, value, ord))
     SELECT ord, key, 'whole' AS kind, NULL AS name, 0 AS n, value::text AS value FROM k WHERE NOT attributes AND NOT events
     UNION ALL
     SELECT k.ord, k.key, 'attribute', a.key, a.n::int,
       CASE WHEN json_typeof(a.value) <> 'string' OR octet_length(a.value::text) <= $3 THEN a.value::text END
     FROM k, json_each(CASE WHEN k.attributes THEN k.value ELSE '{}' END) WITH ORDINALITY AS a(key, value, n)
     UNION ALL
     SELECT k.ord, k.key, 'event', NULL, e.n::int, e.value::text
     FROM k, json_array_elements(CASE WHEN k.events THEN k.value ELSE '[]' END) WITH ORDINALITY AS e(value, n)
     ORDER BY 1, 5`,
    [jobId, seq, EXPORT_SLICE_BYTES],
  );
  const extra: Record<string, unknown> = {};
  const more: MoreText[] = [];
  let parsed = 0;
  for (const p of rows) {
    if (parsed > EXPORT_SLICE_BYTES) {
      await nextTurn();
      parsed = 0;
    }
    parsed += p.value?.length ?? 0;
    if (p.kind === "whole") setOwn(extra, p.key, JSON.parse(p.value!));
    else if (p.kind === "event") {
      if (!Object.hasOwn(extra, p.key)) setOwn(extra, p.key, []);
      (extra[p.key] as unknown[]).push(JSON.parse(p.value!));
    } else {
      if (!Object.hasOwn(extra, p.key)) setOwn(extra, p.key, {});
      const attributes = extra[p.key] as Record<string, unknown>;
      if (p.value !== null) {
        setOwn(attributes, p.name!, JSON.parse(p.value));
        continue;
      }
      const m = moreMarker(more.length);
      setOwn(attributes, p.name!, m);
      const n = Number(p.n);
      if (!Number.isSafeInteger(n)) throw new Error(`span ${seq} of run ${jobId}: no attribute number ${p.n}`);
      more.push({
        rendered: JSON.stringify(m),
        async *parts() {
          const sql = `(SELECT a.value::text FROM json_each(extra->'attributes') WITH ORDINALITY AS a(key, value, n) WHERE a.n = ${n})`;
          const [pieces] = await textPieces(pool, { table: "spans", jobId, seq }, [{ name: `Extra attribute ${n}`, sql }]);
          yield* pieces!;
        },
      });
    }
  }
  return { extra, more };
}

/**
 * The run `id` as OTLP JSON text (an ExportTraceServiceRequest, the same bytes as JSON.stringify of the whole
 * request), or null for no such run. Its text comes in chunks of about EXPORT_SLICE_BYTES, read from the database a
 * page of spans at a time (lib/db/span-pages.ts) as the caller takes them, a span's large texts in slices
 * (lib/db/span-texts.ts, from `pool`): the whole run, or one whole span, is never held. A span's parent id is read
 * with its page (a parent is found wherever it is in the run; none when the parent seq has no span).
 */
export async function runAsOtlpChunks(db: Db, id: string, pool: pg.Pool = readerPool("expensive")): Promise<AsyncGenerator<string> | null> {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({ where: { id }, select: { agentName: true, otlpTraceId: true } });
  if (!job) return null;
  const jobHex = id.replaceAll("-", "");
  const traceId = job.otlpTraceId ?? jobHex;
  const idOf = (seq: number, spanId: string | null) => spanId ?? `${jobHex.slice(0, 8)}${seq.toString(16).padStart(8, "0")}`;
  const load = (after: number) => db.$queryRaw<Row[]>`
    WITH ${spanPageCte(id, after)}
    SELECT s.seq, s.parent_seq, s.type, s.name, s.model, ${isoMicros("s.started_at")} AS started, ${isoMicros("s.finished_at")} AS finished,
      ${spanTextsSql("s")}, s.input_tokens, s.output_tokens, s.output_thoughts_tokens,
      CASE WHEN octet_length(s.extra::text) <= ${EXPORT_SLICE_BYTES} THEN s.extra END AS extra,
      coalesce(octet_length(s.extra::text) > ${EXPORT_SLICE_BYTES}, false) AS extra_large, o.span_id,
      (p.seq IS NOT NULL) AS parent_stored, po.span_id AS parent_span_id
    FROM page JOIN spans s ON s.job_id = ${id}::uuid AND s.seq = page.seq
      LEFT JOIN otlp_spans o ON o.job_id = s.job_id AND o.seq = s.seq
      LEFT JOIN spans p ON p.job_id = s.job_id AND p.seq = s.parent_seq
      LEFT JOIN otlp_spans po ON po.job_id = s.job_id AND po.seq = s.parent_seq
    ORDER BY s.seq`;
  const spanOf = (r: Row): OtlpSpan => {
    const span: OtlpSpan = {
      traceId,
      spanId: idOf(r.seq, r.span_id),
      parentSpanId: r.parent_seq !== null && r.parent_stored ? idOf(r.parent_seq, r.parent_span_id) : "",
      name: r.name,
      startTimeUnixNano: ns(r.started),
      attributes: attributesOf(r),
    };
    if (r.finished) span.endTimeUnixNano = ns(r.finished);
    const events = eventsOf(r);
    if (events?.length) span.events = events;
    if (r.error) span.status = { code: 2, message: r.error };
    return span;
  };
  const resource: { attributes: KeyValue[] } = {
    attributes: job.agentName ? [{ key: "service.name", value: { stringValue: job.agentName } }] : [],
  };
  return inSlices(
    (async function* () {
      // JSON.stringify({resourceSpans: [{resource, scopeSpans: [{spans}]}]}), written a span (its large texts a slice) at a time.
      yield `{"resourceSpans":[{"resource":${JSON.stringify(resource)},"scopeSpans":[{"spans":[`;
      let first = true;
      for await (const rows of spanPages(load)) {
        for (const r of rows) {
          if (!first) yield ",";
          first = false;
          const source = { pool, jobId: id, seq: r.seq };
          if (!r.extra_large) {
            yield* withTexts(JSON.stringify(spanOf(markTexts(r))), r, OTLP_TEXTS, source);
            continue;
          }
          const { extra, more } = await largeExtra(source);
          const span = spanOf(markTexts({ ...r, extra }));
          // Its events written a part at a time, where a marker of their own is.
          const events = span.events ?? [];
          if (events.length > EVENTS_PER_PART) {
            const m = moreMarker(more.length);
            span.events = [m as unknown as (typeof events)[number]];
            more.push({
              rendered: JSON.stringify(m),
              *parts() {
                for (let i = 0; i < events.length; i += EVENTS_PER_PART)
                  yield (
                    (i ? "," : "") +
                    events
                      .slice(i, i + EVENTS_PER_PART)
                      .map((e) => JSON.stringify(e))
                      .join(",")
                  );
              },
            });
          }
          yield* withTexts(JSON.stringify(span), r, OTLP_TEXTS, source, more);
        }
      }
      yield "]}]}]}";
    })(),
  );
}

/** The run as OTLP JSON text (runAsOtlpChunks joined), or null: for tests and tools. */
export async function runAsOtlp(db: Db, id: string): Promise<string | null> {
  return collectText(await runAsOtlpChunks(db, id));
}

/** A span as received, as ?original=1 reads it: texts of its stored JSON, never parsed here. */
interface BodyRow {
  seq: number;
  /** the JSON texts of the body's resource and scope (null when absent) */
  resource: string | null;
  scope: string | null;
  /** the JSON text of the span as received; null when the body is over EXPORT_SLICE_BYTES: read in pieces */
  span: string | null;
}

/**
 * The spans of a run received over OTLP exactly as they came (with their resource and scope): the same text as
 * JSON.stringify({resourceSpans}) with consecutive spans of one resource and scope grouped, in chunks of about
 * EXPORT_SLICE_BYTES as the caller reads (inSlices), or null when the run has no span received over OTLP. Each span
 * is the JSON text stored (otlp_spans.body is json: its parts are the text received, as the decoder wrote it), never
 * parsed or written again here; a span over EXPORT_SLICE_BYTES is read in pieces from `pool` (lib/db/span-texts.ts
 * textPieces): one of 62,000 events was one 8 MB parse and stringify (the event loop held 750 ms).
 */
export async function originalOtlpChunks(
  db: Db,
  id: string,
  pool: pg.Pool = readerPool("expensive"),
): Promise<AsyncGenerator<string> | null> {
  if (!isJobId(id)) return null;
  const any = await db.$queryRaw<unknown[]>`SELECT 1 FROM otlp_spans WHERE job_id = ${id}::uuid LIMIT 1`;
  if (any.length === 0) return null;
  const load = (after: number) => db.$queryRaw<BodyRow[]>`
    WITH page AS (
      SELECT seq FROM (
        SELECT seq, sum(size) OVER (ORDER BY seq) - size AS before FROM (
          SELECT seq, pg_column_size(body) AS size FROM otlp_spans
          WHERE job_id = ${id}::uuid AND seq > ${after} ORDER BY seq LIMIT ${EXPORT_PAGE_SPANS}
        ) sized
      ) t WHERE before < ${EXPORT_PAGE_BYTES}
    )
    SELECT o.seq, (o.body->'resource')::text AS resource, (o.body->'scope')::text AS scope,
      CASE WHEN octet_length(o.body::text) <= ${EXPORT_SLICE_BYTES} THEN (o.body->'span')::text END AS span
    FROM page JOIN otlp_spans o ON o.job_id = ${id}::uuid AND o.seq = page.seq ORDER BY o.seq`;
  return inSlices(
    (async function* () {
      yield `{"resourceSpans":[`;
      let last: string | null = null;
      let firstSpan = true;
      for await (const rows of spanPages(load)) {
        for (const r of rows) {
          // NUL is in no JSON text; "-" (absent) and "+" (present) tell an absent part from a JSON null.
          const key = `${r.resource === null ? "-" : `+${r.resource}`}\u0000${r.scope === null ? "-" : `+${r.scope}`}`;
          if (key !== last) {
            // A new group: {"resource":…,"scopeSpans":[{"scope":…,"spans":[ (its closing comes with the next group or the end)
            const resource = r.resource === null ? "" : `"resource":${r.resource},`;
            const scope = r.scope === null ? "" : `"scope":${r.scope},`;
            yield `${last === null ? "" : "]}]},"}{${resource}"scopeSpans":[{${scope}"spans":[`;
            firstSpan = true;
            last = key;
          }
          if (!firstSpan) yield ",";
          firstSpan = false;
          if (r.span !== null) yield r.span;
          else {
            const [pieces] = await textPieces(pool, { table: "otlp_spans", jobId: id, seq: r.seq }, [
              { name: "span as received", sql: "(body->'span')::text" },
            ]);
            yield* pieces!;
          }
        }
      }
      yield last === null ? "]}" : "]}]}]}";
    })(),
  );
}

/** The spans as received (originalOtlpChunks joined), or null: for tests and tools. */
export async function originalOtlp(db: Db, id: string): Promise<string | null> {
  return collectText(await originalOtlpChunks(db, id));
}
