// Integration: the history's filters, search, sorts and keyset cursors on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { findJobs, HistoryQueryError } from "@/lib/history/list";
import { FACET_MAX_VALUES, forgetFacets, historyFacets } from "@/lib/history/stats";
import { DISPLAY_MAX_ROW_CHIPS } from "@/lib/limits";
import { SORT_KEYS, type HistoryQuery } from "@/lib/history/query";
import { at, query, saveRun, uniqueWorkflow, type SeededRun } from "./seed";

afterAll(disconnectDb);

const wf = uniqueWorkflow("hist-list");
const runs: Record<string, SeededRun> = {};

beforeAll(async () => {
  runs.yesPro = await saveRun(wf, "alpha", at(1), { worker: "worker-a", steps: 3 });
  runs.noFlash = await saveRun(wf, "bravo", at(2), { worthFuzzing: false, model: "gemini-3.6-flash", steps: 1 });
  runs.failed = await saveRun(wf, "charlie", at(3), { failWith: "quota exceeded zulu-429", steps: 2 });
  runs.toolErr = await saveRun(wf, "delta", at(4), { toolErrorSteps: [0], model: "gemini-3.6-flash", worker: "worker-a", steps: 4 });
  runs.running = await saveRun(wf, "echo", at(5), { running: true, steps: 2 });
  runs.kmsan = await saveRun(wf, "foxtrot", at(6), { needsKmsan: true, steps: 5 });
  // foxtrot is a rerun of alpha
  await db().job.update({ where: { id: runs.kmsan.id }, data: { rerunOfId: runs.yesPro.id } });
});

/** Keys of the seeded runs a query returns, in order, following every page. */
async function keys(q: Partial<HistoryQuery>): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await findJobs(db(), query(wf, { ...q, after }));
    out.push(...page.jobs.map((j) => j.description.split(" ").at(-2)!));
    if (!page.next) return out;
    after = page.next;
  }
  throw new Error("paging did not end");
}

describe("filters", () => {
  it.each<[string, Partial<HistoryQuery>, string[]]>([
    ["no filter", {}, ["foxtrot", "echo", "delta", "charlie", "bravo", "alpha"]],
    ["verdict yes", { verdict: "yes" }, ["foxtrot", "delta", "alpha"]],
    ["verdict no", { verdict: "no" }, ["bravo"]],
    ["no verdict", { verdict: "none" }, ["echo", "charlie"]],
    ["status failed", { status: "failed" }, ["charlie"]],
    ["status incomplete (an unfinished import)", { status: "incomplete" }, ["echo"]],
    ["model", { model: "gemini-3.6-flash" }, ["delta", "bravo"]],
    ["model and verdict", { model: "gemini-3.6-flash", verdict: "no" }, ["bravo"]],
    ["agent", { agent: "kmsan-evaluator" }, ["foxtrot", "delta", "alpha"]],
    ["worker", { worker: "worker-a" }, ["delta", "alpha"]],
    ["date range", { from: "2026-05-02", to: "2026-05-04" }, ["delta", "charlie", "bravo"]],
    ["errors", { errors: "yes" }, ["delta", "charlie"]],
    ["no errors", { errors: "no" }, ["foxtrot", "echo", "bravo", "alpha"]],
    ["reruns", { rerun: "yes" }, ["foxtrot"]],
    ["originals", { rerun: "no" }, ["echo", "delta", "charlie", "bravo", "alpha"]],
  ])("%s", async (_name, q, expected) => {
    expect(await keys(q)).toEqual(expected);
  });

  it.each<[string, string, string[]]>([
    ["a description word", "bravo", ["bravo"]],
    ["a word prefix", "fox", ["foxtrot"]],
    ["a last word of two characters is a whole word, not a prefix (it would start thousands of keys)", "ec", []],
    ["three characters are a prefix", "ech", ["echo"]],
    ["the run's error", "zulu-429", ["charlie"]],
    ["a tool error", "does not exist in the kernel tree", ["delta"]],
    ["reasoning words, all of them", "reachable ext4 logic", ["foxtrot", "delta", "alpha"]],
    ["a span name", "kmsan-evaluator", ["foxtrot", "delta", "alpha"]],
    ["words that never occur together", "bravo foxtrot", []],
    ["only punctuation", "!!!", []],
  ])("search: %s", async (_name, q, expected) => {
    expect(await keys({ q })).toEqual(expected);
  });

  it("search: the link", async () => {
    const job = await db().job.findUniqueOrThrow({ where: { id: runs.noFlash!.id }, select: { link: true } });
    expect(await keys({ q: job.link })).toEqual(["bravo"]);
  });

  it("shows rerun lineage: the original lists its reruns, the rerun names its original", async () => {
    const page = await findJobs(db(), query(wf));
    const alpha = page.jobs.find((j) => j.id === runs.yesPro!.id)!;
    const foxtrot = page.jobs.find((j) => j.id === runs.kmsan!.id)!;
    expect(alpha.reruns).toEqual([runs.kmsan!.id]);
    expect(foxtrot.rerunOfId).toBe(runs.yesPro!.id);
    expect(page.jobs.find((j) => j.id === runs.failed!.id)!.error).toContain("zulu-429");
    expect(alpha.verdictWords).toEqual({ field: "WorthFuzzing", value: true, text: "worth fuzzing", tone: "good" });
  });
});

