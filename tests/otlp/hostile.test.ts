// POST /v1/traces against hostile senders, over real HTTP on a real PostgreSQL (issue 21): a request of many tiny
// spans is refused past OTLP_MAX_SPANS_PER_REQUEST and one at the cap keeps the event loop answering; a chain of parents
// past MAX_NESTING is refused, and a span of more than OTLP_MAX_EVENTS_PER_SPAN events; one key's trickling bodies
// neither take every slot nor hold one past the read deadline.
import { HOLD_BOUND_MS } from "../helpers/hold-bound";
import { describe, expect, it } from "vitest";
import net from "node:net";
import { gzipSync } from "node:zlib";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pool } from "@/lib/db/pool";
import { traceJobId } from "@/lib/ingest/otlp-trace";
import {
  MAX_NESTING,
  OTLP_BODY_READ_SECONDS,
  OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT,
  OTLP_MAX_EVENTS_PER_SPAN,
  OTLP_MAX_SPANS_PER_REQUEST,
} from "@/lib/limits";
import type { ExportTraceRequest, OtlpSpan } from "@/lib/otlp/wire";
import { hex, receiverFixture, T0 } from "./receiver";

// Two keys: the second is served while the first holds its whole share of the slots.
const rx = receiverFixture("otlp-h1", "otlp-h2");
const auth = (i: number) => rx.clients[i]!.bearer;

/** A span with no attributes: the cheapest a sender can make. */
function tiny(traceId: string, id: string, parent: string | null, i: number): OtlpSpan {
  const start = T0 + BigInt(i) * 1_000_000n;
  return {
    traceId,
    spanId: id,
    parentSpanId: parent ?? "",
    name: "s",
    kind: 1,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 1000n),
  };
}

const request = (spans: OtlpSpan[]): ExportTraceRequest => ({ resourceSpans: [{ scopeSpans: [{ scope: { name: "t" }, spans }] }] });

async function postJson(value: unknown, authorization = auth(0)) {
  const res = await rx.post(gzipSync(JSON.stringify(value)), {
    "content-type": "application/json",
    "content-encoding": "gzip",
    authorization,
  });
  return {
    status: res.status,
    body: JSON.parse(res.text.toString()) as { message?: string; partialSuccess?: { rejectedSpans?: string; errorMessage?: string } },
  };
}

async function storedNesting(traceId: string) {
  const { rows } = await pool().query<{ n: number; deepest: number | null }>(
    `SELECT count(*)::int AS n, max(nesting) AS deepest FROM spans WHERE job_id = $1`,
    [traceJobId(traceId)],
  );
  return rows[0]!;
}

