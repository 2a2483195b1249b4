// The agent protocol as upstream's Go client speaks it, through the real request handler on a real PostgreSQL:
// byte-exact bodies, identity by key, upstream's abort rules, error truncation, authentication before the payload.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { db, disconnectDb } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { encodeCall, goJson, randomBoundary } from "@/lib/agents/client";
import { INACTIVE, RESTARTED } from "@/lib/agents/abort";
import { appEnvSchema, parseEnv } from "@/lib/config";
import { queueJobs } from "@/lib/load/queue";
import { getTrajectory } from "@/lib/runs/export";
import { AGENT_JOB_ERROR_KEEP_BYTES } from "@/lib/limits";
import { POST } from "@/app/api/route";
import { newClient, type Creds } from "./agent-clients";

afterAll(disconnectDb);

let a: Creds;
let b: Creds;
beforeAll(async () => {
  [a, b] = [await newClient("proto-a"), await newClient("proto-b")];
});

async function send(body: BodyInit, contentType: string) {
  const res = await POST(
    // A real request always names its Host, which route() checks for this route (proxy.ts skips it).
    new Request("http://test/api", {
      method: "POST",
      body,
      headers: { "content-type": contentType, host: "127.0.0.1" },
      duplex: "half",
    } as RequestInit),
    {
      params: Promise.resolve({}),
    },
  );
  return { status: res.status, text: await res.text() };
}

/** One call with the bytes Go's dashapi client sends (plain form fields, gzip of compact JSON + "\n"). */
function call(creds: Creds, method: string, payload: unknown) {
  const { body, contentType } = encodeCall({ ...creds, method, payload });
  return send(new Uint8Array(body), contentType);
}

const poll = async (creds: Creds, agentName: string, workflow: string) => {
  const r = await call(creds, "ai_job_poll", {
    AgentName: agentName,
    CodeRevision: "1e72964b01",
    Workflows: [{ Type: workflow, Name: workflow }],
  });
  expect(r.status, r.text).toBe(200);
  return JSON.parse(r.text) as { ID: string; Workflow: string; Args: unknown };
};
const log = (creds: Creds, agentName: string, jobId: string, span: unknown) =>
  call(creds, "ai_trajectory_log", { AgentName: agentName, JobID: jobId, Span: span });
const done = (creds: Creds, jobId: string, results: unknown, error = "") =>
  call(creds, "ai_job_done", { ID: jobId, Error: error, Results: results });
const job = async (id: string) => (await pool().query(`SELECT * FROM jobs WHERE id = $1`, [id])).rows[0];
const workflow = () => `proto-${randomUUID().slice(0, 8)}`;

