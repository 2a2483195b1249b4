// POST /v1/traces over real HTTP on a real PostgreSQL: a trace split over requests in any order (children before
// parents, a span twice) gives the tree of a trace sent at once; a wrong key stores nothing; malformed bodies are named;
// a gzip bomb is refused before it is inflated; a span that cannot be stored is refused in partial_success.
import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { db } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { getTrajectory } from "@/lib/runs/export";
import { settleQuietTraces, traceJobId } from "@/lib/ingest/otlp-trace";
import { AGENT_MAX_NAME_CHARS, MAX_SHORT_FIELD_CHARS, OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT } from "@/lib/limits";
import { encodeRequest, type ExportTraceRequest, type OtlpSpan } from "@/lib/otlp/wire";
import { agentCredentials, hex, receiverFixture, T0 } from "./receiver";

const rx = receiverFixture("otlp-rx");
const { post } = rx;
const me = () => rx.clients[0]!;

function span(
  traceId: string,
  id: string,
  parent: string | null,
  name: string,
  startMs: number,
  attrs: Record<string, string | number> = {},
): OtlpSpan {
  return {
    traceId,
    spanId: id,
    parentSpanId: parent ?? "",
    name,
    kind: 1,
    startTimeUnixNano: String(T0 + BigInt(startMs) * 1_000_000n),
    endTimeUnixNano: String(T0 + BigInt(startMs + 50) * 1_000_000n),
    attributes: Object.entries(attrs).map(([k, v]) => ({
      key: k,
      value: typeof v === "number" ? { intValue: String(v) } : { stringValue: v },
    })),
  };
}

function request(spans: OtlpSpan[]): ExportTraceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "rx-test" } }] },
        scopeSpans: [{ scope: { name: "t" }, spans }],
      },
    ],
  };
}

const postJson = (value: unknown, auth = me().basic) =>
  post(JSON.stringify(value), { "content-type": "application/json", authorization: auth });

/** A small agent trace: agent → (llm, tool, llm), the tool with a child. */
function sample(traceId: string) {
  const [a, l1, t, t1, l2] = [hex(8), hex(8), hex(8), hex(8), hex(8)];
  return [
    span(traceId, a, null, "invoke_agent fixer", 0, { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "fixer" }),
    span(traceId, l1, a, "chat", 10, { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 7 }),
    span(traceId, t, a, "execute_tool grep", 20, { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "grep" }),
    span(traceId, t1, t, "subprocess", 21),
    span(traceId, l2, a, "chat", 30, { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 9 }),
  ];
}

async function stored(traceId: string) {
  const text = await getTrajectory(db(), traceJobId(traceId));
  return text === null
    ? null
    : (JSON.parse(text) as { Seq: number; Nesting: number; Name: string }[]).map((s) => [s.Seq, s.Nesting, s.Name]);
}

