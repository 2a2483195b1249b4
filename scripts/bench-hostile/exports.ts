// bench:hostile's whole-run exports and whole-span reads of fat spans: a run of llm spans, each with a 4 MB Prompt and
// a 3.9 MB Reply (within the caps), downloaded as a trajectory file, as OTLP JSON, and one span with ?full=1, through
// the functions their routes answer with (the routes themselves import Next's client modules, which this bench's
// react-server condition cannot load), the answer read to its end as a client would.
import { randomUUID } from "node:crypto";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/client";
import { streamedExport, textStream } from "@/lib/http/text-stream";
import { spanJsonChunks, trajectoryChunks } from "@/lib/runs/export";
import { originalOtlpChunks, runAsOtlpChunks } from "@/lib/otlp/export";
import { gzipSync } from "node:zlib";
import { BOMB_EVENTS, eventBombRequest } from "./otlp";
import { mapSpan } from "@/lib/otlp/conventions";
import { storeTraceSpans } from "@/lib/ingest/otlp-trace";
import { T, type BenchAgent, type Kind } from "./harness";

/** Fat spans in the bench's run: enough for many slices, few enough to keep the bench within minutes. */
const FAT_SPANS = 16;

/**
 * A finished run of `n` llm spans written by PostgreSQL itself, each with a Prompt of ~4 MB and a Reply of ~3.9 MB:
 * hex that does not compress, with quotes, backslashes, newlines and a two-byte letter to escape.
 */
async function fatRun(n: number): Promise<string> {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source, span_count, finished_at)
     VALUES ($1, 'bench-fat', 'bench-fat', '', '', 'finished', 'agent', $2, now())`,
    [id, n],
  );
  for (let seq = 0; seq < n; seq++) {
    await pool().query(
      `INSERT INTO spans (job_id, seq, nesting, type, name, model, started_at, finished_at, prompt, reply)
       SELECT $1, $2, 0, 'llm', 'fat', 'model-a', $3::timestamptz, $3::timestamptz + interval '1 second',
         (SELECT string_agg(md5(random()::text) || E'"\\\\\\n é', '') FROM generate_series(1, 104000)),
         (SELECT string_agg(md5(random()::text) || E'"\\\\\\n é', '') FROM generate_series(1, 101000))`,
      [id, seq, T],
    );
  }
  return id;
}

/** An answer read to its end: the status and the bytes. */
async function download(answer: Promise<Response | null>): Promise<string> {
  const res = await answer;
  if (!res) return "404";
  let bytes = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
  }
  return `${res.status} (${(bytes / 1e6).toFixed(0)} MB)`;
}

/** GET /api/jobs/<id>/spans/<seq>?full=1 as its route answers it. */
async function fullSpan(id: string, seq: number): Promise<Response | null> {
  const chunks = await spanJsonChunks(db(), id, seq);
  return chunks && new Response(textStream(chunks));
}

/**
 * A run received over OTLP of one span with BOMB_EVENTS events, half exceptions, half kept in Extra (stored as a
 * version before OTLP_MAX_EVENTS_PER_SPAN did: mapped and written past the receiver's check): its id.
 */
async function eventfulRun(agent: BenchAgent): Promise<string> {
  const { traceId, request } = eventBombRequest(true);
  const record = { resource: {}, scope: {}, span: request.resourceSpans[0]!.scopeSpans[0]!.spans[0]! };
  const m = mapSpan(record);
  const { spanId } = record.span;
  const span = { spanId, parentSpanId: null, startNs: m.startNs, ended: m.ended, span: m.span, body: record, workflow: m.workflow };
  const { refusal } = await storeTraceSpans({ traceId, client: agent.client, agentName: null, spans: [span] });
  if (refusal) throw new Error(`the eventful span was refused: ${refusal.kind}`);
  return (await db().job.findUniqueOrThrow({ where: { otlpTraceId: traceId }, select: { id: true } })).id;
}

/** A run received over OTLP (POST /v1/traces) of one span with one 4 MB attribute no convention reads: its id. */
async function fatAttributeRun(agent: BenchAgent): Promise<string> {
  const { traceId, request } = eventBombRequest();
  const span = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  const fat = { ...span, events: [], attributes: [{ key: "bench.fat", value: { stringValue: `"é\\\n${"x".repeat(4_000_000)}` } }] };
  const answer = await agent.otlp(gzipSync(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [fat] }] }] })), "application/json");
  if (!answer.startsWith("200")) throw new Error(`the fat span was refused: ${answer}`);
  return (await db().job.findUniqueOrThrow({ where: { otlpTraceId: traceId }, select: { id: true } })).id;
}

/** The export kinds; the fat run is written before the first of them runs. */
export function exportKinds(agent: BenchAgent): Kind[] {
  const runs: Record<string, string> = {};
  /** The three exports of a run made by `make`, written before the first of them. */
  const exportsOf = (what: string, make: (agent: BenchAgent) => Promise<string>): Kind[] => {
    const prepare = async () => void (runs[what] ??= await make(agent));
    return [
      {
        name: `export: ?original=1 of ${what}`,
        prepare,
        run: () => download(streamedExport(() => originalOtlpChunks(db(), runs[what]!), {}, "bench")),
      },
      {
        name: `export: /otlp of ${what}`,
        prepare,
        run: () => download(streamedExport(() => runAsOtlpChunks(db(), runs[what]!), {}, "bench")),
      },
      {
        name: `export: /trajectory of ${what}`,
        prepare,
        run: () => download(streamedExport(() => trajectoryChunks(db(), runs[what]!), {}, "bench")),
      },
    ];
  };
  let id = "";
  const prepare = async () => {
    if (!id) id = await fatRun(FAT_SPANS);
  };
  const name = `${FAT_SPANS} spans of 7.9 MB text`;
  return [
    { name: `export: /trajectory, ${name}`, prepare, run: () => download(streamedExport(() => trajectoryChunks(db(), id), {}, "bench")) },
    { name: `export: /otlp, ${name}`, prepare, run: () => download(streamedExport(() => runAsOtlpChunks(db(), id), {}, "bench")) },
    { name: "export: span ?full=1, 7.9 MB text", prepare, run: () => download(fullSpan(id, 1)) },
    ...exportsOf(`a span with ${BOMB_EVENTS.toLocaleString("en")} events`, eventfulRun),
    ...exportsOf("a span with a 4 MB attribute", fatAttributeRun),
  ];
}