describe("the Go client's bytes (dashboard/dashapi/dashapi.go queryImpl)", () => {
  it("encodes fields client, key, method, payload as plain form fields with CRLF and a 60-hex boundary", () => {
    const boundary = randomBoundary();
    expect(boundary).toMatch(/^[0-9a-f]{60}$/);
    const req = { AgentName: "syz-agent-7c9f", CodeRevision: "1e72964b01", Workflows: [{ Type: "patching", Name: "patching" }] };
    const { body, contentType } = encodeCall({ client: "agent", key: "secret", method: "ai_job_poll", payload: req }, boundary);
    expect(contentType).toBe(`multipart/form-data; boundary=${boundary}`);
    const head = (name: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`;
    const prefix = `${head("client")}agent\r\n${head("key")}secret\r\n${head("method")}ai_job_poll\r\n${head("payload")}`;
    const suffix = `\r\n--${boundary}--\r\n`;
    expect(body.subarray(0, prefix.length).toString("latin1")).toBe(prefix);
    expect(body.subarray(body.length - suffix.length).toString("latin1")).toBe(suffix);
    const gz = body.subarray(prefix.length, body.length - suffix.length);
    expect([gz[0], gz[1], gz[2]]).toEqual([0x1f, 0x8b, 0x08]);
    expect(gunzipSync(gz).toString("utf8")).toBe(
      `{"AgentName":"syz-agent-7c9f","CodeRevision":"1e72964b01","Workflows":[{"Type":"patching","Name":"patching"}]}\n`,
    );
    // No payload part at all when Go's req is nil.
    expect(encodeCall({ client: "c", key: "k", method: "m" }, boundary).body.toString("latin1")).toBe(
      `${head("client")}c\r\n${head("key")}k\r\n${head("method")}m\r\n--${boundary}--\r\n`,
    );
  });

  it("escapes as encoding/json does: <, >, &, U+2028, U+2029, \\b and \\f", () => {
    expect(goJson({ s: "<a href='x'>&</a>\u2028\u2029\b\f\\b\n" })).toBe(
      `{"s":"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\\u2028\\u2029\\u0008\\u000c\\\\b\\n"}\n`,
    );
  });

  it("a payload sent as a plain field (Go) or as a file part (browsers, curl -F) is read as bytes", async () => {
    const w = workflow();
    const [first, second] = await queueJobs(pool(), w, 2);
    expect((await poll(a, "pod-1", w)).ID).toBe(first);
    // A file part: payload with a filename and its own Content-Type.
    const form = new FormData();
    for (const [k, v] of Object.entries({ client: b.client, key: b.key, method: "ai_job_poll" })) form.append(k, v);
    form.append(
      "payload",
      new Blob([new Uint8Array(gzipSync(JSON.stringify({ AgentName: "pod-2", Workflows: [{ Type: w, Name: w }] })))]),
      "payload",
    );
    const req = new Request("http://x", { method: "POST", body: form });
    const r = await send(await req.arrayBuffer(), req.headers.get("content-type")!);
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text).ID).toBe(second);
  });
});

describe("identity by key", () => {
  it("a job's spans and done come from the client that polled it, under any AgentName; the run holds what was sent", async () => {
    const w = workflow();
    const [id] = await queueJobs(pool(), w, 1);
    expect(await poll(a, "pod-7c9f", w)).toEqual({ ID: id, Workflow: w, Args: { KernelSrc: "/src/linux", TargetArch: "amd64" } });
    const started = "2026-11-25T10:00:00.123456Z";
    // syz-agent logs under its dashboard client name; its start copy has no Model; Go < 1.24 writes every zero field.
    const flowStart = { Seq: 0, Nesting: 0, Type: "flow", Name: w, Started: started };
    const llmStartGo123 = {
      Seq: 1,
      Nesting: 1,
      Type: "llm",
      Name: "evaluator",
      Model: "",
      Started: "2026-11-25T10:00:01Z",
      Finished: "0001-01-01T00:00:00Z",
      Error: "",
      Args: null,
      Results: null,
      InputTokens: 0,
    };
    const llmDone = {
      Seq: 1,
      Nesting: 1,
      Type: "llm",
      Name: "evaluator",
      Model: "gemini-3.1-pro",
      Started: "2026-11-25T10:00:01Z",
      Finished: "2026-11-25T10:00:02.5Z",
      Thoughts: "<b>",
      InputTokens: 10,
    };
    const flowDone = { ...flowStart, Finished: "2026-11-25T10:00:03Z", Results: { WorthFuzzing: false, Reasoning: "no" } };
    for (const span of [flowStart, llmStartGo123, llmDone, llmStartGo123 /* late start copy */, flowDone]) {
      const r = await log(a, "agent", id!, span);
      expect(r.status, r.text).toBe(200);
    }
    expect(await log(b, "agent", id!, flowStart)).toEqual({ status: 403, text: `job ${id} was polled by another agent client` });
    expect((await done(b, id!, null, "hijack")).status).toBe(403);
    expect((await job(id!)).status).toBe("running");
    expect((await done(a, id!, { WorthFuzzing: false, Reasoning: "no" })).status).toBe(200);
    expect(await job(id!)).toMatchObject({
      status: "finished",
      agent_name: "pod-7c9f",
      agent_client: a.client,
      span_agent_name: "agent",
      llm_calls: 1,
      input_tokens: "10",
    });
    expect(JSON.parse((await getTrajectory(db(), id!))!)).toEqual([
      { ...flowDone, Started: started },
      { ...llmDone, Thoughts: "<b>" },
    ]);
  });

  it("unknown client and wrong key get the same answer", async () => {
    expect(await call({ client: a.client, key: "wrong" }, "ai_job_poll", {})).toEqual({ status: 401, text: "unknown client or wrong key" });
    expect(await call({ client: "nobody-at-all", key: "wrong" }, "ai_job_poll", {})).toEqual({
      status: 401,
      text: "unknown client or wrong key",
    });
  });
});

describe("upstream's abort rules", () => {
  it("an agent that polls again while it holds a job restarted: the job is aborted and a clone handed to it at once", async () => {
    const w = workflow();
    const [id] = await queueJobs(pool(), w, 1);
    expect((await poll(a, "pod-r", w)).ID).toBe(id);
    const clone = await poll(a, "pod-r", w);
    expect(clone.ID).not.toBe(id);
    expect(clone.ID).not.toBe("");
    expect(await job(id!)).toMatchObject({ status: "aborted", error: RESTARTED });
    expect(await job(clone.ID)).toMatchObject({ status: "running", rerun_of_id: id, agent_client: a.client, agent_name: "pod-r" });
    const late = await log(a, "agent", id!, { Seq: 0, Nesting: 0, Type: "flow", Name: w, Started: "2026-11-25T10:00:00Z" });
    expect(late.status).toBe(409);
    expect(late.text).toContain(RESTARTED);
    expect((await done(a, id!, null)).status).toBe(409);
    // Another client polling under the same AgentName aborts nothing of this client's.
    await poll(b, "pod-r", w);
    expect((await job(clone.ID)).status).toBe("running");
  });

  it("a job silent past AGENT_SILENT_TIMEOUT_SECONDS (8 hours by default) is aborted and a clone queued", async () => {
    expect(parseEnv(appEnvSchema, {}).AGENT_SILENT_TIMEOUT_SECONDS).toBe(28_800);
    const w = workflow();
    const [id] = await queueJobs(pool(), w, 1);
    expect((await poll(a, "pod-s", w)).ID).toBe(id);
    await pool().query(`UPDATE jobs SET last_seen_at = now() - interval '7 hours' WHERE id = $1`, [id]);
    expect((await poll(b, "pod-other", w)).ID).toBe("");
    await pool().query(`UPDATE jobs SET last_seen_at = now() - interval '9 hours' WHERE id = $1`, [id]);
    const taken = await poll(b, "pod-other", w);
    expect(await job(id!)).toMatchObject({ status: "aborted", error: INACTIVE });
    expect(await job(taken.ID)).toMatchObject({ rerun_of_id: id, status: "running", agent_client: b.client });
  });
});

describe("ai_job_done and late spans", () => {
  it("an Error over 1 MiB is kept truncated as upstream does, and marked", async () => {
    const w = workflow();
    const [id] = await queueJobs(pool(), w, 1);
    await poll(a, "pod-e", w);
    const long = "é".repeat(AGENT_JOB_ERROR_KEEP_BYTES); // 2 MiB of UTF-8
    expect((await done(a, id!, null, long)).status).toBe(200);
    const row = await job(id!);
    expect(row).toMatchObject({ status: "failed", error_truncated: true });
    expect(row.error.endsWith("\n... [truncated]")).toBe(true);
    expect(Buffer.byteLength(row.error)).toBe(AGENT_JOB_ERROR_KEEP_BYTES + "\n... [truncated]".length);
  });

  it("finish copies racing done are taken for the grace period, then refused", async () => {
    const w = workflow();
    const [id] = await queueJobs(pool(), w, 1);
    await poll(a, "pod-g", w);
    expect((await done(a, id!, { WorthFuzzing: true })).status).toBe(200);
    const span = { Seq: 0, Nesting: 0, Type: "flow", Name: w, Started: "2026-11-25T10:00:00Z", Finished: "2026-11-25T10:00:09Z" };
    expect((await log(a, "agent", id!, span)).status).toBe(200);
    expect((await job(id!)).span_count).toBe(1);
    await pool().query(`UPDATE jobs SET finished_at = now() - interval '2 minutes' WHERE id = $1`, [id]);
    expect((await log(a, "agent", id!, { ...span, Seq: 1, Nesting: 1 })).status).toBe(409);
  });
});

describe("authentication comes first", () => {
  it("a wrong key is answered 401 before the payload part is read: the body is still open and nothing was inflated", async () => {
    const boundary = randomBoundary();
    const head = (name: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`;
    // An anonymous gzip bomb: 64 MB of zeros; the stream sends its first bytes and then never ends.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(
          Buffer.from(
            `${head("client")}${a.client}\r\n${head("key")}not-the-key\r\n${head("method")}ai_trajectory_log\r\n${head("payload")}`,
          ),
        );
        c.enqueue(new Uint8Array(bomb.subarray(0, 1024)));
      },
      pull() {
        pulls++;
        return new Promise(() => {}); // the rest never comes
      },
    });
    const r = await Promise.race([
      send(stream, `multipart/form-data; boundary=${boundary}`),
      new Promise((res) => setTimeout(() => res("no answer"), 10_000)),
    ]);
    expect(r).toEqual({ status: 401, text: "unknown client or wrong key" });
    expect(pulls).toBeLessThanOrEqual(1);
  });
});