describe("POST /v1/traces", () => {
  it("a trace split over requests, out of order, children first and a span twice, gives the tree sent at once", async () => {
    const whole = hex(16);
    expect((await postJson(request(sample(whole)))).status).toBe(200);
    const split = hex(16);
    const spans = sample(split);
    // Leaves first, the root last, the tool's child before the tool, one span sent twice; protobuf and JSON mixed.
    const order = [[spans[3]!], [spans[4]!, spans[1]!], [spans[2]!, spans[3]!], [spans[0]!]];
    for (const [i, batch] of order.entries()) {
      const res =
        i % 2
          ? await post(Buffer.from(encodeRequest(request(batch))), { "content-type": "application/x-protobuf", authorization: me().basic })
          : await postJson(request(batch));
      expect(res.status).toBe(200);
    }
    expect(await stored(split)).toEqual(await stored(whole));
    expect(await stored(split)).toEqual([
      [0, 0, "fixer"],
      [1, 1, "chat"],
      [2, 1, "grep"],
      [3, 2, "subprocess"],
      [4, 1, "chat"],
    ]);
    const facts = async () =>
      (await pool().query(`SELECT workflow, status::text, span_count, input_tokens::int FROM jobs WHERE id = $1`, [traceJobId(split)]))
        .rows[0];
    // While it runs the totals wait (recomputing them read the whole trace on every request); the workflow is named.
    expect(await facts()).toEqual({ workflow: "fixer", status: "running", span_count: 0, input_tokens: 0 });
    // Settled once quiet: finished, as its root ended, with the totals of every span once.
    await settleQuietTraces(0, 28_800);
    expect(await facts()).toEqual({ workflow: "fixer", status: "finished", span_count: 5, input_tokens: 16 });
  });

  it("requests that open one trace at once are all stored (a span processor exports spans concurrently)", async () => {
    // Each request's first insert of the run raced on the trace id's unique index: the losers answered 500.
    // As many at once as the endpoint takes from one client (OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT; more are 429,
    // for the exporter to retry).
    for (let round = 0; round < 10; round++) {
      const traceId = hex(16);
      const root = hex(8);
      const spans = [
        span(traceId, root, null, "invoke_agent racer", 0, { "gen_ai.operation.name": "invoke_agent" }),
        ...Array.from({ length: OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT - 1 }, (_, i) => span(traceId, hex(8), root, `step ${i}`, 1 + i)),
      ];
      const answers = await Promise.all(spans.map((s) => postJson(request([s]))));
      expect(answers.map((a) => a.status)).toEqual(spans.map(() => 200));
      expect(await stored(traceId)).toHaveLength(spans.length);
    }
  });

  it("a root that never ends leaves the run running until the silent-agent timeout makes it incomplete", async () => {
    const traceId = hex(16);
    const spans = sample(traceId);
    delete spans[0]!.endTimeUnixNano;
    expect((await postJson(request(spans))).status).toBe(200);
    await settleQuietTraces(0, 28_800);
    const status = async () => (await pool().query(`SELECT status::text FROM jobs WHERE id = $1`, [traceJobId(traceId)])).rows[0].status;
    expect(await status()).toBe("running");
    await settleQuietTraces(0, 0);
    expect(await status()).toBe("incomplete");
    // A settled trace takes no more spans: refused in partial_success, not an error.
    const late = await postJson(request([span(traceId, hex(8), spans[0]!.spanId, "late", 90)]));
    expect(late.status).toBe(200);
    expect(JSON.parse(late.text.toString())).toEqual({
      partialSuccess: { rejectedSpans: "1", errorMessage: `trace ${traceId} was settled as incomplete: it takes no more spans` },
    });
  });

  it("authenticates with Basic, Bearer client:key and Bearer key; a wrong key is 401 and stores nothing", async () => {
    for (const auth of [`Bearer ${me().client}:${me().key}`, `Bearer ${me().key}`]) {
      const traceId = hex(16);
      expect((await postJson(request(sample(traceId)), auth)).status).toBe(200);
      expect(await stored(traceId)).toHaveLength(5);
    }
    for (const auth of [
      "",
      `Basic ${Buffer.from(`${me().client}:wrong`).toString("base64")}`,
      "Bearer wrong",
      `Bearer ${me().client}:wrong`,
      "Digest x",
    ]) {
      const traceId = hex(16);
      const res = await postJson(request(sample(traceId)), auth);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text.toString()).message).toMatch(/Authorization|unknown client or wrong key|Basic or Bearer/);
      expect(await stored(traceId)).toBeNull();
    }
  });

  it("another client's trace: its spans are refused in partial_success", async () => {
    const other = await agentCredentials("otlp-other");
    const traceId = hex(16);
    expect((await postJson(request(sample(traceId)))).status).toBe(200);
    const res = await postJson(request([span(traceId, hex(8), null, "intruder", 5)]), other.bearer);
    expect(JSON.parse(res.text.toString()).partialSuccess.rejectedSpans).toBe("1");
    expect(await stored(traceId)).toHaveLength(5);
  });

  it("malformed protobuf and JSON are 400 naming the problem, in the request's encoding", async () => {
    const bad = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), {
      "content-type": "application/x-protobuf",
      authorization: me().basic,
    });
    expect(bad.status).toBe(400);
    expect(bad.type).toBe("application/x-protobuf");
    expect(bad.text.toString("latin1")).toContain("body is not a protobuf ExportTraceServiceRequest");
    const json = await post("{ not json", { "content-type": "application/json", authorization: me().basic });
    expect(json.status).toBe(400);
    expect(JSON.parse(json.text.toString())).toMatchObject({ code: 3, message: expect.stringMatching(/^body is not valid JSON/) });
    const shape = await postJson(request([{ ...sample(hex(16))[0]!, traceId: "xyz" }]));
    expect(shape.status).toBe(400);
    expect(JSON.parse(shape.text.toString()).message).toBe("resourceSpans.0.scopeSpans.0.spans.0.traceId: not 16 bytes in hex");
    const type = await post("x", { "content-type": "text/plain", authorization: me().basic });
    expect(type.status).toBe(400);
    expect(JSON.parse(type.text.toString()).message).toMatch(/Content-Type must be application\/x-protobuf or application\/json/);
  });

  it("a body of more values than the budget is 413 before it is decoded, protobuf (counted on the wire) and JSON alike", async () => {
    const traceId = hex(16);
    // 600,000 empty AnyValues: 1.2 MB of protobuf, well inside the byte caps, past OTLP_MAX_VALUES.
    const wide = request([
      {
        ...span(traceId, hex(8), null, "wide", 0),
        attributes: [{ key: "k", value: { arrayValue: { values: Array.from({ length: 600_000 }, () => ({})) } } }],
      },
    ]);
    const pb = Buffer.from(encodeRequest(wide));
    expect(pb.length).toBeLessThan(2 * 1024 * 1024);
    const t = performance.now();
    const refused = await post(pb, { "content-type": "application/x-protobuf", authorization: me().basic });
    expect(refused.status).toBe(413);
    expect(refused.text.toString("latin1")).toContain("body holds more than 500,000 values, the limit per request");
    // Counting is one walk of the bytes: far below decoding them (seconds, hundreds of MB), even on a busy machine.
    expect(performance.now() - t).toBeLessThan(5_000);
    const json = await postJson(wide);
    expect(json.status).toBe(413);
    expect(JSON.parse(json.text.toString()).message).toMatch(/holds more than 500,000 values .*, the limit per request$/);
    expect(await stored(traceId)).toBeNull();
    // Within the budget the same shape is stored.
    const small = request([
      {
        ...span(traceId, hex(8), null, "narrow", 0),
        attributes: [{ key: "k", value: { arrayValue: { values: [{ intValue: "1" }, {}] } } }],
      },
    ]);
    expect(
      (await post(Buffer.from(encodeRequest(small)), { "content-type": "application/x-protobuf", authorization: me().basic })).status,
    ).toBe(200);
    expect(await stored(traceId)).toHaveLength(1);
  });

  it("gzip: inflated when sent so; a 100 MB gzip bomb is refused from its trailer before inflating, a lying trailer at the cap", async () => {
    const traceId = hex(16);
    const ok = await post(gzipSync(JSON.stringify(request(sample(traceId)))), {
      "content-type": "application/json",
      "content-encoding": "gzip",
      authorization: me().basic,
    });
    expect(ok.status).toBe(200);
    expect(await stored(traceId)).toHaveLength(5);
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(200 * 1024);
    const refused = await post(bomb, { "content-type": "application/json", "content-encoding": "gzip", authorization: me().basic });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.text.toString()).message).toBe("body decompresses to 100 MB, the limit is 20 MB");
    // The same bomb with a forged trailer (says 10 bytes) stops inflating at the 20 MB cap.
    const forged = Buffer.from(bomb);
    forged.writeUInt32LE(10, forged.length - 4);
    const capped = await post(forged, { "content-type": "application/json", "content-encoding": "gzip", authorization: me().basic });
    expect(capped.status).toBe(413);
    expect(JSON.parse(capped.text.toString()).message).toBe("body decompresses to more than the limit of 20 MB");
    // Without the key, not even the trailer is read.
    expect((await post(bomb, { "content-type": "application/json", "content-encoding": "gzip" })).status).toBe(401);
  });

  it("a span that cannot be stored is refused in partial_success; the rest of the request is stored", async () => {
    const traceId = hex(16);
    const spans = sample(traceId);
    spans[1]!.attributes!.push({ key: "gen_ai.usage.output_tokens", value: { intValue: "999999999999" } });
    const res = await postJson(request(spans));
    expect(res.status).toBe(200);
    const reply = JSON.parse(res.text.toString());
    expect(reply.partialSuccess.rejectedSpans).toBe("1");
    expect(reply.partialSuccess.errorMessage).toMatch(new RegExp(`^span ${spans[1]!.spanId}: OutputTokens: `));
    expect(await stored(traceId)).toHaveLength(4);
  });

  it("a service.name and a root span name longer than a run's agent and workflow hold are cut to them, not a 500", async () => {
    // Random letters (PostgreSQL cannot compress them into an index row): 3,000 answered 500 from the btree indexes.
    const letters = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join("");
    const traceId = hex(16);
    const spans = sample(traceId);
    // A root of no convention: its name names the run.
    spans[0]!.name = letters(3000);
    spans[0]!.attributes = [];
    const body = request(spans);
    body.resourceSpans![0]!.resource!.attributes = [{ key: "service.name", value: { stringValue: letters(8000) } }];
    const res = await postJson(body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text.toString())).toEqual({});
    const job = (await pool().query(`SELECT length(workflow) AS w, length(agent_name) AS a FROM jobs WHERE id = $1`, [traceJobId(traceId)]))
      .rows[0];
    expect(job).toEqual({ w: MAX_SHORT_FIELD_CHARS, a: AGENT_MAX_NAME_CHARS });
  });

  it("NUL and lone surrogates anywhere in a span are stored replaced, in JSON and protobuf alike, not a 500", async () => {
    for (const protobuf of [false, true]) {
      // Protobuf carries UTF-8, where a lone surrogate cannot be written (its bytes are refused with 400): NUL there.
      const odd = protobuf ? "\u0000" : "\ud800";
      const traceId = hex(16);
      const spans = sample(traceId);
      spans[0]!.name = `a\u0000b${odd}c`;
      spans[0]!.attributes = [];
      spans[1]!.attributes!.push({ key: "k\u0000", value: { stringValue: `v${odd}` } });
      spans[2]!.status = { code: 2, message: "boom\u0000" };
      const body = request(spans);
      body.resourceSpans![0]!.resource!.attributes = [{ key: "service.name", value: { stringValue: `svc\u0000${odd}` } }];
      const res = protobuf
        ? await post(Buffer.from(encodeRequest(body)), { "content-type": "application/x-protobuf", authorization: me().basic })
        : await postJson(body);
      expect(res.status, res.text.toString()).toBe(200);
      const job = (await pool().query(`SELECT workflow, agent_name FROM jobs WHERE id = $1`, [traceJobId(traceId)])).rows[0];
      expect(job).toEqual({ workflow: "a\ufffdb\ufffdc", agent_name: "svc\ufffd\ufffd" });
      expect(await stored(traceId)).toHaveLength(5);
    }
  });
});
