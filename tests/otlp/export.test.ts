// Every run can leave as OTLP and come back: GET /api/jobs/<id>/otlp's JSON, imported (POST /api/import's parser),
// gives the same trajectory — for a syzkaller run with a field this viewer does not know (kept, exported back as it
// came) and for a run received over OTLP (its unread attributes and events included). ?original=1 gives the spans as
// they were received.
import { afterAll, describe, expect, it } from "vitest";
import { randomBytes, randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { COMMAND_LINE } from "@/lib/audit/log";
import { importFiles } from "@/lib/import/import-files";
import { getTrajectory } from "@/lib/runs/export";
import { storeRecords } from "@/lib/otlp/store";
import { recordsOf, type ExportTraceRequest, type KeyValue } from "@/lib/otlp/wire";
import { EXPORT_SLICE_BYTES } from "@/lib/limits";
import { traceJobId } from "@/lib/ingest/otlp-trace";
import { addClient } from "@/lib/agents/keys";
import { GET } from "@/app/api/jobs/[id]/otlp/route";

afterAll(disconnectDb);

async function importOne(name: string, content: string): Promise<string> {
  const outcome = await importFiles([{ name, content: Buffer.from(content) }], COMMAND_LINE);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome.jobs[0]!.id;
}

async function otlpOf(id: string, query = ""): Promise<Response> {
  return GET(new Request(`http://127.0.0.1/api/jobs/${id}/otlp${query}`, { headers: { host: "127.0.0.1" } }), {
    params: Promise.resolve({ id }),
  });
}

const T = (s: number) => `2026-03-01T10:00:${String(s).padStart(2, "0")}.123456Z`;
const tag = randomUUID().slice(0, 8);

describe("OTLP export", () => {
  it("a syzkaller run with an unknown span field goes out as OTLP and comes back as the same trajectory", async () => {
    const spans = [
      {
        Seq: 0,
        Nesting: 0,
        Type: "flow",
        Name: `patch-triage-${tag}`,
        Started: T(0),
        Finished: T(30),
        Args: { Patch: "p" },
        Results: { WorthFuzzing: true },
      },
      { Seq: 1, Nesting: 1, Type: "agent", Name: "patch-evaluator", Started: T(1), Finished: T(29), Instruction: "Judge." },
      {
        Seq: 2,
        Nesting: 2,
        Type: "llm",
        Name: "patch-evaluator",
        Model: "gemini-x",
        Started: T(2),
        Finished: T(3),
        Prompt: "Look.",
        Reply: "Reading.",
        Thoughts: "Hmm.",
        InputTokens: 100,
        OutputTokens: 20,
        OutputThoughtsTokens: 5,
        NewTokenCount: 7,
        Future: { a: [1, 2] },
      },
      {
        Seq: 3,
        Nesting: 2,
        Type: "tool",
        Name: "read-file",
        Started: T(3),
        Finished: T(4),
        Args: { File: "a.c" },
        Results: { Contents: "int x;" },
      },
      { Seq: 4, Nesting: 2, Type: "tool", Name: "read-file", Started: T(3), Finished: T(4), Args: { File: "b.c" }, Error: "no such file" },
      { Seq: 5, Nesting: 2, Type: "loop", Name: "retry", Started: T(5), Finished: T(6) },
    ];
    const id = await importOne(`syz-${tag}.json`, JSON.stringify(spans));
    const trajectory = (await getTrajectory(db(), id))!;
    // The unknown fields are stored and exported back as they came.
    expect(JSON.parse(trajectory)[2]).toMatchObject({ NewTokenCount: 7, Future: { a: [1, 2] } });
    const res = await otlpOf(id);
    expect(res.status).toBe(200);
    const otlp = (await res.json()) as ExportTraceRequest;
    const exported = recordsOf(otlp).map((r) => r.span);
    // Ids are stable per run: the job id is the trace id.
    expect(exported[0]!.traceId).toBe(id.replaceAll("-", ""));
    expect(
      exported.map(
        (s) => Object.fromEntries((s.attributes ?? []).map((a) => [a.key, Object.values(a.value ?? {})[0]]))["gen_ai.operation.name"],
      ),
    ).toEqual(["invoke_workflow", "invoke_agent", "chat", "execute_tool", "execute_tool", undefined]);
    expect(exported[4]!.status).toEqual({ code: 2, message: "no such file" });
    // Imported again (a new run: the file's content differs from the trajectory file's), the same trajectory.
    const back = await importOne(`otlp-${tag}.json`, JSON.stringify(otlp));
    expect(back).not.toBe(id);
    expect(await getTrajectory(db(), back)).toBe(trajectory);
  });

  it("a run received over OTLP keeps its ids, exports its original spans, and comes back the same", async () => {
    const client = `otlp-exp-${tag}`;
    await addClient(db(), client);
    const traceId = randomBytes(16).toString("hex");
    const [root, chat] = [randomBytes(8).toString("hex"), randomBytes(8).toString("hex")];
    const at = (ms: number) => String(1_796_000_000_000_000_000n + BigInt(ms) * 1_000_000n);
    const request: ExportTraceRequest = {
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: "service.name", value: { stringValue: "exp" } },
              { key: "host.name", value: { stringValue: "box" } },
            ],
          },
          scopeSpans: [
            {
              scope: { name: "my-lib", version: "1.0" },
              spans: [
                {
                  traceId,
                  spanId: chat,
                  parentSpanId: root,
                  name: "chat m",
                  kind: 3,
                  startTimeUnixNano: at(1),
                  endTimeUnixNano: at(2),
                  attributes: [
                    { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
                    { key: "gen_ai.request.model", value: { stringValue: "m" } },
                    { key: "http.status", value: { intValue: "200" } },
                  ],
                  events: [{ name: "my.event", timeUnixNano: at(1), attributes: [{ key: "k", value: { boolValue: true } }] }],
                },
                { traceId, spanId: root, name: "job", startTimeUnixNano: at(0), endTimeUnixNano: at(3) },
              ],
            },
          ],
        },
      ],
    };
    expect(await storeRecords(client, recordsOf(request))).toMatchObject({ rejected: false });
    const id = traceJobId(traceId);
    const trajectory = (await getTrajectory(db(), id))!;
    expect(JSON.parse(trajectory)[1]).toMatchObject({
      attributes: { "http.status": 200 },
      events: [{ name: "my.event", attributes: { k: true } }],
      kind: "SPAN_KIND_CLIENT",
      resource: { "host.name": "box" },
      scope: "my-lib 1.0",
    });
    const otlp = (await (await otlpOf(id)).json()) as ExportTraceRequest;
    expect(recordsOf(otlp).map((r) => [r.span.traceId, r.span.spanId, r.span.parentSpanId])).toEqual([
      [traceId, root, ""],
      [traceId, chat, root],
    ]);
    const back = await importOne(`otlp-received-${tag}.json`, JSON.stringify(otlp));
    expect(await getTrajectory(db(), back)).toBe(trajectory);
    // The original spans, as received.
    const original = (await (await otlpOf(id, "?original=1")).json()) as ExportTraceRequest;
    expect(recordsOf(original).map((r) => r.span)).toEqual([
      request.resourceSpans![0]!.scopeSpans![0]!.spans![1],
      request.resourceSpans![0]!.scopeSpans![0]!.spans![0],
    ]);
    expect((await otlpOf(back, "?original=1")).status).toBe(404);
  });

  it("?original=1 writes the texts stored, the same bytes as parsing and writing each span again, a large span in pieces", async () => {
    const client = `otlp-orig-${tag}`;
    await addClient(db(), client);
    const traceId = randomBytes(16).toString("hex");
    const root = randomBytes(8).toString("hex");
    const at = (ms: number) => String(1_796_000_000_000_000_000n + BigInt(ms) * 1_000_000n);
    const span = (i: number, attributes: KeyValue[] = []) => ({
      traceId,
      spanId: i ? randomBytes(8).toString("hex") : root,
      parentSpanId: i ? root : "",
      name: `s${i} "é" 😀`,
      startTimeUnixNano: at(i),
      endTimeUnixNano: at(i + 1),
      attributes,
    });
    // Past EXPORT_SLICE_BYTES (read in pieces): escapes, two- and four-byte characters across the cuts.
    const large = `${'é"\\\n😀x'.repeat(60_000)}`;
    const resource = (name: string) => ({ attributes: [{ key: "service.name", value: { stringValue: name } }] });
    const request: ExportTraceRequest = {
      resourceSpans: [
        {
          resource: resource("orig"),
          scopeSpans: [
            { scope: { name: "a", version: "1" }, spans: [span(0), span(1, [{ key: "n", value: { doubleValue: 0.1 } }])] },
            { scope: { name: "b" }, spans: [span(2, [{ key: "big", value: { stringValue: large } }]), span(3)] },
          ],
        },
        { resource: resource("other"), scopeSpans: [{ spans: [span(4)] }] },
      ],
    };
    expect(await storeRecords(client, recordsOf(request))).toMatchObject({ rejected: false });
    const id = traceJobId(traceId);
    // What ?original=1 wrote before: each body read parsed and written again, grouped by resource and scope.
    const bodies = await db().$queryRaw<{ body: { resource: unknown; scope: unknown; span: unknown } }[]>`
      SELECT body FROM otlp_spans WHERE job_id = ${id}::uuid ORDER BY seq`;
    let before = `{"resourceSpans":[`;
    let last: string | null = null;
    for (const [i, { body }] of bodies.entries()) {
      const key = JSON.stringify([body.resource, body.scope]);
      if (key !== last) {
        const open = JSON.stringify({ resource: body.resource, scopeSpans: [{ scope: body.scope, spans: [] }] }).slice(0, -4);
        before += `${last === null ? "" : "]}]},"}${open}`;
        last = key;
      } else if (i > 0) before += ",";
      before += JSON.stringify(body.span);
    }
    before += "]}]}]}";
    const res = await otlpOf(id, "?original=1");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(2 * EXPORT_SLICE_BYTES);
    expect(text).toBe(before);
    expect(recordsOf(JSON.parse(text) as ExportTraceRequest).map((r) => r.span.name)).toEqual([0, 1, 2, 3, 4].map((i) => `s${i} "é" 😀`));
  });

  it("a span whose Extra is over EXPORT_SLICE_BYTES goes out a member at a time and comes back the same", async () => {
    const client = `otlp-extra-${tag}`;
    await addClient(db(), client);
    const traceId = randomBytes(16).toString("hex");
    const at = (ms: number) => String(1_796_000_000_000_000_000n + BigInt(ms) * 1_000_000n);
    const big = 'é"\\\n😀x'.repeat(60_000);
    const request: ExportTraceRequest = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "extra" } }] },
          scopeSpans: [
            {
              scope: { name: "lib" },
              spans: [
                {
                  traceId,
                  spanId: randomBytes(8).toString("hex"),
                  name: "work",
                  kind: 1,
                  startTimeUnixNano: at(0),
                  endTimeUnixNano: at(1),
                  attributes: [
                    { key: "small", value: { intValue: "7" } },
                    { key: "big", value: { stringValue: big } },
                    { key: "obj", value: { kvlistValue: { values: [{ key: "k", value: { doubleValue: 0.5 } }] } } },
                    { key: "big2", value: { stringValue: `${big}2` } },
                  ],
                  events: Array.from({ length: 1_500 }, (_, i) => ({
                    name: i % 3 ? "log" : "exception",
                    timeUnixNano: at(i),
                    attributes: [{ key: "exception.message", value: { stringValue: `m${i}` } }],
                  })),
                  links: [{ traceId, spanId: randomBytes(8).toString("hex") }],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(await storeRecords(client, recordsOf(request))).toMatchObject({ rejected: false });
    const id = traceJobId(traceId);
    const { rows } = await pool().query<{ size: number }>(`SELECT octet_length(extra::text) AS size FROM spans WHERE job_id = $1`, [id]);
    expect(rows[0]!.size).toBeGreaterThan(2 * EXPORT_SLICE_BYTES);
    const text = await (await otlpOf(id)).text();
    // Written as JSON.stringify writes the whole request.
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
    const [span] = recordsOf(JSON.parse(text) as ExportTraceRequest).map((r) => r.span);
    const attribute = (key: string) => span!.attributes!.find((a) => a.key === key)?.value;
    expect(attribute("big")).toEqual({ stringValue: big });
    expect(attribute("big2")).toEqual({ stringValue: `${big}2` });
    expect(attribute("obj")).toEqual({ kvlistValue: { values: [{ key: "k", value: { doubleValue: 0.5 } }] } });
    expect(span!.events!.map((e) => e.name)).toEqual(Array.from({ length: 1_000 }, () => "log"));
    const back = await importOne(`otlp-extra-${tag}.json`, text);
    expect(await getTrajectory(db(), back)).toBe(await getTrajectory(db(), id));
  });

  it("reads a run's received spans by (job, seq) on an index, as its pages join them, not by scanning every run's", async () => {
    const plan = await db().$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        "EXPLAIN SELECT span_id FROM otlp_spans WHERE job_id = '00000000-0000-4000-8000-000000000000' AND seq > 5 ORDER BY seq LIMIT 10",
      );
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("otlp_spans_job_id_seq_idx");
  });

  it("an OTLP JSON file whose strings hold NUL or a lone surrogate imports with them replaced, not a 500", async () => {
    const traceId = randomBytes(16).toString("hex");
    const file: ExportTraceRequest = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "svc\u0000" } }] },
          scopeSpans: [
            {
              scope: { name: "t" },
              spans: [
                {
                  traceId,
                  spanId: randomBytes(8).toString("hex"),
                  parentSpanId: "",
                  name: "odd\u0000name\ud800",
                  kind: 1,
                  startTimeUnixNano: "1796000000000000000",
                  endTimeUnixNano: "1796000001000000000",
                  attributes: [{ key: "k\u0000", value: { stringValue: "v\udfff" } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const id = await importOne(`odd-${randomUUID().slice(0, 8)}.json`, JSON.stringify(file));
    const spans = JSON.parse((await getTrajectory(db(), id))!) as { Name: string }[];
    expect(spans[0]!.Name).toBe("odd\ufffdname\ufffd");
  });
});