describe("POST /v1/traces against hostile senders", () => {
  it(`a request of more than ${OTLP_MAX_SPANS_PER_REQUEST} spans is 413 naming the cap and writes nothing`, async () => {
    const traceId = hex(16);
    const root = hex(8);
    const spans = [
      tiny(traceId, root, null, 0),
      ...Array.from({ length: OTLP_MAX_SPANS_PER_REQUEST }, (_, i) => tiny(traceId, hex(8), root, i + 1)),
    ];
    const res = await postJson(request(spans));
    expect(res.status).toBe(413);
    expect(res.body.message).toContain(`the limit is ${OTLP_MAX_SPANS_PER_REQUEST} per request (OTLP_MAX_SPANS_PER_REQUEST)`);
    expect(await storedNesting(traceId)).toEqual({ n: 0, deepest: null });
    expect((await pool().query(`SELECT 1 FROM jobs WHERE id = $1`, [traceJobId(traceId)])).rowCount).toBe(0);
  });

  it("a request at the cap is stored while the event loop keeps answering", async () => {
    const traceId = hex(16);
    const root = hex(8);
    const spans = [
      tiny(traceId, root, null, 0),
      ...Array.from({ length: OTLP_MAX_SPANS_PER_REQUEST - 1 }, (_, i) => tiny(traceId, hex(8), root, i + 1)),
    ];
    const body = gzipSync(JSON.stringify(request(spans)));
    const probe = monitorEventLoopDelay({ resolution: 10 });
    probe.enable();
    const res = await rx.post(body, { "content-type": "application/json", "content-encoding": "gzip", authorization: auth(0) });
    probe.disable();
    expect(res.status).toBe(200);
    expect(await storedNesting(traceId)).toEqual({ n: OTLP_MAX_SPANS_PER_REQUEST, deepest: 1 });
    // The receiver runs in this process: its longest hold of the loop is what the probe saw late.
    expect(probe.max / 1e6).toBeLessThan(HOLD_BOUND_MS);
  });

  it(`a span of more than ${OTLP_MAX_EVENTS_PER_SPAN} events is refused in partial_success naming the cap; the others are stored`, async () => {
    const traceId = hex(16);
    const root = hex(8);
    const withEvents = (i: number, n: number): OtlpSpan => ({
      ...tiny(traceId, hex(8), root, i),
      events: Array.from({ length: n }, (_, k) => ({
        name: k % 2 ? "log" : "exception",
        timeUnixNano: String(T0),
        attributes: [{ key: "exception.message", value: { stringValue: `e${k}` } }],
      })),
    });
    const bomb = withEvents(1, OTLP_MAX_EVENTS_PER_SPAN + 1);
    const res = await postJson(request([tiny(traceId, root, null, 0), bomb, withEvents(2, OTLP_MAX_EVENTS_PER_SPAN)]));
    expect(res.status).toBe(200);
    expect(res.body.partialSuccess?.rejectedSpans).toBe("1");
    expect(res.body.partialSuccess?.errorMessage).toBe(
      `span ${bomb.spanId} has ${OTLP_MAX_EVENTS_PER_SPAN + 1} events, the limit is ${OTLP_MAX_EVENTS_PER_SPAN} per span (OTLP_MAX_EVENTS_PER_SPAN)`,
    );
    expect(await storedNesting(traceId)).toEqual({ n: 2, deepest: 1 });
    // The span at the cap keeps every event: the exceptions in its Error, the others in its Extra.
    const { rows } = await pool().query<{ errors: number; kept: number }>(
      `SELECT array_length(string_to_array(error, E'\n\n'), 1) AS errors, json_array_length(extra->'events') AS kept
       FROM spans WHERE job_id = $1 AND seq = 1`,
      [traceJobId(traceId)],
    );
    expect(rows[0]).toEqual({ errors: OTLP_MAX_EVENTS_PER_SPAN / 2, kept: OTLP_MAX_EVENTS_PER_SPAN / 2 });
  });

  it("an attribute named __proto__ is kept like any other, at the top and inside a kvlist", async () => {
    const traceId = hex(16);
    const span: OtlpSpan = {
      ...tiny(traceId, hex(8), null, 0),
      attributes: [
        { key: "__proto__", value: { stringValue: "top" } },
        { key: "nested", value: { kvlistValue: { values: [{ key: "__proto__", value: { intValue: "7" } }] } } },
      ],
    };
    expect((await postJson(request([span]))).status).toBe(200);
    const { rows } = await pool().query<{ top: string; nested: string }>(
      `SELECT extra->'attributes'->>'__proto__' AS top, extra->'attributes'->'nested'->>'__proto__' AS nested
       FROM spans WHERE job_id = $1`,
      [traceJobId(traceId)],
    );
    expect(rows).toEqual([{ top: "top", nested: "7" }]);
  });

  it(`a chain of parents past MAX_NESTING (${MAX_NESTING}) is refused in partial_success, writing nothing of it`, async () => {
    const traceId = hex(16);
    const ids = Array.from({ length: MAX_NESTING + 2 }, () => hex(8));
    const chain = (from: number, to: number) =>
      ids.slice(from, to).map((id, k) => tiny(traceId, id, from + k ? ids[from + k - 1]! : null, from + k));
    // Two requests make a chain of nesting 0 … MAX_NESTING: all stored.
    for (const [from, to] of [
      [0, 5_000],
      [5_000, MAX_NESTING + 1],
    ] as const) {
      const res = await postJson(request(chain(from, to)));
      expect(res.status).toBe(200);
      expect(res.body.partialSuccess?.rejectedSpans ?? "0").toBe("0");
    }
    expect(await storedNesting(traceId)).toEqual({ n: MAX_NESTING + 1, deepest: MAX_NESTING });
    // One more link would nest MAX_NESTING + 1 deep: refused, named, nothing written.
    const res = await postJson(request(chain(MAX_NESTING + 1, MAX_NESTING + 2)));
    expect(res.status).toBe(200);
    expect(res.body.partialSuccess?.rejectedSpans).toBe("1");
    expect(res.body.partialSuccess?.errorMessage).toContain(
      `would nest ${MAX_NESTING + 1} levels deep, past the limit of ${MAX_NESTING} (MAX_NESTING)`,
    );
    expect(await storedNesting(traceId)).toEqual({ n: MAX_NESTING + 1, deepest: MAX_NESTING });
  }, 120_000);

  it("one key's trickling bodies take at most its share of the slots, and each is cut at the read deadline", async () => {
    const url = new URL(rx.receiver.url);
    const answers: Promise<string>[] = [];
    const sockets: net.Socket[] = [];
    // As many slow bodies as one key may have in flight, and one more: the extra one is 429 for that key only.
    for (let i = 0; i <= OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT; i++) {
      const s = net.connect(Number(url.port), url.hostname);
      sockets.push(s);
      s.write(
        `POST /v1/traces HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nAuthorization: ${auth(0)}\r\nContent-Length: 1000000\r\n\r\n{`,
      );
      answers.push(
        new Promise((resolve) => {
          let text = "";
          s.on("data", (d: Buffer) => {
            text += d.toString();
            if (text.includes("}")) resolve(text);
          });
          s.on("error", () => resolve(text));
          s.on("close", () => resolve(text));
        }),
      );
      await new Promise((r) => setTimeout(r, 200));
    }
    const drip = setInterval(() => sockets.forEach((s) => s.write(" ")), 1000);
    try {
      const t = performance.now();
      // The other key is served at once, though the first holds its whole share.
      const other = await postJson(request([tiny(hex(16), hex(8), null, 0)]), auth(1));
      expect(other.status).toBe(200);
      const all = await Promise.all(answers);
      const statuses = all.map((a) => a.split("\r\n")[0]);
      expect(statuses.filter((s) => s?.includes(" 429 "))).toHaveLength(1);
      expect(all.find((a) => a.includes(" 429 "))).toContain("OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT");
      const cut = all.filter((a) => a.split("\r\n")[0]?.includes(" 400 "));
      expect(cut).toHaveLength(OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT);
      for (const a of cut) expect(a).toContain(`body not received within ${OTLP_BODY_READ_SECONDS} s (OTLP_BODY_READ_SECONDS)`);
      expect(performance.now() - t).toBeLessThan((OTLP_BODY_READ_SECONDS + 10) * 1000);
      // Its slots are free again.
      expect((await postJson(request([tiny(hex(16), hex(8), null, 0)]))).status).toBe(200);
    } finally {
      clearInterval(drip);
      sockets.forEach((s) => s.destroy());
    }
  }, 60_000);
});
