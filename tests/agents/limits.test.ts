// Input limits of the agent protocol, through the real request handler: every refusal is a 4xx with a plain-text reason.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { db, disconnectDb } from "@/lib/db/client";
import { addClient } from "@/lib/agents/keys";
import { encodeCall } from "@/lib/agents/client";
import { POST } from "@/app/api/route";
import { queueJobs } from "@/lib/load/queue";
import { AGENT_MAX_FIELD_CHARS, AGENT_MAX_PAYLOAD_BYTES, MAX_JSON_DEPTH, MAX_SPAN_BYTES } from "@/lib/limits";
import { formatBytes } from "@/lib/format";

afterAll(disconnectDb);

const client = `limits-${randomUUID().slice(0, 8)}`;
let key = "";
beforeAll(async () => {
  key = await addClient(db(), client);
});

// The bytes upstream's Go client sends (lib/agents/client.ts); `payload` is JSON text (gzipped here) or raw bytes.
async function call(method: string, payload: string | Buffer | null, fields: Record<string, string> = {}) {
  const raw = payload === null ? undefined : typeof payload === "string" ? gzipSync(payload) : payload;
  const { body, contentType } = encodeCall({ client: fields.client ?? client, key: fields.key ?? key, method, rawPayload: raw });
  const res = await POST(
    // A real request always names its Host, which route() checks for this route (proxy.ts skips it).
    new Request("http://test/api", {
      method: "POST",
      body: new Uint8Array(body),
      headers: { "content-type": contentType, host: "127.0.0.1" },
    }),
    { params: Promise.resolve({}) },
  );
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
}

const T = "2026-07-01T10:00:00Z";
const log = (span: Record<string, unknown>) =>
  JSON.stringify({ AgentName: client, JobID: randomUUID(), Span: { Seq: 3, Nesting: 1, Type: "tool", Name: "t", Started: T, ...span } });

