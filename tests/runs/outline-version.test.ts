// A run's spans' version (span_versions, kept by the spans' statement triggers) on a real PostgreSQL: it moves on every
// change a reader's outline shows and on nothing else, and the outline kept for a run (lib/runs/outline-cache.ts) is
// reused while it holds, rebuilt when it moves, and given as is to a reader whose view of the run is older.
import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { ageOutlines, forgetOutlines, getOutlineBytes, getOutlineJson, runVersion } from "@/lib/runs/outline-cache";
import { logSpans } from "@/lib/ingest/span-batch";
import { decodeOutline } from "@/lib/trajectory/outline";
import type { Span } from "@/lib/trajectory/span";

afterAll(disconnectDb);

const CLIENT = "outline-version-test";
let id = "";

/** A running job owned by CLIENT with spans 0..2 (1 unfinished), written as an agent writes them. */
async function liveRun(): Promise<string> {
  const jobId = randomUUID();
  await db().job.create({
    data: { id: jobId, workflow: "patch-triage", status: "running", agentName: "a", agentClient: CLIENT, source: "agent" },
  });
  const t = (s: number) => `2026-03-02T10:00:0${s}Z`;
  await log(jobId, [
    { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: t(0) },
    { Seq: 1, Nesting: 1, Type: "llm", Name: "evaluator", Model: "m1", Started: t(1) },
    { Seq: 2, Nesting: 1, Type: "tool", Name: "codesearch", Started: t(2), Finished: t(3) },
  ]);
  return jobId;
}

/** Logs `spans` into `jobId` as its agent does (lib/ingest/span-batch.ts, the agent protocol's and OTLP's write path). */
async function log(jobId: string, spans: Span[]): Promise<void> {
  const refused = await logSpans(spans.map((span) => ({ client: CLIENT, agentName: "a", jobId, span })));
  expect(refused.filter(Boolean)).toEqual([]);
}

const version = async (run = id, on: Db = db()) => (await runVersion(on, run))!.version;

/** Runs `change` and says by how much the run's version moved (0: not at all). */
async function moves(change: () => Promise<unknown>): Promise<bigint> {
  const before = await version();
  await change();
  return (await version()) - before;
}

const exec = (sql: Prisma.Sql) => db().$executeRaw(sql);

beforeEach(async () => {
  forgetOutlines();
  id = await liveRun();
});

describe("a run's spans' version", () => {
  it("is set by the write path and grows on every change the outline shows", async () => {
    expect(await version()).toBeGreaterThan(0n);
    const where = (seq: number) => Prisma.sql`job_id = ${id}::uuid AND seq = ${seq}`;
    // Added (the agent's path), finished (an upsert of the same seq), replaced, renumbered, re-nested, renamed, ….
    expect(await moves(() => log(id, [{ Seq: 3, Nesting: 1, Type: "tool", Name: "t", Started: "2026-03-02T10:00:04Z" }]))).toBeGreaterThan(
      0n,
    );
    expect(
      await moves(() =>
        log(id, [
          {
            Seq: 1,
            Nesting: 1,
            Type: "llm",
            Name: "evaluator",
            Model: "m1",
            Started: "2026-03-02T10:00:01Z",
            Finished: "2026-03-02T10:00:05Z",
          },
        ]),
      ),
    ).toBeGreaterThan(0n);
    expect(await moves(() => exec(Prisma.sql`UPDATE spans SET seq = 7 WHERE ${where(3)}`))).toBeGreaterThan(0n);
    expect(await moves(() => exec(Prisma.sql`UPDATE spans SET nesting = 2 WHERE ${where(7)}`))).toBeGreaterThan(0n);
    expect(await moves(() => exec(Prisma.sql`UPDATE spans SET name = 'renamed' WHERE ${where(2)}`))).toBeGreaterThan(0n);
    expect(await moves(() => exec(Prisma.sql`UPDATE spans SET model = 'm2' WHERE ${where(1)}`))).toBeGreaterThan(0n);
    expect(await moves(() => exec(Prisma.sql`UPDATE spans SET error = 'boom' WHERE ${where(2)}`))).toBeGreaterThan(0n);
    expect(await moves(() => exec(Prisma.sql`UPDATE spans SET summary = 'did x' WHERE ${where(2)}`))).toBeGreaterThan(0n);
    expect(await moves(() => exec(Prisma.sql`DELETE FROM spans WHERE ${where(7)}`))).toBeGreaterThan(0n);
    // A whole replace (delete and insert in one transaction, as lib/ingest/replace-run.ts does) moves it too.
    expect(
      await moves(() =>
        db().$transaction([
          db().$executeRaw`DELETE FROM spans WHERE job_id = ${id}::uuid`,
          db().$executeRaw`INSERT INTO spans (job_id, seq, nesting, type, name, started_at)
            VALUES (${id}::uuid, 0, 0, 'flow', 'patch-triage', timestamptz '2026-03-02T10:00:00Z')`,
        ]),
      ),
    ).toBeGreaterThan(0n);
  });

  it("stays the same on reads, on the job row's own writes, and on another run's spans", async () => {
    const other = await liveRun();
    expect(await moves(() => getOutlineBytes(db(), id))).toBe(0n);
    expect(await moves(() => exec(Prisma.sql`UPDATE jobs SET last_seen_at = now(), status = 'finished' WHERE id = ${id}::uuid`))).toBe(0n);
    expect(await moves(() => exec(Prisma.sql`UPDATE spans SET name = 'x' WHERE job_id = ${other}::uuid`))).toBe(0n);
    // A statement that touches no span of the run is no change of it.
    expect(await moves(() => exec(Prisma.sql`UPDATE spans SET name = 'x' WHERE job_id = ${id}::uuid AND seq = 99`))).toBe(0n);
  });

  it("is 0 for a run no span was written to, and null for no run", async () => {
    const empty = randomUUID();
    await db().job.create({ data: { id: empty, workflow: "patch-triage", status: "running", agentName: "a", source: "agent" } });
    expect(await version(empty)).toBe(0n);
    expect(await runVersion(db(), randomUUID())).toBeNull();
    expect(await runVersion(db(), "not-a-uuid")).toBeNull();
  });
});

