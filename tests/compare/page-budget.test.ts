// The compare page's size is bounded, not only its time: payloads past COMPARE_FIELD_CHARS are compared by digest and
// not loaded, and past COMPARE_PAGE_DIFF_CHARS changed steps are marked without their diff (on a real PostgreSQL).
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { COMMAND_LINE } from "@/lib/audit/log";
import { db, disconnectDb } from "@/lib/db/client";
import { importFiles } from "@/lib/import/import-files";
import { alignSteps } from "@/lib/compare/align";
import { COMPARE_FIELD_CHARS, loadForCompare } from "@/lib/compare/runs";

afterAll(disconnectDb);

const t = (s: number) => `2026-05-01T10:00:0${s}Z`;
async function run(tag: string, side: string, results: string[]): Promise<string> {
  const spans = [
    { Seq: 0, Nesting: 0, Type: "flow", Name: `budget-${tag}`, Started: t(0), Finished: t(9) },
    ...results.map((out, i) => ({
      Seq: i + 1,
      Nesting: 1,
      Type: "tool",
      Name: "read-file",
      Started: t(1),
      Finished: t(2),
      Results: { Out: out },
    })),
  ];
  const outcome = await importFiles([{ name: `${tag}-${side}.json`, content: Buffer.from(JSON.stringify(spans)) }], COMMAND_LINE);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome.jobs[0]!.id;
}

describe("compare page budget", () => {
  it("leaves payloads past the cap unloaded, tells same from changed by digest, and says why there is no diff", async () => {
    const tag = randomUUID().slice(0, 8);
    const long = (c: string) => c.repeat(COMPARE_FIELD_CHARS + 10);
    const a = await loadForCompare(db(), await run(tag, "a", [long("x"), long("y"), "small a"]));
    const b = await loadForCompare(db(), await run(tag, "b", [long("x"), long("z"), "small b"]));
    expect(a!.spans[1]).toMatchObject({ args: null, results: null, error: null, tooLong: COMPARE_FIELD_CHARS + 10 + '{"Out":""}'.length });
    const rows = alignSteps(a!.spans, b!.spans);
    expect(rows.map((r) => [r.a?.seq, r.status, r.undiffed ?? null, r.diff ? "diff" : null])).toEqual([
      [0, "same", null, null],
      [1, "same", null, null], // equal 200 KB payloads: equal digests, nothing loaded
      [2, "changed", "too-long", null],
      [3, "changed", null, "diff"],
    ]);
  });

  it("past the page's character budget, changed steps keep their status but lose their diff", async () => {
    const tag = randomUUID().slice(0, 8);
    const a = await loadForCompare(db(), await run(tag, "a", ["a1 ".repeat(1000), "a2 ".repeat(1000), "same"]));
    const b = await loadForCompare(db(), await run(tag, "b", ["b1 ".repeat(1000), "b2 ".repeat(1000), "same"]));
    const rows = alignSteps(a!.spans, b!.spans, 2000, 8000);
    expect(rows.map((r) => [r.status, r.undiffed ?? null, r.diff ? "diff" : null])).toEqual([
      ["same", null, null],
      ["changed", null, "diff"],
      ["changed", "budget", null],
      ["same", null, null],
    ]);
  });
});
