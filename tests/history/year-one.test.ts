// Runs dated in year 1 (upstream's golden trajectories, pkg/aflow/testdata/*.trajectory.json, run on a stub clock that
// starts at 0001-01-01T00:00:00Z and ticks a second per event): every history query answers for them.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { parseRunFile } from "@/lib/import/detect";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { findJobs } from "@/lib/history/list";
import { countJobs, historyFacets, jobTrends } from "@/lib/history/stats";
import { SORT_KEYS } from "@/lib/history/query";
import { getJobSummary } from "@/lib/runs/export";
import { query } from "./seed";

const t = (s: number) => `0001-01-01T00:00:${String(s).padStart(2, "0")}Z`;

/**
 * A trajectory in the goldens' shape (our own file, not an upstream one): json.MarshalIndent with tabs and no trailing
 * newline, both copies of each span in emission order, Args/Results with numbers, an empty Results {}.
 */
function goldenLike(workflow: string): string {
  const spans = [
    { Seq: 0, Nesting: 0, Type: "flow", Name: workflow, Started: t(1) },
    { Seq: 1, Nesting: 1, Type: "action", Name: "func-action", Started: t(2) },
    {
      Seq: 1,
      Nesting: 1,
      Type: "action",
      Name: "func-action",
      Started: t(2),
      Finished: t(3),
      Results: { OutBar: 142, TmpFuncOutput: "func-output" },
    },
    { Seq: 2, Nesting: 1, Type: "tool", Name: "tool1", Started: t(4), Args: { ArgBar: 100, ArgFoo: "arg-foo" } },
    {
      Seq: 2,
      Nesting: 1,
      Type: "tool",
      Name: "tool1",
      Started: t(4),
      Finished: t(5),
      Args: { ArgBar: 100, ArgFoo: "arg-foo" },
      Results: {},
    },
    {
      Seq: 0,
      Nesting: 0,
      Type: "flow",
      Name: workflow,
      Started: t(1),
      Finished: t(6),
      Results: { Benign: true, Explanation: "a stub clock race" },
    },
  ];
  return JSON.stringify(spans, null, "\t");
}

describe("runs from year 1", () => {
  const workflow = `assessment-kcsan-yearone-${randomUUID().slice(0, 8)}`;
  let id = "";

  beforeAll(async () => {
    const [run] = parseRunFile("TestYearOne.trajectory.json", goldenLike(workflow));
    const saved = await saveImportedRun(run!);
    id = saved.id;
    expect(saved).toMatchObject({ workflow, verdict: true, status: "finished" });
  });

  it("lists them, sorted by every key, with working cursors", async () => {
    for (const sort of SORT_KEYS) {
      for (const dir of ["asc", "desc"] as const) {
        const page = await findJobs(db(), query(workflow, { sort, dir, size: 25 }));
        expect(
          page.jobs.map((j) => j.id),
          `${sort} ${dir}`,
        ).toEqual([id]);
        expect(page.jobs[0]!.createdAt.toISOString()).toBe("0001-01-01T00:00:01.000Z");
      }
    }
    // A cursor made from a year-1 row is accepted and pages on from it (to nothing).
    const first = await findJobs(db(), { ...query(workflow), size: 25 });
    const { encodeCursor } = await import("@/lib/history/sql");
    const [row] = await db().$queryRaw<{ v: string }[]>`SELECT created_at::text AS v FROM jobs WHERE id = ${id}::uuid`;
    const after = await findJobs(db(), { ...query(workflow), after: encodeCursor({ value: row!.v, id }) });
    expect(first.jobs).toHaveLength(1);
    expect(after.jobs).toEqual([]);
    const before = await findJobs(db(), { ...query(workflow), before: encodeCursor({ value: row!.v, id }) });
    expect(before.jobs).toEqual([]);
  });

  it("counts them, with and without date filters", async () => {
    expect(await countJobs(db(), query(workflow))).toEqual({ count: 1, kind: "exact" });
    expect(await countJobs(db(), query(workflow, { from: "0001-01-01", to: "0001-01-01" }))).toEqual({ count: 1, kind: "exact" });
    // The far ends of the date filter are years 1 and 9999; neither is out of PostgreSQL's range.
    expect(await countJobs(db(), query(workflow, { from: "0001-01-01", to: "9999-12-31" }))).toEqual({ count: 1, kind: "exact" });
    expect((await findJobs(db(), query(workflow, { to: "9999-12-31" }))).jobs).toHaveLength(1);
  });

  it("charts them: the window ends on their day and does not reach before year 1", async () => {
    const trends = await jobTrends(db(), query(workflow));
    expect(trends.to).toBe("0001-01-01");
    expect(trends.from).toBe("0001-01-01");
    expect(trends.days).toEqual([
      { day: "0001-01-01", runs: 1, yes: 1, no: 0, failed: 0, tokens: 0, durationMs: 5000, costUsd: 0, costPartialRuns: 0 },
    ]);
    const dated = await jobTrends(db(), query(workflow, { from: "0001-01-01", to: "0001-01-03" }));
    const far = await jobTrends(db(), query(workflow, { from: "9999-12-01", to: "9999-12-31" }));
    expect(far.to).toBe("9999-12-31");
    expect(far.days).toHaveLength(31);
    expect(dated.days.map((d) => [d.day, d.runs])).toEqual([
      ["0001-01-01", 1],
      ["0001-01-02", 0],
      ["0001-01-03", 0],
    ]);
  });

  it("offers their workflow in the filter menus and gives the job with its verdict", async () => {
    expect((await historyFacets(db())).workflows).toBeDefined();
    const job = await getJobSummary(db(), id);
    expect(job).toMatchObject({ verdict: true, mainVerdict: { field: "Benign", text: "benign" }, durationMs: 5000 });
    expect(job!.startedAt!.toISOString()).toBe("0001-01-01T00:00:01.000Z");
  });
});
