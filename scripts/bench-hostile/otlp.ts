// bench:hostile's OpenTelemetry requests (POST /v1/traces): the largest legal one in both encodings, and requests of
// many empty spans up to and past the span cap.
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { encodeRequest } from "@/lib/otlp/wire";
import { startWorkers } from "@/lib/workers/pool";
import { benchAgent, T, type BenchAgent, type Kind } from "./harness";

/**
 * One request of `n` spans of trace `traceId` (a new one by default), no attributes (the cheapest to send): the root
 * (when `from` is 0) and children of it numbered from `from`.
 */
function tinySpansRequest(n: number, traceId = randomUUID().replaceAll("-", ""), from = 0, name = (_i: number) => "s") {
  const root = traceId.slice(0, 16);
  const t0 = BigInt(Date.parse(T)) * 1_000_000n;
  const spans = Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      traceId,
      spanId: i === 0 ? root : (i + 1).toString(16).padStart(16, "0"),
      parentSpanId: i === 0 ? "" : root,
      name: name(i),
      kind: 1,
      startTimeUnixNano: String(t0 + BigInt(i) * 1000n),
      endTimeUnixNano: String(t0 + BigInt(i) * 1000n + 500n),
    };
  });
  return { resourceSpans: [{ scopeSpans: [{ scope: { name: "t" }, spans }] }] };
}

/** Spans of the large trace of "one span into a 100,000-span trace". */
const LARGE_TRACE_SPANS = 100_000;

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

/** Events in the span of an "exception bomb" (attack5 A9): 185 KB of gzip, ~8 MB inflated. */
export const BOMB_EVENTS = 62_000;

/**
 * One request of one span (a new trace) with BOMB_EVENTS events of distinct messages: all exceptions, or (`mixed`)
 * every other one an event no convention reads (kept in Span.Extra).
 */
export function eventBombRequest(mixed = false) {
  const traceId = randomUUID().replaceAll("-", "");
  const t0 = String(BigInt(Date.parse(T)) * 1_000_000n);
  const events = Array.from({ length: BOMB_EVENTS }, (_, i) => ({
    name: mixed && i % 2 ? "log" : "exception",
    timeUnixNano: t0,
    attributes: [{ key: "exception.message", value: { stringValue: `e${i}` } }],
  }));
  const span = { traceId, spanId: traceId.slice(0, 16), name: "root", startTimeUnixNano: t0, endTimeUnixNano: t0, events };
  return { traceId, request: { resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] } };
}

/** The OTLP receiver's hostile requests; bodies are built and compressed in prepare, outside the measurement. */
export function otlpKinds({ otlp }: BenchAgent): Kind[] {
  let body = Buffer.alloc(0);
  let largeTrace = "";
  let added = 0;
  let bombs: Buffer[] = [];
  let other: BenchAgent | null = null;
  let honestMs = 0;
  /** The honest request of another key: 2,000 empty spans, ~380 KB inflated (decoded on a worker thread). */
  const honest = async () => {
    other ??= await benchAgent();
    const t = performance.now();
    const answer = await other.otlp(gzipSync(JSON.stringify(tinySpansRequest(2_000))), "application/json");
    honestMs = performance.now() - t;
    return answer;
  };
  return [
    {
      name: "otlp: an honest 2,000-span request alone",
      // Its threads started first, as the app's server starts them: the first large body would wait for them.
      prepare: startWorkers,
      run: async () => `${await honest()} in ${honestMs.toFixed(0)} ms`,
    },
    {
      name: "otlp: 4 exception bombs + an honest 2,000-span request from another key",
      prepare: async () => void (bombs = Array.from({ length: 4 }, () => gzipSync(JSON.stringify(eventBombRequest().request)))),
      run: async () => {
        const sent = bombs.map((b) => otlp(b, "application/json"));
        await new Promise((r) => setTimeout(r, 300));
        const answer = await honest();
        const answers = await Promise.all(sent);
        return `honest ${answer.slice(0, 3)} in ${honestMs.toFixed(0)} ms; bombs ${answers.map((a) => a.slice(0, 3)).join(" ")}`;
      },
    },
    {
      name: "OTLP JSON: largest legal (1,200 spans, 17 MB)",
      prepare: async () => void (body = gzipSync(JSON.stringify(largestOtlpRequest()))),
      run: () => otlp(body, "application/json"),
    },
    {
      name: "OTLP protobuf: the same request",
      prepare: async () => void (body = gzipSync(encodeRequest(largestOtlpRequest() as Parameters<typeof encodeRequest>[0]))),
      run: () => otlp(body, "application/x-protobuf"),
    },
    {
      name: "OTLP JSON: 8,192 empty spans (the span cap)",
      prepare: async () => void (body = gzipSync(JSON.stringify(tinySpansRequest(8_192)))),
      run: () => otlp(body, "application/json"),
    },
    {
      // Each request read and re-ordered the whole trace (lib/ingest/otlp-place.ts places it after the request now).
      name: "OTLP JSON: one span into a 100,000-span trace",
      prepare: async () => {
        if (!largeTrace) {
          largeTrace = randomUUID().replaceAll("-", "");
          for (let from = 0; from < LARGE_TRACE_SPANS; from += 8_000) {
            await otlp(
              gzipSync(JSON.stringify(tinySpansRequest(Math.min(8_000, LARGE_TRACE_SPANS - from), largeTrace, from))),
              "application/json",
            );
          }
        }
        body = gzipSync(JSON.stringify(tinySpansRequest(1, largeTrace, LARGE_TRACE_SPANS + ++added)));
      },
      run: () => otlp(body, "application/json"),
    },
    {
      // Quotes: each is escaped in every JSON text the name passes through.
      name: 'OTLP JSON: 8,000 spans of 1,000-character names (")',
      prepare: async () => void (body = gzipSync(JSON.stringify(tinySpansRequest(8_000, undefined, 0, (i) => `${i}-`.padEnd(1000, '"'))))),
      run: () => otlp(body, "application/json"),
    },
    {
      name: "OTLP JSON: 60,000 empty spans (past the span cap)",
      prepare: async () => void (body = gzipSync(JSON.stringify(tinySpansRequest(60_000)))),
      run: () => otlp(body, "application/json"),
    },
  ];
}
