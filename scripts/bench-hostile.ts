// `npm run bench:hostile`: what one hostile request costs the process that serves it (issue 21), per kind: its wall
// time, its CPU and the longest time it held the event loop (a 5 ms probe timer: every other request of the process
// waits at least that long), against a tiny request (a poll offering no workflow). The requests go through the real
// route handlers and library entry points in this process, on a throwaway PostgreSQL, so the figures are the app's own
// work without Next's; the same script runs unchanged on an older commit for before/after figures.
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { resolveDatabase } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";
import { measureHold } from "@/lib/load/hold";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// A full collection after each prepare, so the garbage of building a request's payload (hundreds of MB for the
// largest OTLP one) is not collected during, and charged to, the request. --expose-gc cannot be a flag of the
// process: the worker threads inherit its flags and refuse that one.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const { values: flags } = parseArgs({
  options: { repeat: { type: "string", default: "3" }, only: { type: "string" } },
});
const repeat = Number(flags.repeat);
/** `--only <words>[,<words>…]`: the kinds whose names contain one of them (and the tiny one, the yardstick) */
const only = flags.only?.toLowerCase().split(",");

console.log("Starting a throwaway PostgreSQL…");
const database = await resolveDatabase({ throwaway: true });
await applyMigrations(database.url);
process.env.DATABASE_URL = database.url;

const { db, disconnectDb } = await import("@/lib/db/client");
const { pool } = await import("@/lib/db/pool");
const { addClient } = await import("@/lib/agents/keys");
const { encodeCall } = await import("@/lib/agents/client");
const { handleAgentRequest } = await import("@/lib/agents/dispatch");
const { HttpError } = await import("@/lib/http/errors");
const { getSpan } = await import("@/lib/runs/queries");
const { textAtPath, truncateSpan } = await import("@/lib/trajectory/truncate");
const { importFiles } = await import("@/lib/import/import-files");
const { COMMAND_LINE } = await import("@/lib/audit/log");
const { loadForCompare } = await import("@/lib/compare/runs");
const { alignSteps } = await import("@/lib/compare/align");
const { withFactDiffs } = await import("@/lib/compare/step-facts");
const { getOutlineJson } = await import("@/lib/runs/outline-cache");
const { getConversationPage } = await import("@/lib/runs/conversation");
const { MAX_URL_SEQ } = await import("@/lib/limits");
const { handleOtlpRequest } = await import("@/lib/otlp/handler");
const { encodeRequest } = await import("@/lib/otlp/wire");

const T = "2026-07-01T10:00:00Z";
const zeros = (n: number) => `[${"0,".repeat(n - 1)}0]`;
const client = `bench-${randomUUID().slice(0, 8)}`;
const key = await addClient(db(), client);

/** One agent-protocol request as POST /api handles it: its status (an HttpError's, as route() answers it). */
async function call(method: string, payload: Buffer | string): Promise<string> {
  const raw = typeof payload === "string" ? gzipSync(payload) : payload;
  const { body, contentType } = encodeCall({ client, key, method, rawPayload: raw });
  try {
    const res = await handleAgentRequest(
      new Request("http://bench/api", { method: "POST", body: new Uint8Array(body), headers: { "content-type": contentType } }),
    );
    await res.text();
    return String(res.status);
  } catch (e) {
    if (e instanceof HttpError) return String(e.status);
    throw e;
  }
}

/** GET /api/jobs/<id>/spans/<seq>[?path=…] as its route does it: the span, cut or the value at the path, as JSON text. */
async function readSpan(id: string, seq: number, path?: string): Promise<string> {
  const found = await getSpan(db(), id, seq);
  if (!found) return "404";
  const text = path ? (textAtPath(found.span, found.json, path) ?? "") : JSON.stringify(truncateSpan(found.span, found.json));
  return `200 (${(text.length / 1e6).toFixed(1)} MB)`;
}

