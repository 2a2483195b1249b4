// Quotas (issue 21, finding 9) on a real PostgreSQL: pending reruns per user and in all, experiments per day, spend
// budgets, each refused with its figures and writing nothing; and a poll that reads the queue's index, not the queue.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { startExperiment } from "@/lib/experiments/start";
import { rerunJob } from "@/lib/runs/rerun";
import { NEXT_PENDING_JOB, pollJob } from "@/lib/agents/methods";
import { HttpError } from "@/lib/http/errors";
import { at, saveRun, uniqueWorkflow } from "../history/seed";

afterAll(disconnectDb);

let user: { id: string; label: string };
beforeEach(async () => {
  // A user of its own per test: the quotas count what this user did.
  const id = `quota-${randomUUID().slice(0, 8)}`;
  await db().user.create({ data: { id, name: id, email: `${id}@example.org`, role: "operator" } });
  user = { id, label: `${id}@example.org` };
});

const ENV = ["RERUN_MAX_PENDING_PER_USER", "RERUN_MAX_PENDING", "EXPERIMENTS_PER_DAY_PER_USER", "EXPERIMENT_BUDGET_USD"];
afterEach(() => {
  for (const k of ENV) delete process.env[k];
});

async function refusal(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HttpError);
  return { status: (e as HttpError).status, message: (e as HttpError).message };
}

const replay = { kind: "builtin", value: "replay" } as const;

describe("quotas", () => {
  it("pending reruns per user: an experiment past the cap is refused with the figures and queues nothing; so is the Rerun button", async () => {
    const wf = uniqueWorkflow("quota-user");
    const runs = await Promise.all([1, 2, 3, 4, 5].map((d) => saveRun(wf, `r${d}`, at(d))));
    process.env.RERUN_MAX_PENDING_PER_USER = "3";
    const over = await refusal(
      startExperiment(db(), { selection: { ids: runs.slice(0, 4).map((r) => r.id) }, setup: replay, name: "too many" }, user),
    );
    expect(over).toEqual({
      status: 429,
      message:
        "0 reruns of yours are waiting already; 4 more would pass your limit of 3 waiting at once (RERUN_MAX_PENDING_PER_USER): try again when some have run",
    });
    expect(await db().job.count({ where: { workflow: wf, status: "pending" } })).toBe(0);
    const started = await startExperiment(
      db(),
      { selection: { ids: runs.slice(0, 3).map((r) => r.id) }, setup: replay, name: "fits" },
      user,
    );
    expect(started.runs).toBe(3);
    expect(await db().job.count({ where: { workflow: wf, status: "pending", requestedById: user.id } })).toBe(3);
    expect((await refusal(rerunJob(db(), runs[4]!.id, user))).status).toBe(429);
    // Other users are not held by this one's quota.
    const other = await rerunJob(db(), runs[4]!.id, { id: null, label: "command line" });
    expect(other.created).toBe(true);
  });

  it("pending reruns in all: refused past RERUN_MAX_PENDING whoever asks", async () => {
    const wf = uniqueWorkflow("quota-all");
    const runs = await Promise.all([1, 2].map((d) => saveRun(wf, `a${d}`, at(d))));
    const waiting = Number(
      (await pool().query(`SELECT count(*) AS n FROM jobs WHERE status = 'pending' AND rerun_of_id IS NOT NULL`)).rows[0].n,
    );
    process.env.RERUN_MAX_PENDING = String(waiting + 1);
    const r = await refusal(startExperiment(db(), { selection: { ids: runs.map((x) => x.id) }, setup: replay, name: "all" }, user));
    expect(r.status).toBe(429);
    expect(r.message).toMatch(
      /^[\d,]+ reruns are waiting already; 2 more would pass the limit of [\d,]+ waiting at once \(RERUN_MAX_PENDING\)/,
    );
  });

  it("experiments per day per user, and the spend budget per experiment", async () => {
    const wf = uniqueWorkflow("quota-day");
    const runs = await Promise.all([1, 2, 3, 4].map((d) => saveRun(wf, `d${d}`, at(d))));
    process.env.EXPERIMENTS_PER_DAY_PER_USER = "2";
    for (const r of runs.slice(0, 2)) await startExperiment(db(), { selection: { ids: [r.id] }, setup: replay, name: "ok" }, user);
    const third = await refusal(startExperiment(db(), { selection: { ids: [runs[2]!.id] }, setup: replay, name: "third" }, user));
    expect(third.status).toBe(429);
    expect(third.message).toMatch(
      /^you started 2 experiments in the last 24 hours, the limit is 2 \(EXPERIMENTS_PER_DAY_PER_USER\): the next may start in \d+ minutes$/,
    );
    delete process.env.EXPERIMENTS_PER_DAY_PER_USER;
    // The originals spent tokens: a label setup is estimated at their cost (or cannot be), over a budget of a millionth of a dollar.
    process.env.EXPERIMENT_BUDGET_USD = "0.000001";
    const budget = await refusal(
      startExperiment(db(), { selection: { ids: [runs[3]!.id] }, setup: { kind: "label", value: "v2" }, name: "dear" }, user),
    );
    expect(budget.status).toBe(400);
    expect(budget.message).toMatch(
      /(is estimated at \$[\d.]+, over the budget of \$0\.00 per experiment|cannot be estimated).*\(EXPERIMENT_BUDGET_USD\)/,
    );
    expect(await db().job.count({ where: { rerunOfId: runs[3]!.id } })).toBe(0);
  });
});

