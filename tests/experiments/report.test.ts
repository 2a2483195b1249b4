// Integration on PostgreSQL: an experiment's pairs read back from the database (aborted reruns followed to their clone)
// give the agreement matrix, accuracy, flips, progress and list agreement counted by hand for a seeded set.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { loadExperiment } from "@/lib/experiments/report";
import { experimentCsv, experimentJson } from "@/lib/experiments/export";
import { EXPERIMENT_LIST_ITEMS } from "@/lib/experiments/queries";
import type { JobStatus } from "@/lib/generated/prisma/client";

afterAll(disconnectDb);

interface Side {
  status: JobStatus;
  verdict: boolean | null;
  correct?: boolean | null;
  focus?: string[];
  configs?: string[];
}

const T0 = Date.UTC(2026, 2, 1);

async function job(workflow: string, s: Side, extra: { experimentId?: string; rerunOfId?: string; minute: number }) {
  const id = randomUUID();
  const ended = s.status !== "pending" && s.status !== "running";
  const results =
    s.focus || s.configs
      ? { WorthFuzzing: s.verdict, ...(s.focus ? { FocusSymbols: s.focus } : {}), ...(s.configs ? { EnableConfigs: s.configs } : {}) }
      : undefined;
  await db().job.create({
    data: {
      id,
      workflow,
      status: s.status,
      verdict: s.verdict,
      correct: s.correct ?? null,
      results,
      source: "demo",
      createdAt: new Date(T0 + extra.minute * 60_000),
      startedAt: s.status === "pending" ? null : new Date(T0 + extra.minute * 60_000),
      finishedAt: ended ? new Date(T0 + extra.minute * 60_000 + 30_000) : null,
      experimentId: extra.experimentId,
      rerunOfId: extra.rerunOfId,
    },
  });
  return id;
}