/** A job row and its spans written straight into the tables: stored data any older version could hold. */
async function storedRun(spans: { args: string | null; results: string | null; type?: string; model?: string }[]): Promise<string> {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source) VALUES ($1, 'bench', 'bench', '', '', 'finished', 'agent')`,
    [id],
  );
  for (const [seq, s] of spans.entries()) {
    await pool().query(
      `INSERT INTO spans (job_id, seq, nesting, type, name, model, started_at, args, results) VALUES ($1, $2, 1, $3, 'step', $4, $5, $6::json, $7::json)`,
      [id, seq, s.type ?? "tool", s.model ?? null, T, s.args, s.results],
    );
  }
  return id;
}

async function runningJob(): Promise<string> {
  const workflow = `bench-${randomUUID().slice(0, 8)}`;
  await pool().query(`INSERT INTO jobs (id, workflow, workflow_type, description, link, source) VALUES ($1, $2, $2, '', '', 'agent')`, [
    randomUUID(),
    workflow,
  ]);
  const { body, contentType } = encodeCall({
    client,
    key,
    method: "ai_job_poll",
    payload: { AgentName: workflow, CodeRevision: "r", Workflows: [{ Type: workflow, Name: workflow }] },
  });
  const polled = await handleAgentRequest(
    new Request("http://bench/api", { method: "POST", body: new Uint8Array(body), headers: { "content-type": contentType } }),
  );
  return (JSON.parse(await polled.text()) as { ID: string }).ID;
}

/** POST /v1/traces as the machine route hands it over: its status and, for a refusal, the start of its reason. */
async function otlp(body: Buffer | Uint8Array, contentType: string): Promise<string> {
  const res = await handleOtlpRequest(
    new Request("http://bench/v1/traces", {
      method: "POST",
      body: new Uint8Array(body),
      headers: { "content-type": contentType, "content-encoding": "gzip", authorization: `Bearer ${client}:${key}` },
    }),
  );
  const text = res.headers.get("content-type")?.includes("json") ? (await res.text()).slice(0, 60) : "";
  return `${res.status} ${text}`.trim();
}

/** One request of `n` spans of one new trace, no attributes (the cheapest to send): a root and its children. */
function tinySpansRequest(n: number) {
  const traceId = randomUUID().replaceAll("-", "");
  const root = traceId.slice(0, 16);
  const t0 = BigInt(Date.parse(T)) * 1_000_000n;
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId,
    spanId: i === 0 ? root : (i + 1).toString(16).padStart(16, "0"),
    parentSpanId: i === 0 ? "" : root,
    name: "s",
    kind: 1,
    startTimeUnixNano: String(t0 + BigInt(i) * 1000n),
    endTimeUnixNano: String(t0 + BigInt(i) * 1000n + 500n),
  }));
  return { resourceSpans: [{ scopeSpans: [{ scope: { name: "t" }, spans }] }] };
}

/**
 * The largest OTLP request the caps take (lib/limits.ts): 1,200 spans of one new trace, each with 100 string
 * attributes no convention reads (kept in Span.Extra): ~490K values, 4 an attribute in either encoding (under
 * OTLP_MAX_VALUES), ~17 MB of JSON (under AGENT_MAX_PAYLOAD_BYTES inflated), gzip-compressed under AGENT_MAX_REQUEST_BYTES.
 */
function largestOtlpRequest() {
  const traceId = randomUUID().replaceAll("-", "");
  const root = traceId.slice(0, 16);
  const t0 = BigInt(Date.parse(T)) * 1_000_000n;
  const spans = Array.from({ length: 1200 }, (_, i) => ({
    traceId,
    spanId: i === 0 ? root : (i + 1).toString(16).padStart(16, "0"),
    parentSpanId: i === 0 ? "" : root,
    name: i === 0 ? "invoke_agent bench" : "execute_tool grep",
    startTimeUnixNano: String(t0 + BigInt(i) * 1000n),
    endTimeUnixNano: String(t0 + BigInt(i) * 1000n + 500n),
    attributes: [
      { key: "gen_ai.operation.name", value: { stringValue: i === 0 ? "invoke_agent" : "execute_tool" } },
      ...Array.from({ length: 100 }, (_, k) => ({
        key: `bench.attr.${k}`,
        value: { stringValue: `value ${k} of span ${i} ${"v".repeat(70)}` },
      })),
    ],
  }));
  return {
    resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "bench" } }] }, scopeSpans: [{ spans }] }],
  };
}

/** The largest agent span the caps take: Args of 999,000 one-letter strings (under MAX_JSON_VALUES) and a 3.5 MB Reply (under MAX_SPAN_BYTES). */
const largestSpan = async () =>
  gzipSync(
    `{"AgentName":"a","JobID":"${await runningJob()}","Span":{"Seq":1,"Nesting":0,"Type":"llm","Name":"t","Started":"${T}","Reply":"${"r".repeat(3_500_000)}","Args":{"Files":[${'"x",'.repeat(998_999)}"x"]}}}`,
  );

interface Kind {
  name: string;
  /** one request; its answer in a few words */
  run: () => Promise<string>;
  /** set up before each request, outside the measurement */
  prepare?: () => Promise<void>;
}

const bigArgs = `{"Files":[${"0,".repeat(3_900_000)}"${"L".repeat(300_000)}"],"Tail":"t"}`;
const spanRun = await storedRun([{ args: bigArgs, results: null }]);
const dense = (v: number) => JSON.stringify({ Out: Array.from({ length: 99_000 }, () => v) });
const compareA = await storedRun(Array.from({ length: 25 }, () => ({ args: null, results: dense(1) })));
const compareB = await storedRun(Array.from({ length: 25 }, () => ({ args: null, results: dense(2) })));
let doneJob = "";

/**
 * A finished run of `n` spans written by PostgreSQL itself (a flow, then llm steps each with two tool calls under it),
 * each with small Args and Results; `variant` changes every tenth step's Results, so two variants compare as runs of
 * one agent that went a little differently.
 */
async function largeRun(n: number, variant: number): Promise<string> {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source, span_count, finished_at)
     VALUES ($1, 'bench-large', 'bench-large', '', '', 'finished', 'agent', $2, now())`,
    [id, n],
  );
  await pool().query(
    `INSERT INTO spans (job_id, seq, nesting, parent_seq, type, name, model, started_at, finished_at, args, results, summary)
     SELECT $1, i, CASE WHEN i = 0 THEN 0 WHEN i % 3 = 1 THEN 1 ELSE 2 END,
       CASE WHEN i = 0 THEN NULL WHEN i % 3 = 1 THEN 0 ELSE i - (i - 1) % 3 END,
       CASE WHEN i = 0 THEN 'flow' WHEN i % 3 = 1 THEN 'llm' ELSE 'tool' END,
       CASE WHEN i = 0 THEN 'bench' WHEN i % 3 = 1 THEN 'agent' WHEN i % 3 = 2 THEN 'read-file' ELSE 'grep' END,
       CASE WHEN i % 3 = 1 THEN 'model-a' END,
       $3::timestamptz + i * interval '1 millisecond', $3::timestamptz + i * interval '1 millisecond' + interval '500 microseconds',
       json_build_object('path', 'fs/file-' || i || '.c'),
       json_build_object('out', 'line ' || i || E'\nsecond line ' || CASE WHEN i % 10 = 0 THEN $4::int ELSE 0 END),
       'step ' || i
     FROM generate_series(0, $2 - 1) AS i`,
    [id, n, T, variant],
  );
  return id;
}
const LARGE = 100_000;
let largeA = "";
let largeB = "";
/** The two large runs, written before the first kind that reads them (in its prepare, outside the measurement). */
const largeRuns = async () => {
  if (!largeA) [largeA, largeB] = [await largeRun(LARGE, 1), await largeRun(LARGE, 2)];
};