describe("the poll reads the index, not the queue", () => {
  it("with 20,000 experiment reruns waiting, a poll reads a handful of rows and still takes an ordinary job first", async () => {
    const wf = uniqueWorkflow("poll-queue");
    const original = await saveRun(wf, "orig", at(1));
    const exp = randomUUID();
    await pool().query(
      `INSERT INTO experiments (id, name, note, setup, setup_kind, selection, run_count, created_by_label) VALUES ($1, 'q', '', 'replay', 'builtin', '{}', 20000, 't')`,
      [exp],
    );
    await pool().query(
      `INSERT INTO jobs (id, workflow, workflow_type, description, link, rerun_of_id, experiment_id, source, created_at)
       SELECT gen_random_uuid(), $1, 'patch-triage', '', '', $2, $3, 'rerun', now() - interval '1 hour' + g * interval '1 millisecond'
       FROM generate_series(1, 20000) g`,
      [wf, original.id, exp],
    );
    const ordinary = (
      await pool().query(
        `INSERT INTO jobs (id, workflow, workflow_type, description, link, source) VALUES (gen_random_uuid(), $1, 'patch-triage', '', '', 'agent') RETURNING id::text`,
        [wf],
      )
    ).rows[0].id as string;
    await pool().query(`ANALYZE jobs`);
    const plan = async (workflows = [wf]) => {
      const { rows } = await pool().query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${NEXT_PENDING_JOB}`, [workflows]);
      const nodes: { "Actual Rows"?: number; "Rows Removed by Filter"?: number; "Node Type": string; Plans?: unknown[] }[] = [];
      const walk = (n: (typeof nodes)[number]) => {
        nodes.push(n);
        for (const c of n.Plans ?? []) walk(c as (typeof nodes)[number]);
      };
      walk(rows[0]["QUERY PLAN"][0].Plan);
      // Rows any node produced or threw away: what the poll read.
      return nodes.reduce((sum, n) => sum + (n["Actual Rows"] ?? 0) + (n["Rows Removed by Filter"] ?? 0), 0);
    };
    expect(await plan()).toBeLessThan(100);
    // An agent offering other workflows reads none of this queue.
    expect(await plan([uniqueWorkflow("other"), uniqueWorkflow("other")])).toBeLessThan(10);
    const first = await pollJob("poll-queue", { AgentName: "a", CodeRevision: "r", Workflows: [{ Type: wf, Name: wf }] });
    expect(first.ID).toBe(ordinary);
    // Only reruns are left: the oldest comes next, again from the index.
    expect(await plan()).toBeLessThan(100);
    const next = await pollJob("poll-queue", { AgentName: "b", CodeRevision: "r", Workflows: [{ Type: wf, Name: wf }] });
    const oldest = (await pool().query(`SELECT id::text FROM jobs WHERE experiment_id = $1 ORDER BY created_at LIMIT 1`, [exp])).rows[0].id;
    expect(next.ID).toBe(oldest);
    // Out of every other test's way: the queue is the whole database's.
    await pool().query(`DELETE FROM jobs WHERE experiment_id = $1`, [exp]);
  }, 180_000);
});