describe("a run of many names", () => {
  it("a row carries its first models and agents with their counts, and the filter menus offer at most FACET_MAX_VALUES", async () => {
    const workflow = uniqueWorkflow("many-names");
    const { id } = await saveRun(workflow, "many", at(3));
    const models = Array.from({ length: 150 }, (_, i) => `made-up-model-${i}-${"m".repeat(150)}`);
    await db().$executeRaw`UPDATE jobs SET models = ${models}::text[], agents = ${models.slice(0, 12)}::text[],
      description = ${"d".repeat(5000)} WHERE id = ${id}::uuid`;
    const row = (await findJobs(db(), query(workflow))).jobs.find((j) => j.id === id)!;
    expect(row.models).toEqual(models.slice(0, DISPLAY_MAX_ROW_CHIPS));
    expect([row.modelCount, row.agentCount, row.agents.length]).toEqual([150, 12, DISPLAY_MAX_ROW_CHIPS]);
    expect(row.description.length).toBe(1000);
    forgetFacets();
    const facets = await historyFacets(db());
    expect(facets.models.length).toBeLessThanOrEqual(FACET_MAX_VALUES);
    expect(facets.models.filter((m) => m.startsWith("made-up-model-")).length).toBeLessThanOrEqual(FACET_MAX_VALUES);
    expect(facets.models).toEqual([...facets.models].sort());
  });
});

describe("sorting and cursors", () => {
  it.each(SORT_KEYS.flatMap((sort) => (["asc", "desc"] as const).map((dir) => [sort, dir] as const)))(
    "sort by %s %s pages in the same order as one big page, nulls last",
    async (sort, dir) => {
      const all = await findJobs(db(), query(wf, { sort, dir, size: 200 }));
      expect(all.jobs).toHaveLength(6);
      const value = (j: (typeof all.jobs)[number]) =>
        ({
          created: j.createdAt.getTime(),
          duration: j.durationMs,
          tokens: j.totalTokens,
          llmCalls: j.llmCalls,
          toolCalls: j.toolCalls,
          toolErrors: j.toolErrors,
          worker: j.agentName,
          workflow: j.workflow,
          status: ["pending", "running", "finished", "failed", "aborted", "incomplete"].indexOf(j.status),
          verdict: j.verdict,
          cost: j.costUsd,
        })[sort];
      const sign = dir === "asc" ? 1 : -1;
      const expected = [...all.jobs].sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        if (va === null || vb === null) return va === vb ? sign * a.id.localeCompare(b.id) : va === null ? 1 : -1;
        return va === vb ? sign * a.id.localeCompare(b.id) : sign * (va < vb ? -1 : 1);
      });
      expect(all.jobs.map((j) => j.id)).toEqual(expected.map((j) => j.id));
      // Pages of 2 forward, then back from the last page with `before`/`prev`, give the same rows.
      const small = query(wf, { sort, dir, size: 2 });
      const pages: { ids: string[]; prev: string | null }[] = [];
      let cursor: string | undefined;
      do {
        const p = await findJobs(db(), { ...small, after: cursor });
        pages.push({ ids: p.jobs.map((j) => j.id), prev: p.prev });
        cursor = p.next ?? undefined;
      } while (cursor);
      expect(pages.flatMap((p) => p.ids)).toEqual(expected.map((j) => j.id));
      expect(pages[0]!.prev).toBeNull();
      let back = await findJobs(db(), { ...small, before: pages[2]!.prev! });
      expect(back.jobs.map((j) => j.id)).toEqual(pages[1]!.ids);
      back = await findJobs(db(), { ...small, before: back.prev! });
      expect(back.jobs.map((j) => j.id)).toEqual(pages[0]!.ids);
      expect(back.prev).toBeNull();
    },
  );

  it("keeps a cursor's next page stable while newer runs arrive", async () => {
    const w = uniqueWorkflow("hist-stable");
    for (let d = 1; d <= 5; d++) await saveRun(w, `s${d}`, at(d));
    const small = query(w, { size: 2 });
    const first = await findJobs(db(), small);
    const secondBefore = await findJobs(db(), { ...small, after: first.next! });
    for (let d = 10; d <= 12; d++) await saveRun(w, `n${d}`, at(d));
    const secondAfter = await findJobs(db(), { ...small, after: first.next! });
    expect(secondAfter.jobs.map((j) => j.id)).toEqual(secondBefore.jobs.map((j) => j.id));
    expect(secondAfter.jobs.map((j) => j.description)).toEqual(["s3 change", "s2 change"].map((d) => `[PATCH] ext4: ${d}`));
  });

  it("rejects a cursor that is not one", async () => {
    await expect(findJobs(db(), query(wf, { after: "garbage" }))).rejects.toBeInstanceOf(HistoryQueryError);
    // a null-value cursor only exists for columns that can be null
    const nullCursor = Buffer.from(JSON.stringify([null, runs.yesPro!.id])).toString("base64url");
    await expect(findJobs(db(), query(wf, { after: nullCursor }))).rejects.toBeInstanceOf(HistoryQueryError);
  });
});
