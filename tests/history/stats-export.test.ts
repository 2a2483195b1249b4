// Integration: query parsing, counts, trends, the fields save-run keeps for search, and export → import round trips.
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { countJobs, EXACT_COUNT_CAP, jobTrends } from "@/lib/history/stats";
import { getJobSummary, getTrajectory } from "@/lib/runs/export";
import { GET as getJob } from "@/app/api/jobs/[id]/route";
import { goTimestamp } from "@/lib/trajectory/time";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { parseRunFile } from "@/lib/import/detect";
import { demoRuns } from "@/lib/demo/runs";
import { parseHistoryQuery, toSearchParams } from "@/lib/history/query";
import { at, query, saveRun, uniqueWorkflow } from "./seed";

afterAll(disconnectDb);

describe("parseHistoryQuery", () => {
  it("accepts every filter and round-trips through URL parameters", () => {
    const params = new URLSearchParams(
      "q=ext4&workflow=patch-triage&status=failed&verdict=no&model=m&agent=a&worker=w&from=2026-01-01&to=2026-01-31&errors=yes&rerun=no&sort=tokens&dir=asc&size=100",
    );
    const parsed = parseHistoryQuery(params);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.query).toMatchObject({ q: "ext4", status: "failed", sort: "tokens", dir: "asc", size: 100, errors: "yes" });
    expect(Object.fromEntries(toSearchParams(parsed.query))).toEqual(Object.fromEntries(params));
  });

  it.each([
    ["sort=colour", "sort"],
    ["size=7", "page size"],
    ["status=done", "status"],
    ["from=2026-13-40", "from"],
    ["from=2026-02-01&to=2026-01-01", "from is after to"],
    ["after=x&before=y", "either after or before"],
    ["verdict=yes&verdict=no", "verdict: give it once"],
    ["colour=red", "colour"],
  ])("rejects %s with a reason", (qs, reason) => {
    const parsed = parseHistoryQuery(new URLSearchParams(qs));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });

  it("treats empty values as absent, as a cleared form field is", () => {
    const parsed = parseHistoryQuery({ q: "", status: "", sort: undefined });
    expect(parsed).toEqual({ ok: true, query: expect.objectContaining({ sort: "created", size: 50 }) });
    if (parsed.ok) expect(parsed.query.q).toBeUndefined();
  });
});

describe("counts and trends", () => {
  it("counts matching runs exactly under the cap", async () => {
    const wf = uniqueWorkflow("hist-count");
    for (let d = 1; d <= 3; d++) await saveRun(wf, `c${d}`, at(d), { worthFuzzing: d !== 2 });
    expect(await countJobs(db(), query(wf))).toEqual({ count: 3, kind: "exact" });
    expect(await countJobs(db(), query(wf, { verdict: "no" }))).toEqual({ count: 1, kind: "exact" });
    expect(EXACT_COUNT_CAP).toBeGreaterThanOrEqual(1000);
  });

  it("gives the planner's estimate instead of counting when counting would cost past the budget", async () => {
    const wf = uniqueWorkflow("hist-budget");
    for (let d = 1; d <= 3; d++) await saveRun(wf, `b${d}`, at(d), { worker: "budget-worker" });
    // A worker filter is not in the rollups: the capped count, within the default budget on a small table.
    const f = query(wf, { worker: "budget-worker" });
    expect(await countJobs(db(), f)).toEqual({ count: 3, kind: "exact" });
    const over = await countJobs(db(), f, 0);
    expect(over.kind).toBe("estimate");
    expect(over.count).toBeGreaterThanOrEqual(0);
    // Filters the rollups answer are counted exactly whatever the budget: they read days × keys rows.
    expect(await countJobs(db(), query(wf, { verdict: "yes" }), 0)).toEqual({ count: 3, kind: "exact" });
  });

  it("gives runs per day with verdict share and failures, zero on empty days", async () => {
    const wf = uniqueWorkflow("hist-trend");
    await saveRun(wf, "t1", at(10, 1), { worthFuzzing: true });
    await saveRun(wf, "t2", at(10, 2), { worthFuzzing: false });
    await saveRun(wf, "t3", at(12, 3), { failWith: "boom" });
    const trends = await jobTrends(db(), query(wf));
    expect(trends.to).toBe("2026-05-12");
    expect(trends.days).toHaveLength(30);
    const byDay = Object.fromEntries(trends.days.map((d) => [d.day, d]));
    expect(byDay["2026-05-10"]).toMatchObject({ runs: 2, yes: 1, no: 1, failed: 0 });
    expect(byDay["2026-05-11"]).toMatchObject({ runs: 0 });
    expect(byDay["2026-05-12"]).toMatchObject({ runs: 1, yes: 0, no: 0, failed: 1 });
    expect(byDay["2026-05-10"]!.tokens).toBeGreaterThan(0);
    const ranged = await jobTrends(db(), query(wf, { from: "2026-05-10", to: "2026-05-11" }));
    expect(ranged.days.map((d) => d.runs)).toEqual([2, 0]);
  });
});