describe("agent protocol limits", () => {
  it("a span over the size cap is a 413 naming its Seq and the limit", async () => {
    const half = "x".repeat(MAX_SPAN_BYTES / 2);
    const r = await call("ai_trajectory_log", log({ Seq: 42, Prompt: half.slice(0, -10), Reply: half, Thoughts: "t".repeat(1000) }));
    expect(r).toMatchObject({
      status: 413,
      text: "ai_trajectory_log: span Seq 42 is 8 MB as JSON, the limit is 8 MB",
      type: expect.stringMatching(/^text\/plain/),
    });
  });

  it("deep nesting is a 400 naming where, not a stack overflow", async () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    const r = await call("ai_trajectory_log", log({ Args: "@" }).replace('"@"', deep));
    expect(r.status).toBe(400);
    expect(r.text).toMatch(new RegExp(`^ai_trajectory_log: Span\\.Args(\\[0\\])+: nests deeper than ${MAX_JSON_DEPTH} levels`));
  });

  it("NUL characters and lone surrogates are stored as U+FFFD wherever they are, so the span is not lost", async () => {
    const workflow = `nul-${randomUUID().slice(0, 8)}`;
    const pool = new pg.Client({ connectionString: inject("databaseUrl") });
    await pool.connect();
    const [jobId] = await queueJobs(pool, workflow, 1).finally(() => pool.end());
    const poll = await call(
      "ai_job_poll",
      JSON.stringify({ AgentName: `${client}\u0000`, Workflows: [{ Type: workflow, Name: workflow }] }),
    );
    expect(poll).toMatchObject({ status: 200, text: expect.stringContaining(jobId!) });
    const span = {
      Seq: 0,
      Nesting: 0,
      Type: "tool",
      Name: "read\u0000file",
      Started: T,
      Args: { ["k\u0000"]: ["a\u0000b", "\ud800"] },
      Results: { Contents: "ELF\u0000\u0000" },
    };
    const r = await call("ai_trajectory_log", JSON.stringify({ AgentName: `${client}\u0000`, JobID: jobId, Span: span }));
    expect(r.status, r.text).toBe(200);
    const stored = await db().span.findUniqueOrThrow({ where: { jobId_seq: { jobId: jobId!, seq: 0 } } });
    expect(stored).toMatchObject({
      name: "read\ufffdfile",
      args: { ["k\ufffd"]: ["a\ufffdb", "\ufffd"] },
      results: { Contents: "ELF\ufffd\ufffd" },
    });
    expect((await db().job.findUniqueOrThrow({ where: { id: jobId! } })).agentName).toBe(`${client}\ufffd`);
    // In the client name, before the database is asked.
    expect(await call("ai_job_poll", "{}", { client: "a\u0000b" })).toMatchObject({ status: 401, text: "unknown client or wrong key" });
  });

  it("numbers and dates out of range are a 400 naming the field", async () => {
    expect(await call("ai_trajectory_log", log({ Seq: 2 ** 31 }))).toMatchObject({
      status: 400,
      text: expect.stringMatching(/^ai_trajectory_log: Span\.Seq: Too big/),
    });
    expect(await call("ai_trajectory_log", log({ OutputTokens: 1e20 }))).toMatchObject({
      status: 400,
      text: expect.stringMatching(/^ai_trajectory_log: Span\.OutputTokens: Too big/),
    });
    expect(await call("ai_trajectory_log", log({}).replace('"Seq":3', '"Seq":1e400'))).toMatchObject({
      status: 400,
      text: expect.stringMatching(/^ai_trajectory_log: Span\.Seq: /),
    });
    expect(await call("ai_trajectory_log", log({ Finished: "10000-01-01T00:00:00Z" }))).toMatchObject({
      status: 400,
      text: expect.stringMatching(/^ai_trajectory_log: Span\.Finished: not an RFC 3339 timestamp/),
    });
  });

  it("a payload sent before client and key is refused unread (Go's client sends them first)", async () => {
    const form = new FormData();
    form.append("payload", new Blob([new Uint8Array(gzipSync("{}"))]));
    form.append("client", client);
    form.append("key", key);
    form.append("method", "ai_job_poll");
    const res = await POST(new Request("http://test/api", { method: "POST", body: form, headers: { host: "127.0.0.1" } }), {
      params: Promise.resolve({}),
    });
    expect({ status: res.status, text: await res.text() }).toEqual({
      status: 400,
      text: `fields "client" and "key" must come before "payload", in the order Go's client sends them`,
    });
  });

  it("duplicate and over-long multipart fields are refused", async () => {
    const form = new FormData();
    for (const [k, v] of [
      ["client", client],
      ["key", key],
      ["method", "ai_job_poll"],
      ["method", "ai_job_done"],
    ])
      form.append(k!, v!);
    const dup = await POST(new Request("http://test/api", { method: "POST", body: form, headers: { host: "127.0.0.1" } }), {
      params: Promise.resolve({}),
    });
    // (the platform's FormData encoding: any well-formed multipart body is read, not only Go's)
    expect({ status: dup.status, text: await dup.text() }).toEqual({ status: 400, text: 'field "method" is sent more than once' });
    expect(await call("m".repeat(AGENT_MAX_FIELD_CHARS + 1), null)).toMatchObject({
      status: 400,
      text: `field "method" is ${AGENT_MAX_FIELD_CHARS + 1} characters, the limit is ${AGENT_MAX_FIELD_CHARS}`,
    });
  });

  it("truncated gzip and a gzip bomb are refused", async () => {
    const full = gzipSync(log({}));
    expect(await call("ai_trajectory_log", full.subarray(0, full.length - 4))).toMatchObject({
      status: 400,
      text: expect.stringMatching(/payload is not valid gzip/),
    });
    const bomb = gzipSync(Buffer.alloc(AGENT_MAX_PAYLOAD_BYTES + 1024 * 1024, 0x20));
    expect(await call("ai_trajectory_log", bomb)).toMatchObject({
      status: 413,
      text: `payload decompresses to more than the limit of ${formatBytes(AGENT_MAX_PAYLOAD_BYTES)}`,
    });
  });
});
