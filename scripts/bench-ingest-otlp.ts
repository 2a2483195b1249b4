// The OTLP phase of `npm run bench:ingest`: `agents` concurrent exporters, each sending traces of 1,000 spans to
// POST /v1/traces in protobuf batches of 100 spans (children before parents, as a batch span processor sends
// them), for `seconds`, with the app's and PostgreSQL's CPU measured; printed as spans/s and CPU per span beside the
// raw rate. Kept apart from bench-ingest.ts, which calls otlpBench and printOtlp.
import { randomBytes } from "node:crypto";
import { encodeRequest, type OtlpSpan } from "@/lib/otlp/wire";
import { cpuSeconds } from "@/lib/load/cpu";

export interface OtlpPhaseResult {
  spans: number;
  requests: number;
  seconds: number;
  /** per request, ms */
  p50: number;
  p99: number;
  errors: string;
}

const BATCH = 100;
const SPANS_PER_TRACE = 1000;

/** One trace's spans: an agent root, then llm and tool steps under it with a few nested below, ids random. */
function traceSpans(): OtlpSpan[] {
  const traceId = randomBytes(16).toString("hex");
  const t0 = BigInt(Date.now()) * 1_000_000n;
  const ids = Array.from({ length: SPANS_PER_TRACE }, () => randomBytes(8).toString("hex"));
  return ids.map((spanId, i) => {
    const parent = i === 0 ? "" : i % 10 === 5 ? ids[i - 1]! : ids[0]!;
    const llm = i % 2 === 1;
    return {
      traceId,
      spanId,
      parentSpanId: parent,
      name: i === 0 ? "invoke_agent bench" : llm ? "chat bench-model" : "execute_tool grep",
      startTimeUnixNano: String(t0 + BigInt(i) * 1_000_000n),
      endTimeUnixNano: String(t0 + BigInt(i) * 1_000_000n + 500_000n),
      attributes: [
        { key: "gen_ai.operation.name", value: { stringValue: i === 0 ? "invoke_agent" : llm ? "chat" : "execute_tool" } },
        ...(llm
          ? [
              { key: "gen_ai.request.model", value: { stringValue: "bench-model" } },
              { key: "gen_ai.usage.input_tokens", value: { intValue: "1200" } },
              { key: "gen_ai.usage.output_tokens", value: { intValue: "80" } },
              {
                key: "gen_ai.output.messages",
                value: { stringValue: JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: `step ${i}` }] }]) },
              },
            ]
          : [
              { key: "gen_ai.tool.name", value: { stringValue: "grep" } },
              { key: "gen_ai.tool.call.arguments", value: { stringValue: JSON.stringify({ pattern: `p${i}` }) } },
            ]),
      ],
    };
  });
}

/** Runs the phase against `url` (the app's base URL) with the agent client `client`/`key`. */
export async function otlpPhase(opts: {
  url: string;
  client: string;
  key: string;
  agents: number;
  seconds: number;
}): Promise<OtlpPhaseResult> {
  const auth = `Basic ${Buffer.from(`${opts.client}:${opts.key}`).toString("base64")}`;
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  let spans = 0;
  const started = performance.now();
  const end = started + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.agents }, async () => {
      while (performance.now() < end) {
        // Sent leaves first, the root last: every batch moves spans already stored.
        const all = traceSpans().reverse();
        for (let i = 0; i < all.length && performance.now() < end; i += BATCH) {
          const batch = all.slice(i, i + BATCH);
          const body = encodeRequest({
            resourceSpans: [
              { resource: { attributes: [{ key: "service.name", value: { stringValue: "bench" } }] }, scopeSpans: [{ spans: batch }] },
            ],
          });
          const t = performance.now();
          const res = await fetch(`${opts.url}/v1/traces`, {
            method: "POST",
            body,
            headers: { "content-type": "application/x-protobuf", authorization: auth },
          });
          await res.arrayBuffer();
          latencies.push(performance.now() - t);
          if (res.status === 200) spans += batch.length;
          else errors.set(String(res.status), (errors.get(String(res.status)) ?? 0) + 1);
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p * latencies.length) - 1))] ?? NaN;
  return {
    spans,
    requests: latencies.length,
    seconds: (performance.now() - started) / 1000,
    p50: q(0.5),
    p99: q(0.99),
    errors: [...errors].map(([s, n]) => `${n}×${s}`).join(", ") || "none",
  };
}

export interface OtlpRow extends OtlpPhaseResult {
  appCpu: number;
  dbCpu: number;
}

/** The OTLP phase with the app's and PostgreSQL's CPU seconds over it (a short warm-up first). */
export async function otlpBench(
  app: { url: string; pid: number },
  creds: { client: string; key: string },
  postmaster: number,
  agents: number,
  seconds: number,
): Promise<OtlpRow> {
  console.log(`OTLP: ${agents} exporters, 100-span protobuf batches, for ${seconds} s…`);
  await otlpPhase({ url: app.url, ...creds, agents: Math.min(2, agents), seconds: 2 });
  const app0 = cpuSeconds(app.pid);
  const db0 = cpuSeconds(postmaster);
  const r = await otlpPhase({ url: app.url, ...creds, agents, seconds });
  return { ...r, appCpu: cpuSeconds(app.pid) - app0, dbCpu: cpuSeconds(postmaster) - db0 };
}

export function printOtlp(r: OtlpRow, rawSpansPerSecond: number): void {
  const rate = r.spans / r.seconds;
  const perSpan = (s: number) => (r.spans ? `${((1e6 * s) / r.spans).toFixed(0)} µs` : "-");
  console.log(
    `OTLP (100-span batches): ${rate.toFixed(0)} spans/s (${Math.round((100 * rate) / rawSpansPerSecond)}% of raw), ` +
      `${r.requests} requests, p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms; CPU per span: app ${perSpan(r.appCpu)}, DB ${perSpan(r.dbCpu)}; errors ${r.errors}`,
  );
}