describe("job API data and export", () => {
  it("keeps models, agents and total tokens on the job at save time", async () => {
    const wf = uniqueWorkflow("hist-fields");
    const { id } = await saveRun(wf, "f1", at(1), { model: "gemini-3.6-flash" });
    const job = await getJobSummary(db(), id);
    expect(job).toMatchObject({ models: ["gemini-3.6-flash"], agents: ["kmsan-evaluator", "patch-evaluator"], verdict: true, reruns: [] });
    expect(job!.totalTokens).toBe(job!.inputTokens + job!.outputTokens + job!.thoughtsTokens);
    expect(job!.totalTokens).toBeGreaterThan(0);
    expect(await getJobSummary(db(), "not-a-uuid")).toBeNull();
  });

  it("answers a run of a million-string Results with the stored text, parsing nothing", async () => {
    const { id } = await saveRun(uniqueWorkflow("hist-big"), "big", at(1));
    await db().$executeRaw`UPDATE jobs SET results = (SELECT json_build_object('WorthFuzzing', true, 'FocusSymbols', json_agg('s'::text))
      FROM generate_series(1, 990000)) WHERE id = ${id}::uuid`;
    const res = await getJob(new Request(`http://app.test/api/jobs/${id}`), { params: Promise.resolve({ id }) });
    expect(res.status).toBe(200);
    // The stored text as PostgreSQL wrote it (its spaces after colons): parsed and written again, it held the event loop
    // 450 ms here (up to 590 ms over HTTP).
    const text = await res.text();
    expect(text).toContain(`"results":{"WorthFuzzing" : true, "FocusSymbols" : ["s", "s"`);
    expect((JSON.parse(text) as { results: { FocusSymbols: string[] } }).results.FocusSymbols).toHaveLength(990_000);
  });

  it.each(demoRuns(new Date(Date.UTC(2026, 3, 1))).map((r, i) => [`${r.job.Workflow} #${i}`, r] as const))(
    "export then import of %s gives back the same trajectory",
    async (_name, run) => {
      const original = await saveImportedRun({
        ...run,
        job: { ...run.job, Description: `${run.job.Description ?? ""} export ${Math.random()}` },
      });
      const exported = await getTrajectory(db(), original.id);
      expect(exported).not.toBeNull();
      const file = exported!;
      const [reparsed] = parseRunFile("trajectory.json", file);
      expect(reparsed!.spans).toEqual(JSON.parse(file));
      // The same run, up to the merge of start and finish copies: the spans the original import stored, times in Go's form.
      const go = (t: string | undefined) => (t === undefined ? undefined : goTimestamp(t));
      expect(reparsed!.spans).toEqual(run.spans.map((sp) => ({ ...sp, Started: go(sp.Started), Finished: go(sp.Finished) })));
      const again = await saveImportedRun(reparsed!);
      expect(await getTrajectory(db(), again.id)).toEqual(exported);
      const [a, b] = await Promise.all([getJobSummary(db(), original.id), getJobSummary(db(), again.id)]);
      for (const key of [
        "workflow",
        "status",
        "verdict",
        "spanCount",
        "llmCalls",
        "toolCalls",
        "toolErrors",
        "totalTokens",
        "durationMs",
        "models",
        "agents",
      ] as const) {
        expect(b![key], key).toEqual(a![key]);
      }
      // Importing the export twice is still one job.
      expect((await saveImportedRun(parseRunFile("trajectory.json", file)[0]!)).created).toBe(false);
    },
  );
});
