// Group commit (lib/ingest/span-batch.ts) on a real PostgreSQL: spans of concurrent requests share one statement, and
// each request still gets its own answer — refused for another client's job, stored for its own, failed only for its
// own bad span — with the one-span rules (late start copies, duplicates) kept inside a batch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { disconnectDb } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { encodeCall } from "@/lib/agents/client";
import { queueJobs } from "@/lib/load/queue";
import { batchStats, SpanBatcher, storeSpans, type SpanWrite } from "@/lib/ingest/span-batch";
import type { Span } from "@/lib/trajectory/span";
import { POST } from "@/app/api/route";
import { newClient, type Creds } from "./agent-clients";

afterAll(disconnectDb);

let a: Creds;
let b: Creds;
beforeAll(async () => {
  [a, b] = [await newClient("batch-a"), await newClient("batch-b")];
});

async function call(creds: Creds, method: string, payload: unknown) {
  const { body, contentType } = encodeCall({ ...creds, method, payload });
  const res = await POST(
    new Request("http://test/api", {
      method: "POST",
      body: new Uint8Array(body),
      headers: { "content-type": contentType, host: "127.0.0.1" },
      duplex: "half",
    } as RequestInit),
    { params: Promise.resolve({}) },
  );
  return { status: res.status, text: await res.text() };
}

/** Queues a job and has `creds` poll it: the job now belongs to that client. */
async function jobOf(creds: Creds): Promise<string> {
  const w = `batch-${randomUUID().slice(0, 8)}`;
  const [id] = await queueJobs(pool(), w, 1);
  const r = await call(creds, "ai_job_poll", { AgentName: "pod", Workflows: [{ Type: w, Name: w }] });
  expect(JSON.parse(r.text).ID).toBe(id);
  return id!;
}

const span = (seq: number, extra: Partial<Span> = {}): Span =>
  ({ Seq: seq, Nesting: 1, Type: "tool", Name: `step-${seq}`, Started: "2026-12-07T08:00:00.000001Z", ...extra }) as Span;
const log = (creds: Creds, jobId: string, s: Span) => call(creds, "ai_trajectory_log", { AgentName: "pod", JobID: jobId, Span: s });
const stored = async (jobId: string) =>
  (await pool().query(`SELECT seq, name, finished_at IS NOT NULL AS finished FROM spans WHERE job_id = $1 ORDER BY seq`, [jobId])).rows;

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Holds the batcher's statements: each blocker job's row is locked in an open transaction, so a span logged for it
 * waits in its statement (the heartbeat's UPDATE) until release() — meanwhile other spans gather in the queue.
 */
async function holdRows(jobIds: string[]): Promise<{ release(): Promise<void> }> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query("BEGIN");
  await c.query(`SELECT 1 FROM jobs WHERE id = ANY($1::uuid[]) FOR UPDATE`, [jobIds]);
  return { release: async () => (await c.query("ROLLBACK"), await c.end()) };
}

describe("group commit", () => {
  it("two concurrent requests share one batch: the span for another client's job is refused (403), the other stored and acknowledged", async () => {
    // Both lanes of the process's batcher are held by a blocker span each, so the two requests gather in the queue.
    const blockers = [await jobOf(a), await jobOf(a)];
    const jobA = await jobOf(a);
    const jobB = await jobOf(b);
    const hold = await holdRows(blockers);
    const blocked = blockers.map((id) => log(a, id, span(0, { Type: "flow", Nesting: 0 })));
    await until("both blocker statements to be in flight", () => batchStats().batches >= 2 && batchStats().queued === 0);
    const before = batchStats();
    // Client b sends one span for its own job and one for a's job, at the same time.
    const own = log(b, jobB, span(3, { Finished: "2026-12-07T08:00:01Z" }));
    const foreign = log(b, jobA, span(4, { Finished: "2026-12-07T08:00:01Z" }));
    await until("both requests to be queued", () => batchStats().queued === 2);
    await hold.release();
    const [ownR, foreignR] = await Promise.all([own, foreign]);
    for (const r of await Promise.all(blocked)) expect(r.status, r.text).toBe(200);
    // The blockers' two statements, then one statement with both requests' spans.
    expect(batchStats().batches - before.batches).toBe(1);
    expect(batchStats().spans - before.spans).toBe(2);
    expect(foreignR).toEqual({ status: 403, text: `job ${jobA} was polled by another agent client` });
    expect(ownR.status, ownR.text).toBe(200);
    expect(await stored(jobB)).toEqual([{ seq: 3, name: "step-3", finished: true }]);
    expect(await stored(jobA)).toEqual([]);
  });

  it("within one statement copies of a span fold as if sent in order: a late start copy never overwrites a finished one", async () => {
    const id = await jobOf(a);
    const w = (s: Span): SpanWrite => ({ client: a.client, agentName: "pod", jobId: id, span: s });
    const finished = { Finished: "2026-12-07T08:00:02Z" };
    const results = await storeSpans([
      w(span(1)),
      w(span(1, { ...finished, Name: "first-finished" })),
      w(span(1, { Name: "late-start" })),
      w(span(2, { ...finished, Name: "a" })),
      w(span(2, { ...finished, Name: "b" })),
      w(span(3, { Name: "only-started" })),
      w(span(3, { Name: "started-again" })),
      { ...w(span(4)), client: b.client },
    ]);
    expect(results).toEqual([null, null, null, null, null, null, null, { kind: "not-owner" }]);
    expect(await stored(id)).toEqual([
      { seq: 1, name: "first-finished", finished: true },
      { seq: 2, name: "b", finished: true },
      { seq: 3, name: "started-again", finished: false },
    ]);
    // A start copy in a later batch does not overwrite the finished span either.
    expect(await storeSpans([w(span(2, { Name: "later" })), w(span(5))])).toEqual([null, null]);
    expect((await stored(id)).find((r) => r.seq === 2)).toEqual({ seq: 2, name: "b", finished: true });
  });

  it("a span the database refuses fails only its own request; the batch's other spans are stored", async () => {
    const [good, blocker] = [await jobOf(a), await jobOf(a)];
    const batcher = new SpanBatcher({ maxSpans: 200, waitMs: 1, inFlight: 1 });
    const w = (jobId: string, s: Span): SpanWrite => ({ client: a.client, agentName: "pod", jobId, span: s });
    const hold = await holdRows([blocker]);
    const first = batcher.submit([w(blocker, span(0))]);
    const ok = batcher.submit([w(good, span(1))]);
    // More tokens than the column holds (int4): PostgreSQL refuses the whole statement.
    const bad = batcher.submit([w(good, span(2, { InputTokens: 3_000_000_000 }))]);
    await until("both to be queued", () => batcher.queuedSpans === 2);
    await hold.release();
    expect(await first).toEqual([null]);
    expect(await ok).toEqual([null]);
    await expect(bad).rejects.toThrow(/out of range/);
    expect(batcher.stats).toEqual({ spans: 3, batches: 2 });
    expect(await stored(good)).toEqual([{ seq: 1, name: "step-1", finished: false }]);
  });
});