describe("the outline kept for a run", () => {
  it("is reused while the version holds and rebuilt when it moves", async () => {
    const first = await getOutlineBytes(db(), id);
    expect((await getOutlineBytes(db(), id)) === first).toBe(true);
    // Writes that are not the spans' keep it.
    await exec(Prisma.sql`UPDATE jobs SET last_seen_at = now() WHERE id = ${id}::uuid`);
    expect((await getOutlineBytes(db(), id)) === first).toBe(true);
    await exec(Prisma.sql`UPDATE spans SET summary = 'did y' WHERE job_id = ${id}::uuid AND seq = 2`);
    // A live run's kept outline is served for ten times its build after a change (getOutlineBytes): past that.
    ageOutlines(3_600_000);
    const second = await getOutlineBytes(db(), id);
    expect(second === first).toBe(false);
    const o = decodeOutline(JSON.parse((await getOutlineJson(db(), id))!));
    expect(o.summaries.get(2)).toBe("did y");
    expect((await getOutlineBytes(db(), id)) === second).toBe(true);
  });

  it("is given as is to a reader whose view of the run is older (a replica that lags), and not rebuilt", async () => {
    // A snapshot taken before the change plays the lagging replica: its version is older than the kept outline's.
    await db().$transaction(
      async (tx) => {
        const lagging = tx as unknown as Db;
        const old = await version(id, lagging);
        await db().$executeRaw`UPDATE spans SET name = 'newer' WHERE job_id = ${id}::uuid AND seq = 2`;
        ageOutlines(3_600_000);
        const newest = await getOutlineBytes(db(), id);
        expect(await version(id, lagging)).toBe(old);
        expect(await version()).toBeGreaterThan(old);
        expect((await getOutlineBytes(lagging, id)) === newest).toBe(true);
        const o = decodeOutline(JSON.parse(new TextDecoder().decode(Buffer.concat(newest!))));
        expect(o.names[o.name[2]!]).toBe("newer");
      },
      { isolationLevel: "RepeatableRead", timeout: 30_000 },
    );
  });

  it("of a run without spans is empty, and rebuilt once a span comes", async () => {
    const empty = randomUUID();
    await db().job.create({
      data: { id: empty, workflow: "patch-triage", status: "running", agentName: "a", agentClient: CLIENT, source: "agent" },
    });
    expect(decodeOutline(JSON.parse((await getOutlineJson(db(), empty))!)).count).toBe(0);
    await log(empty, [{ Seq: 0, Nesting: 0, Type: "flow", Name: "f", Started: "2026-03-02T10:00:00Z" }]);
    ageOutlines(3_600_000);
    expect(decodeOutline(JSON.parse((await getOutlineJson(db(), empty))!)).count).toBe(1);
  });
});
