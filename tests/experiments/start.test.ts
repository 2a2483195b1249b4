// Integration on PostgreSQL: an experiment queues exactly the runs its filter (or ticks) picks, each linked and asking
// for the setup; the cap; operators only; the poll takes ordinary jobs first.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { COMMAND_LINE } from "@/lib/audit/log";
import { previewExperiment, startExperiment } from "@/lib/experiments/start";
import { pollJob } from "@/lib/agents/methods";
import { EXPERIMENT_MAX_RUNS } from "@/lib/limits";
import { POST } from "@/app/api/experiments/route";
import { at, saveRun, uniqueWorkflow } from "../history/seed";

afterAll(disconnectDb);

const operator = { id: null, label: "tester@example.org" };

describe("startExperiment", () => {
  it("queues one rerun per run the filter matches, linked to its original and the experiment, with the setup in its Args", async () => {
    const wf = uniqueWorkflow("exp-filter");
    const yes = await Promise.all([1, 2, 3].map((d) => saveRun(wf, `yes${d}`, at(d), { worthFuzzing: true })));
    const no = await Promise.all([4, 5].map((d) => saveRun(wf, `no${d}`, at(d), { worthFuzzing: false })));
    const running = await saveRun(wf, "running", at(6), { worthFuzzing: true, running: true });
    const selection = { filters: `workflow=${wf}&verdict=yes` };

    const preview = await previewExperiment(db(), { selection, setup: { kind: "builtin", value: "replay" } });
    expect(preview).toMatchObject({
      runs: 3,
      matched: 3,
      notEnded: 0,
      estimate: { basis: { kind: "replay" }, cost: { usd: 0, unpriced: 0 } },
    });

    const started = await startExperiment(
      db(),
      { selection, setup: { kind: "builtin", value: "replay" }, name: "replay check", note: "n" },
      COMMAND_LINE,
    );
    expect(started.runs).toBe(3);
    const reruns = await db().job.findMany({ where: { experimentId: started.id } });
    expect(reruns.map((r) => r.rerunOfId).sort()).toEqual(yes.map((r) => r.id).sort());
    for (const r of reruns) {
      const original = await db().job.findUniqueOrThrow({ where: { id: r.rerunOfId! } });
      expect(r).toMatchObject({ status: "pending", workflow: wf, source: "rerun", description: original.description });
      expect(r.args).toEqual({ ...(original.args as object), AgentSetup: "replay" });
    }
    // The runs left out stay untouched: no verdict "no", nothing running.
    expect(await db().job.count({ where: { rerunOfId: { in: [...no.map((r) => r.id), running.id] } } })).toBe(0);
    const experiment = await db().experiment.findUniqueOrThrow({ where: { id: started.id } });
    expect(experiment).toMatchObject({
      name: "replay check",
      setup: "replay",
      setupKind: "builtin",
      runCount: 3,
      estimateUsd: 0,
      selection: { filters: { workflow: wf, verdict: "yes" }, limit: null },
    });
    const audit = await db().auditEvent.findMany({ where: { action: "experiment", target: started.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ runs: 3, setup: "replay" });
  });

  it("reruns the ticked runs, even when a plain rerun of one is already queued", async () => {
    const wf = uniqueWorkflow("exp-ids");
    const a = await saveRun(wf, "a", at(1));
    const b = await saveRun(wf, "b", at(2));
    await saveRun(wf, "c", at(3));
    const { rerunJob } = await import("@/lib/runs/rerun");
    const plain = await rerunJob(db(), a.id, COMMAND_LINE);
    const started = await startExperiment(
      db(),
      { selection: { ids: [a.id, b.id] }, setup: { kind: "label", value: "prompt-v7" }, name: "ids" },
      operator,
    );
    const reruns = await db().job.findMany({ where: { experimentId: started.id }, orderBy: { rerunOfId: "asc" } });
    expect(reruns.map((r) => r.rerunOfId).sort()).toEqual([a.id, b.id].sort());
    expect(reruns.every((r) => (r.args as Record<string, unknown>).AgentSetup === "prompt-v7")).toBe(true);
    expect(reruns.map((r) => r.id)).not.toContain(plain.id);
    // The Rerun button still finds its own queued rerun, not the experiment's.
    expect(await rerunJob(db(), a.id, COMMAND_LINE)).toEqual({ id: plain.id, created: false });
  });

  it("refuses a bad setup, an empty selection and a bad filter, writing nothing", async () => {
    const wf = uniqueWorkflow("exp-bad");
    await saveRun(wf, "x", at(1));
    const before = await db().experiment.count();
    await expect(
      startExperiment(
        db(),
        { selection: { filters: `workflow=${wf}` }, setup: { kind: "builtin", value: "gemini-2.5-pro" }, name: "x" },
        operator,
      ),
    ).rejects.toThrow(/one of google:<model>/);
    await expect(
      startExperiment(
        db(),
        { selection: { filters: `workflow=${wf}&verdict=no` }, setup: { kind: "builtin", value: "replay" }, name: "x" },
        operator,
      ),
    ).rejects.toMatchObject({ status: 400, message: "no runs match the selection" });
    await expect(
      startExperiment(db(), { selection: { filters: "verdict=maybe" }, setup: { kind: "builtin", value: "replay" }, name: "x" }, operator),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^selection\.filters: verdict/) });
    expect(await db().experiment.count()).toBe(before);
  });

  it("caps an experiment at EXPERIMENT_MAX_RUNS runs: refused without a limit, the newest ones with it", async () => {
    const wf = uniqueWorkflow("exp-cap");
    const n = EXPERIMENT_MAX_RUNS + 5;
    // Plain finished jobs, made in one statement: the cap is about counting, not about spans.
    await db().$executeRaw`
      INSERT INTO jobs (id, workflow, status, created_at, verdict, source)
      SELECT gen_random_uuid(), ${wf}, 'finished', timestamptz '2026-01-01' + g * interval '1 minute', g % 2 = 0, 'demo'
      FROM generate_series(1, ${n}) g`;
    const selection = { filters: `workflow=${wf}` };
    await expect(
      startExperiment(db(), { selection, setup: { kind: "label", value: "v2" }, name: "too many" }, operator),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(`more than ${EXPERIMENT_MAX_RUNS.toLocaleString("en-US")} runs`),
    });
    const preview = await previewExperiment(db(), { selection, setup: { kind: "label", value: "v2" }, limit: 100 });
    expect(preview).toMatchObject({ runs: 100, matched: null });
    const started = await startExperiment(
      db(),
      { selection, setup: { kind: "label", value: "v2" }, name: "newest 100", limit: 100 },
      operator,
    );
    const newest = await db().job.findMany({
      where: { workflow: wf, experimentId: null, rerunOfId: null },
      orderBy: { createdAt: "desc" },
      take: 100,
      select: { id: true },
    });
    const reruns = await db().job.findMany({ where: { experimentId: started.id }, select: { rerunOfId: true } });
    expect(reruns.map((r) => r.rerunOfId).sort()).toEqual(newest.map((r) => r.id).sort());
  });

  it("lets only operators start one (an anonymous request is told to sign in)", async () => {
    const res = await POST(
      new Request("http://app.test/api/experiments", {
        method: "POST",
        body: JSON.stringify({ selection: { ids: [randomUUID()] }, setup: { kind: "builtin", value: "replay" }, name: "x" }),
      }),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "sign in first: this needs the operator role", code: "Unauthorized" });
  });
});

describe("the poll", () => {
  it("hands out ordinary pending jobs before experiments' reruns, however old the reruns", async () => {
    const wf = uniqueWorkflow("exp-poll");
    const original = await saveRun(wf, "orig", at(1));
    const started = await startExperiment(
      db(),
      { selection: { ids: [original.id] }, setup: { kind: "builtin", value: "replay" }, name: "poll" },
      operator,
    );
    const ordinary = randomUUID();
    await db().job.create({ data: { id: ordinary, workflow: wf, source: "agent" } });
    // Two agents: one agent polling again while it holds a job would abort that job as restarted (upstream's rule).
    const req = (agent: string) => ({ AgentName: agent, CodeRevision: "r", Workflows: [{ Type: wf, Name: wf }] });
    expect((await pollJob("t", req("t-1"))).ID).toBe(ordinary);
    const second = await pollJob("t", req("t-2"));
    expect((await db().job.findUniqueOrThrow({ where: { id: second.ID } })).experimentId).toBe(started.id);
  });
});
