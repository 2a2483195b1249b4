// Cold comparisons at once (issue 21, attack6 F4): at most COMPARE_BUILDS_AT_ONCE are built at once and one per client
// address, the rest wait their turn; readers of one pair still share one build; the facts are added as it is built.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { withWorkersAndDb } from "../helpers/workers";
import { compareRuns, comparisonBuilds, forgetComparisons } from "@/lib/compare/comparison";
import { servingClient } from "@/lib/served-client";
import { COMMAND_LINE } from "@/lib/audit/log";
import { db } from "@/lib/db/client";
import { importFiles } from "@/lib/import/import-files";
import { COMPARE_BUILDS_AT_ONCE } from "@/lib/limits";

withWorkersAndDb();

async function run(tag: string, side: number): Promise<string> {
  const spans = [
    { Seq: 0, Nesting: 0, Type: "flow", Name: `cold-${tag}`, Started: "2026-05-01T10:00:00Z", Finished: "2026-05-01T10:00:09Z" },
    { Seq: 1, Nesting: 1, Type: "llm", Name: "agent", Model: `model-${side % 2}`, Started: "2026-05-01T10:00:01Z" },
    { Seq: 2, Nesting: 2, Type: "tool", Name: "read-file", Started: "2026-05-01T10:00:01Z", Results: { Out: side } },
  ];
  const outcome = await importFiles([{ name: `${tag}-${side}.json`, content: Buffer.from(JSON.stringify(spans)) }], COMMAND_LINE);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome.jobs[0]!.id;
}

/** Runs `work`, sampling comparisonBuilds() every turn of the event loop; the most seen at once. */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; active: number; pending: number }> {
  let active = 0;
  let pending = 0;
  let done = false;
  const sample = () => {
    const now = comparisonBuilds();
    active = Math.max(active, now.active);
    pending = Math.max(pending, now.pending);
    if (!done) setImmediate(sample);
  };
  sample();
  try {
    return { result: await work(), active, pending };
  } finally {
    done = true;
  }
}

describe("cold comparisons at once", () => {
  it("builds at most COMPARE_BUILDS_AT_ONCE at once, the others waiting, and all finish", async () => {
    const tag = randomUUID().slice(0, 8);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await run(tag, i));
    forgetComparisons();
    // Eight clients, one pair each (pairs 0-1, 1-2, …): more than may be built at once.
    const { result, active, pending } = await sampled(() =>
      Promise.all(ids.slice(0, 7).map((a, i) => servingClient(`10.0.0.${i}`, () => compareRuns(db(), a, ids[i + 1]!)))),
    );
    expect(active).toBe(COMPARE_BUILDS_AT_ONCE);
    expect(pending).toBeGreaterThan(0);
    expect(comparisonBuilds()).toEqual({ active: 0, pending: 0 });
    for (const c of result) {
      expect(c.steps!.rows.map((r) => r.status)).toEqual(["same", "same", "changed"]);
      // The model differs between neighbours: the facts come with the comparison, not from each render.
      expect(c.steps!.rows[1]!.facts).toEqual([expect.objectContaining({ field: "model" })]);
    }
  }, 60_000);

  it("builds one pair at a time for one client", async () => {
    const tag = randomUUID().slice(0, 8);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await run(tag, i));
    forgetComparisons();
    const { active, pending } = await sampled(() =>
      Promise.all([0, 1, 2].map((i) => servingClient("10.0.1.1", () => compareRuns(db(), ids[i]!, ids[i + 1]!)))),
    );
    expect(active).toBe(1);
    expect(pending).toBeGreaterThan(0);
  }, 60_000);

  it("shares one build among readers of one pair, from any client", async () => {
    const tag = randomUUID().slice(0, 8);
    const [a, b] = [await run(tag, 0), await run(tag, 1)];
    forgetComparisons();
    const { result, active, pending } = await sampled(() =>
      Promise.all(Array.from({ length: 10 }, (_, i) => servingClient(`10.0.2.${i}`, () => compareRuns(db(), a, b)))),
    );
    expect(new Set(result).size).toBe(1);
    expect(active).toBe(1);
    expect(pending).toBe(0);
  }, 60_000);
});
