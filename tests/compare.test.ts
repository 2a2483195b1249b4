import { describe, expect, it } from "vitest";
import { alignSteps, compareTotals, compareVerdicts } from "@/lib/compare/align";

const step = (seq: number, type: string, name: string, args: unknown = null, results: unknown = null, error: string | null = null) => ({
  seq, nesting: 2, type, name, args, results, error,
});

describe("compare", () => {
  it("marks verdict fields that differ", () => {
    const rows = compareVerdicts("patch-triage", { WorthFuzzing: true, FocusSymbols: ["a"], Reasoning: "x" }, { WorthFuzzing: false, FocusSymbols: ["a"] });
    // In the workflow's order (lib/workflows), main verdict first.
    expect(rows.map((r) => [r.name, r.differs])).toEqual([
      ["WorthFuzzing", true],
      ["FocusSymbols", false],
      ["Reasoning", true],
    ]);
  });

  it("aligns steps by type and name, marking changed payloads and steps only one run has", () => {
    const a = [step(0, "llm", "eval"), step(1, "tool", "grepper", { E: "x" }, { Out: "1" }), step(2, "llm", "eval"), step(3, "tool", "set-results", { W: true })];
    const b = [step(0, "llm", "eval"), step(1, "tool", "grepper", { E: "x" }, { Out: "2" }), step(2, "llm", "eval"), step(3, "tool", "read-file"), step(4, "llm", "eval"), step(5, "tool", "set-results", { W: true })];
    const rows = alignSteps(a, b);
    expect(rows.map((r) => r.status)).toEqual(["same", "changed", "same", "only-b", "only-b", "same"]);
    const changed = rows[1]!.diff!;
    expect(changed.some((p) => p.removed && p.value.includes('"Out": "1"'))).toBe(true);
    expect(changed.some((p) => p.added && p.value.includes('"Out": "2"'))).toBe(true);
  });

  it("computes deltas of totals, none where a side is unknown", () => {
    expect(compareTotals({ tokens: 100, ms: null }, { tokens: 150, ms: 5 }, ["tokens", "ms"])).toEqual([
      { name: "tokens", a: 100, b: 150, delta: 50 },
      { name: "ms", a: null, b: 5, delta: null },
    ]);
  });
});