// Payloads are built before each request (prepare), outside the measurement: only the server's work is timed.
let payload: Buffer | string = "";
const KINDS: Kind[] = [
  {
    name: "tiny: poll offering no workflow",
    prepare: async () => void (payload = JSON.stringify({ AgentName: "a", CodeRevision: "r", Workflows: [] })),
    run: () => call("ai_job_poll", payload),
  },
  {
    name: "log: Span.Args of 9.9M zeros (19 KB gzip)",
    prepare: async () =>
      void (payload = gzipSync(
        `{"AgentName":"a","JobID":"${randomUUID()}","Span":{"Seq":1,"Nesting":0,"Type":"tool","Name":"t","Started":"${T}","Args":${zeros(9_900_000)}}}`,
      )),
    run: () => call("ai_trajectory_log", payload),
  },
  {
    name: "poll: junk field of 9.9M zeros",
    prepare: async () => void (payload = gzipSync(`{"AgentName":"a","CodeRevision":"r","Workflows":[],"Junk":${zeros(9_900_000)}}`)),
    run: () => call("ai_job_poll", payload),
  },
  {
    name: "log: Span.Args of 900K zeros (kept)",
    prepare: async () =>
      void (payload = gzipSync(
        `{"AgentName":"a","JobID":"${await runningJob()}","Span":{"Seq":1,"Nesting":0,"Type":"tool","Name":"t","Started":"${T}","Args":${zeros(900_000)}}}`,
      )),
    run: () => call("ai_trajectory_log", payload),
  },
  {
    name: "import: 1 MB file of 500K zeros",
    prepare: async () =>
      void (payload = Buffer.from(
        `[{"Seq":0,"Nesting":0,"Type":"flow","Name":"f","Started":"${T}","Args":${zeros(499_000)},"Results":{"n":"${randomUUID()}"}}]`,
      )),
    run: async () => {
      const out = await importFiles([{ name: "zeros.json", content: payload as Buffer }], COMMAND_LINE);
      return out.ok ? "imported" : `refused: ${JSON.stringify(out.errors).slice(0, 80)}`;
    },
  },
  {
    name: "log: largest legal span (1M values, 7.5 MB)",
    prepare: async () => void (payload = await largestSpan()),
    run: () => call("ai_trajectory_log", payload),
  },
  {
    name: "OTLP JSON: largest legal (1,200 spans, 17 MB)",
    prepare: async () => void (payload = gzipSync(JSON.stringify(largestOtlpRequest()))),
    run: () => otlp(payload as Buffer, "application/json"),
  },
  {
    name: "OTLP protobuf: the same request",
    prepare: async () => void (payload = gzipSync(encodeRequest(largestOtlpRequest() as Parameters<typeof encodeRequest>[0]))),
    run: () => otlp(payload as Buffer, "application/x-protobuf"),
  },
  {
    name: "OTLP JSON: 8,192 empty spans (the span cap)",
    prepare: async () => void (payload = gzipSync(JSON.stringify(tinySpansRequest(8_192)))),
    run: () => otlp(payload as Buffer, "application/json"),
  },
  {
    name: "OTLP JSON: 60,000 empty spans (past the span cap)",
    prepare: async () => void (payload = gzipSync(JSON.stringify(tinySpansRequest(60_000)))),
    run: () => otlp(payload as Buffer, "application/json"),
  },
  { name: "GET span of a 3.9M-element Args", run: () => readSpan(spanRun, 0) },
  {
    name: "GET span ?path=Args.Tail",
    run: () => readSpan(spanRun, 0, "Args.Tail"),
  },
  {
    name: "compare: 25 steps of 199K-char dense arrays",
    run: async () => {
      const [a, b] = await Promise.all([loadForCompare(db(), compareA), loadForCompare(db(), compareB)]);
      const rows = await alignSteps(a!.spans, b!.spans);
      return `${rows.filter((r) => r.diff).length} diffed, ${rows.filter((r) => r.undiffed).length} not`;
    },
  },
  {
    name: "compare: two runs of 100,000 spans",
    prepare: largeRuns,
    run: async () => {
      const [a, b] = await Promise.all([loadForCompare(db(), largeA), loadForCompare(db(), largeB)]);
      const rows = withFactDiffs(await alignSteps(a!.spans, b!.spans));
      return `${rows.length} steps, ${rows.filter((r) => r.diff).length} diffed, ${rows.filter((r) => r.undiffed).length} not`;
    },
  },
  {
    name: "outline: GET of a 100,000-span run",
    // A finished run's outline is cached by its end time: each request reads it afresh, as the first reader does.
    prepare: async () => {
      await largeRuns();
      await pool().query(`UPDATE jobs SET finished_at = clock_timestamp() WHERE id = $1`, [largeA]);
    },
    run: async () => `200 (${(((await getOutlineJson(db(), largeA)) ?? "").length / 1e6).toFixed(1)} MB)`,
  },
  {
    name: "conversation: GET a page of a 100,000-span run",
    prepare: largeRuns,
    run: async () => {
      const page = await getConversationPage(db(), largeA, 60_000, MAX_URL_SEQ);
      return `200 (${page!.spans.length} spans, ${(JSON.stringify(page).length / 1e3).toFixed(0)} KB)`;
    },
  },
  {
    name: "done: Results of 600K strings (7 MB)",
    prepare: async () =>
      void (payload = gzipSync(
        JSON.stringify({
          ID: await runningJob(),
          Error: "",
          Results: { Files: Array.from({ length: 600_000 }, (_, i) => `f${i}.c`), Ok: true },
        }),
      )),
    run: () => call("ai_job_done", payload),
  },
  {
    name: "done: a job of 400 distinct models",
    prepare: async () => {
      doneJob = await runningJob();
      payload = gzipSync(JSON.stringify({ ID: doneJob, Error: "", Results: {} }));
      for (let i = 0; i < 400; i++) {
        await call(
          "ai_trajectory_log",
          JSON.stringify({
            AgentName: "a",
            JobID: doneJob,
            Span: {
              Seq: i,
              Nesting: 0,
              Type: "llm",
              Name: "m",
              Model: `model-${i}-${randomUUID()}${randomUUID()}`,
              Started: T,
              Finished: T,
            },
          }),
        );
      }
    },
    run: () => call("ai_job_done", payload),
  },
];

