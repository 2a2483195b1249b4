// Compare's alignment of two long runs (issue 21, F4): steps whose name the other run lacks set aside, a common head and
// tail matched directly, the rest diffed on a worker thread past COMPARE_ALIGN_INLINE_STEPS; past its time the steps
// are listed one run after the other and the page is told so. One comparison per pair and version (single flight).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { diffArrays } from "diff";
import { HOLD_BOUND_MS } from "../helpers/hold-bound";
import { withWorkersAndDb } from "../helpers/workers";
import { measureHold } from "@/lib/load/hold";
import { compareSteps } from "@/lib/compare/align";
import { compareRuns, forgetComparisons } from "@/lib/compare/comparison";
import { COMMAND_LINE } from "@/lib/audit/log";
import { db } from "@/lib/db/client";
import { importFiles } from "@/lib/import/import-files";
import { COMPARE_ALIGN_INLINE_STEPS } from "@/lib/limits";

withWorkersAndDb();

const step = (seq: number, name: string) => ({ seq, nesting: 1, type: "tool", name, args: null, results: null, error: null });
const steps = (names: string[]) => names.map((n, i) => step(i, n));

describe("compare alignment of long runs", () => {
  it("aligns runs past the inline bound on a worker thread, as a shortest-edit diff of their names does", async () => {
    const n = 3 * COMPARE_ALIGN_INLINE_STEPS;
    // Unique names, so the alignment is unique: B drops every 7th of A's steps, adds one after every 11th, and A has
    // 500 steps of names B lacks.
    const namesA = Array.from({ length: n }, (_, i) => (i % 6 === 5 ? `only-a-${i}` : `s${i}`));
    const namesB = Array.from({ length: n }, (_, i) => `s${i}`)
      .filter((_, i) => i % 7 !== 3)
      .flatMap((s, i) => (i % 11 === 0 ? [s, `new-${i}`] : [s]));
    const expected = diffArrays(namesA, namesB).flatMap((c) =>
      Array.from({ length: c.count ?? c.value.length }, () => (c.removed ? "only-a" : c.added ? "only-b" : "same")),
    );
    const { result, holdMs } = await measureHold(() => compareSteps(steps(namesA), steps(namesB)));
    expect(result.alignment).toBe("aligned");
    // only-a and only-b between two aligned pairs may come in either order: compare them as counts per gap.
    const gaps = (statuses: string[]) =>
      statuses
        .join(",")
        .split("same")
        .map((g) => g.split(",").filter(Boolean).sort().join(","));
    expect(gaps(result.rows.map((r) => r.status))).toEqual(gaps(expected));
    expect(result.rows.filter((r) => r.status === "same").every((r) => r.a!.name === r.b!.name)).toBe(true);
    expect(holdMs).toBeLessThan(HOLD_BOUND_MS);
  }, 60_000);

  it("lists steps too different to align in time one run after the other, keeping a common head and tail, and says so", async () => {
    const middle = Array.from({ length: 5000 }, (_, i) => `m${i}`);
    const a = steps(["flow", ...middle, "set-results"]);
    const b = steps(["flow", ...[...middle].reverse(), "set-results"]);
    const { result, holdMs } = await measureHold(() => compareSteps(a, b));
    expect(result.alignment).toBe("too-different");
    expect(result.rows.map((r) => r.status)).toEqual(["same", ...middle.map(() => "only-a"), ...middle.map(() => "only-b"), "same"]);
    expect(holdMs).toBeLessThan(HOLD_BOUND_MS);
  }, 60_000);

  it("sets aside steps of names the other run lacks: two runs of no name alike are listed without a diff", async () => {
    const a = steps(Array.from({ length: 5149 }, (_, i) => `chat ${i % 3}`));
    const b = steps(Array.from({ length: 5000 }, (_, i) => `tool ${i % 3}`));
    const { rows, alignment } = await compareSteps(a, b);
    expect(alignment).toBe("aligned");
    expect(rows.map((r) => r.status)).toEqual([...a.map(() => "only-a"), ...b.map(() => "only-b")]);
  });
});

describe("one comparison per pair and version", () => {
  it("gives readers of a pair at once the same comparison, and a new one once forgotten", async () => {
    const tag = randomUUID().slice(0, 8);
    const run = async (side: string) => {
      const spans = [
        { Seq: 0, Nesting: 0, Type: "flow", Name: `keep-${tag}`, Started: "2026-05-01T10:00:00Z", Finished: "2026-05-01T10:00:09Z" },
        { Seq: 1, Nesting: 1, Type: "tool", Name: "read-file", Started: "2026-05-01T10:00:01Z", Results: { Out: side } },
      ];
      const outcome = await importFiles([{ name: `${tag}-${side}.json`, content: Buffer.from(JSON.stringify(spans)) }], COMMAND_LINE);
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
      return outcome.jobs[0]!.id;
    };
    const [a, b] = [await run("a"), await run("b")];
    const [one, two] = await Promise.all([compareRuns(db(), a, b), compareRuns(db(), a, b)]);
    expect(one).toBe(two);
    expect(one.steps!.rows.map((r) => r.status)).toEqual(["same", "changed"]);
    expect(await compareRuns(db(), a, b)).toBe(one);
    // The other order is another comparison (A and B swap sides).
    expect((await compareRuns(db(), b, a)).a!.id).toBe(b);
    forgetComparisons();
    const three = await compareRuns(db(), a, b);
    expect(three).not.toBe(one);
    expect(three.steps!.rows.map((r) => r.status)).toEqual(["same", "changed"]);
    // A missing run gives its side null and no steps.
    expect(await compareRuns(db(), a, randomUUID())).toMatchObject({ b: null, steps: null });
  });
});