describe("an experiment's report", () => {
  it("matches the hand-counted matrix, accuracy, flips, progress and Jaccard of a seeded set", async () => {
    const wf = `exp-report-${randomUUID().slice(0, 8)}`;
    const experimentId = randomUUID();
    await db().experiment.create({
      data: {
        id: experimentId,
        name: "seeded",
        setup: "replay",
        setupKind: "builtin",
        selection: {},
        runCount: 10,
        createdByLabel: "test",
      },
    });
    // [original, rerun] — the comments give each pair's cell and what the review mark makes of it.
    const pairs: [Side, Side][] = [
      /* 1 yes→yes, truth yes */ [
        { status: "finished", verdict: true, correct: true, focus: ["a", "b"], configs: ["X"] },
        { status: "finished", verdict: true, focus: ["b", "c"], configs: ["X"] },
      ],
      /* 2 yes→no, truth no */ [
        { status: "finished", verdict: true, correct: false },
        { status: "finished", verdict: false },
      ],
      /* 3 no→yes, truth no */ [
        { status: "finished", verdict: false, correct: true },
        { status: "finished", verdict: true },
      ],
      /* 4 no→no */ [
        { status: "finished", verdict: false, focus: [] },
        { status: "finished", verdict: false, focus: [] },
      ],
      /* 5 yes→failed */ [
        { status: "finished", verdict: true },
        { status: "failed", verdict: null },
      ],
      /* 6 yes→pending */ [
        { status: "finished", verdict: true },
        { status: "pending", verdict: null },
      ],
      /* 7 none→yes */ [
        { status: "failed", verdict: null },
        { status: "finished", verdict: true },
      ],
      /* 8 no→pending (running), truth yes */ [
        { status: "finished", verdict: false, correct: false },
        { status: "running", verdict: null },
      ],
      /* 9 yes→(aborted, clone says no), truth yes */ [
        { status: "finished", verdict: true, correct: true },
        { status: "aborted", verdict: null },
      ],
      /* 10 yes→failed, truth yes */ [
        { status: "finished", verdict: true, correct: true },
        { status: "failed", verdict: null },
      ],
    ];
    const ids: { original: string; rerun: string }[] = [];
    for (const [i, [o, r]] of pairs.entries()) {
      const original = await job(wf, o, { minute: i });
      const rerun = await job(wf, r, { minute: 100 + i, experimentId, rerunOfId: original });
      ids.push({ original, rerun });
    }
    // The app aborted pair 9's rerun and queued a clone of it (lib/agents/abort.ts): the clone is the pair's rerun now.
    const clone = await job(wf, { status: "finished", verdict: false }, { minute: 200, rerunOfId: ids[8]!.rerun });

    const data = (await loadExperiment(db(), experimentId, T0 + 300 * 60_000))!;
    expect(data.pairs).toHaveLength(10);
    expect(data.pairs.find((p) => p.original.id === ids[8]!.original)!.rerun.id).toBe(clone);
    const { agreement, accuracy, flips, progress, fields } = data.report;
    expect(agreement.counts).toEqual({
      yes: { yes: 1, no: 2, failed: 2, pending: 1 },
      no: { yes: 1, no: 1, failed: 0, pending: 1 },
      none: { yes: 1, no: 0, failed: 0, pending: 0 },
    });
    expect(agreement).toMatchObject({ compared: 5, agreed: 2, rate: 0.4 });
    expect(accuracy).toEqual({ reviewed: 6, original: { right: 4, of: 6, rate: 4 / 6 }, rerun: { right: 2, of: 5, rate: 2 / 5 } });
    expect(flips.map((f) => f.originalId).sort()).toEqual([ids[1]!.original, ids[2]!.original, ids[8]!.original].sort());
    expect(flips.find((f) => f.originalId === ids[8]!.original)).toMatchObject({ rerunId: clone, from: true, to: false, truth: true });
    expect(progress).toMatchObject({ total: 10, queued: 1, running: 1, done: 6, failed: 2 });
    expect(progress.etaMs).toBeGreaterThan(0);
    expect(fields).toEqual([
      { field: "FocusSymbols", compared: 2, meanJaccard: (1 / 3 + 1) / 2, identical: 1 },
      { field: "EnableConfigs", compared: 1, meanJaccard: 1, identical: 1 },
    ]);

    const csv = experimentCsv(data.pairs).trimEnd().split("\r\n");
    expect(csv).toHaveLength(11);
    const header = csv[0]!.split(",");
    const flipped = header.indexOf("flipped");
    expect(csv.slice(1).filter((l) => l.split(",")[flipped] === "true")).toHaveLength(3);
  });

  it("compares a list field by its first EXPERIMENT_LIST_ITEMS items, so a run of a million symbols exports in kilobytes", async () => {
    const wf = `exp-big-${randomUUID().slice(0, 8)}`;
    const experimentId = randomUUID();
    await db().experiment.create({
      data: {
        id: experimentId,
        name: "big lists",
        setup: "replay",
        setupKind: "builtin",
        selection: {},
        runCount: 1,
        createdByLabel: "test",
      },
    });
    const many = Array.from({ length: 200_000 }, (_, i) => `sym_${i}`);
    const original = await job(wf, { status: "finished", verdict: true, focus: many }, { minute: 1 });
    await job(
      wf,
      { status: "finished", verdict: true, focus: many.slice(0, EXPERIMENT_LIST_ITEMS) },
      { minute: 2, experimentId, rerunOfId: original },
    );
    const data = (await loadExperiment(db(), experimentId, T0 + 300 * 60_000))!;
    // The pair carries the lists' counts as stored and their Jaccard index, never the lists.
    expect(data.pairs[0]!.original.lists.FocusSymbols).toBe(200_000);
    expect(data.pairs[0]!.rerun.lists.FocusSymbols).toBe(EXPERIMENT_LIST_ITEMS);
    expect(data.pairs[0]!.listJaccard).toEqual({ FocusSymbols: 1, EnableConfigs: null });
    expect(data.report.fields.find((f) => f.field === "FocusSymbols")).toMatchObject({ compared: 1, meanJaccard: 1, identical: 1 });
    // Whole, the pair's list alone was 2.6 MB of the export; it now says how much of each list was compared.
    const json = experimentJson(data);
    expect(json.length).toBeLessThan(200_000);
    expect(JSON.parse(json)).toMatchObject({ listItemsCompared: EXPERIMENT_LIST_ITEMS, pairs: [{ listJaccard: { FocusSymbols: 1 } }] });
    const [head, line] = experimentCsv(data.pairs).split("\r\n");
    expect(line!.split(",")[head!.split(",").indexOf("FocusSymbols_jaccard")]).toBe("1");
  });
});