interface Row {
  name: string;
  answer: string;
  ms: number;
  cpuMs: number;
  holdMs: number;
  /** median time (ms) from due to answer of tiny requests sent every 20 ms while the request ran */
  tinyP50: number;
}

/** Tiny requests (a poll offering no workflow) one every 20 ms until `done` settles: their times from due to answer, ms. */
async function tinyMeanwhile(done: Promise<unknown>): Promise<number[]> {
  let over = false;
  void done.finally(() => (over = true));
  const times: number[] = [];
  const tiny = JSON.stringify({ AgentName: "a", CodeRevision: "r", Workflows: [] });
  while (!over) {
    // From when it was due: a tiny request that waits for the held event loop to start counts its wait.
    const due = performance.now() + 20;
    await new Promise((r) => setTimeout(r, 20));
    await call("ai_job_poll", tiny);
    times.push(performance.now() - due);
  }
  return times.sort((a, b) => a - b);
}

const rows: Row[] = [];
try {
  for (const kind of KINDS) {
    if (only && kind !== KINDS[0] && !only.some((w) => kind.name.toLowerCase().includes(w))) continue;
    const samples: Row[] = [];
    for (let i = 0; i < repeat; i++) {
      await kind.prepare?.();
      collectGarbage();
      const cpu0 = process.cpuUsage();
      let tinyTimes: Promise<number[]> = Promise.resolve([]);
      const { result, holdMs, ms } = await measureHold(() => {
        const request = kind.run().catch((e: unknown) => `threw: ${e instanceof Error ? e.message.slice(0, 60) : String(e)}`);
        if (kind !== KINDS[0]) tinyTimes = tinyMeanwhile(request);
        return request;
      });
      const cpu = process.cpuUsage(cpu0);
      const tiny = await tinyTimes;
      const tinyP50 = tiny.length ? tiny[Math.floor(tiny.length / 2)]! : NaN;
      samples.push({ name: kind.name, answer: result, ms, cpuMs: (cpu.user + cpu.system) / 1000, holdMs, tinyP50 });
    }
    samples.sort((x, y) => x.holdMs - y.holdMs);
    const median = samples[Math.floor(samples.length / 2)]!;
    rows.push(median);
    console.log(
      `${kind.name}: ${median.answer}, ${median.ms.toFixed(0)} ms, CPU ${median.cpuMs.toFixed(0)} ms, held ${median.holdMs.toFixed(0)} ms, tiny p50 ${median.tinyP50.toFixed(0)} ms`,
    );
  }
  const tiny = rows[0]!;
  console.log(
    `\n${"kind".padEnd(46)} ${"answer".padEnd(22)} ${"wall ms".padStart(8)} ${"CPU ms".padStart(8)} ${"held ms".padStart(8)} ${"tiny p50".padStart(8)}  held vs tiny`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(46)} ${r.answer.slice(0, 22).padEnd(22)} ${r.ms.toFixed(0).padStart(8)} ${r.cpuMs.toFixed(0).padStart(8)} ${r.holdMs.toFixed(0).padStart(8)} ${r.tinyP50.toFixed(0).padStart(8)}  ${(r.holdMs / Math.max(1, tiny.holdMs)).toFixed(1)}×`,
    );
  }
  console.log(
    `\nmedian of ${repeat} by event-loop hold; CPU is this process's (user + system) during the request (its worker threads' included), the database's excluded; tiny p50: the median time from due to answer of tiny requests due every 20 ms meanwhile; the machine is shared.`,
  );
} finally {
  await disconnectDb();
  await database.stop();
}
// The pools' idle timers would keep the process alive.
process.exit(0);
