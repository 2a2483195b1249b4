// Comparing two runs: verdict fields, steps aligned with their payloads diffed line by line, totals with deltas.
import { describe, expect, it } from "vitest";
import { alignSteps, compareTotals, compareVerdicts } from "@/lib/compare/align";
import { comparePayloads, lineEndings, payloadText } from "@/lib/compare/payload";

const step = (seq: number, type: string, name: string, args: unknown = null, results: unknown = null, error: string | null = null) => ({
  seq,
  nesting: 2,
  type,
  name,
  args: args == null ? null : JSON.stringify(args),
  results: results == null ? null : JSON.stringify(results),
  error,
});

const PATCH = [
  "commit 0123",
  "",
  "diff --git a/mm/demo.c b/mm/demo.c",
  "@@ -10,7 +10,9 @@",
  "-\tp = kmalloc(size);",
  "+\tif (size > MAX)",
  "+\t\treturn NULL;",
  "",
];

describe("compare", () => {
  it("marks verdict fields that differ", () => {
    const rows = compareVerdicts(
      "patch-triage",
      { WorthFuzzing: true, FocusSymbols: ["a"], Reasoning: "x" },
      { WorthFuzzing: false, FocusSymbols: ["a"] },
    );
    // In the workflow's order (lib/workflows), main verdict first.
    expect(rows.map((r) => [r.name, r.differs])).toEqual([
      ["WorthFuzzing", true],
      ["FocusSymbols", false],
      ["Reasoning", true],
    ]);
  });

  it("aligns steps by type and name, marking changed payloads and steps only one run has", async () => {
    const a = [
      step(0, "llm", "eval"),
      step(1, "tool", "grepper", { E: "x" }, { Out: "1" }),
      step(2, "llm", "eval"),
      step(3, "tool", "set-results", { W: true }),
    ];
    const b = [
      step(0, "llm", "eval"),
      step(1, "tool", "grepper", { E: "x" }, { Out: "2" }),
      step(2, "llm", "eval"),
      step(3, "tool", "read-file"),
      step(4, "llm", "eval"),
      step(5, "tool", "set-results", { W: true }),
    ];
    const rows = await alignSteps(a, b);
    expect(rows.map((r) => r.status)).toEqual(["same", "changed", "same", "only-b", "only-b", "same"]);
    const changed = rows[1]!.diff!;
    expect(changed.kind).toBe("content");
    expect(changed.parts.some((p) => p.removed && p.value.includes('"Out": "1"'))).toBe(true);
    expect(changed.parts.some((p) => p.added && p.value.includes('"Out": "2"'))).toBe(true);
  });

  it("diffs a multi-line string inside a payload line by line", () => {
    const a = payloadText(step(1, "action", "read-patch-diff", null, { PatchDiff: PATCH.join("\n") }));
    const b = payloadText(step(1, "action", "read-patch-diff", null, { PatchDiff: PATCH.join("\n").replace("MAX", "DEMO_MAX") }));
    expect(a.text).toContain("│ +\tif (size > MAX)");
    const d = comparePayloads(a, b)!;
    expect(d.kind).toBe("content");
    const removed = d.parts.filter((p) => p.removed).map((p) => p.value);
    expect(removed).toEqual(["    │ +\tif (size > MAX)\n"]);
  });

  it("says when only line endings differ, and when only trailing whitespace does", async () => {
    const lf = payloadText(step(1, "action", "read-patch-diff", null, { PatchDiff: PATCH.join("\n") }));
    const crlf = payloadText(step(1, "action", "read-patch-diff", null, { PatchDiff: PATCH.join("\r\n") }));
    expect([lf.endings, crlf.endings]).toEqual(["LF", "CRLF"]);
    expect([lineEndings("a\r\nb\nc"), lineEndings("abc")]).toEqual(["mixed", "none"]);
    const d = comparePayloads(crlf, lf)!;
    expect(d.kind).toBe("line-endings");
    expect(d.endings).toBe("line endings differ: A uses CRLF, B uses LF");
    const spaced = payloadText(step(1, "action", "read-patch-diff", null, { PatchDiff: PATCH.join("  \n") }));
    expect(comparePayloads(spaced, lf)!.kind).toBe("trailing-whitespace");
    const rows = await alignSteps(
      [step(1, "action", "read-patch-diff", null, { PatchDiff: PATCH.join("\r\n") })],
      [step(1, "action", "read-patch-diff", null, { PatchDiff: PATCH.join("\n") })],
    );
    expect(rows[0]).toMatchObject({ status: "changed", diff: { kind: "line-endings" } });
    expect(comparePayloads(lf, lf)).toBeNull();
  });

  it("says when only the key order differs, and not when a value does (big integers compared as written)", () => {
    const a = payloadText({ args: '{"File":"a.c","Line":7,"Big":12345678901234567890}', results: '{"x":[{"p":1,"q":2}]}', error: null });
    const b = payloadText({ args: '{"Line":7,"Big":12345678901234567890,"File":"a.c"}', results: '{"x":[{"q":2,"p":1}]}', error: null });
    expect(comparePayloads(a, b)!.kind).toBe("key-order");
    const c = payloadText({ args: '{"Line":7,"Big":12345678901234567891,"File":"a.c"}', results: '{"x":[{"q":2,"p":1}]}', error: null });
    expect(comparePayloads(a, c)!.kind).toBe("content");
    // Arrays keep their order: reordered items are a change.
    const d = payloadText({ args: '{"File":"a.c","Line":7,"Big":12345678901234567890}', results: '{"x":[{"p":1,"q":2},1]}', error: null });
    const e = payloadText({ args: '{"File":"a.c","Line":7,"Big":12345678901234567890}', results: '{"x":[1,{"p":1,"q":2}]}', error: null });
    expect(comparePayloads(d, e)!.kind).toBe("content");
  });

  it("keeps the agent's key order in the text it compares", () => {
    const text = payloadText({ args: '{"b":1,"10":2,"a":3}', results: null, error: null });
    expect(text.text).toBe('Args:\n{\n  "b": 1,\n  "10": 2,\n  "a": 3\n}\n');
  });

  it("stops diffing at its time budget: payloads shown whole, steps unaligned", async () => {
    // Every line differs: a shortest-edit diff of these took 12 s of the server's thread, steps of 5,000 each 4 s.
    const lines = (p: string) => Array.from({ length: 8000 }, (_, i) => `${p}${i}`).join("\n");
    const started = performance.now();
    const [row] = await alignSteps(
      [step(1, "tool", "read-file", { Text: lines("a") })],
      [step(1, "tool", "read-file", { Text: lines("b") })],
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(row!.status).toBe("changed");
    expect(row!.diff!.whole).toBe(true);
    expect(row!.diff!.parts.map((p) => [p.removed, p.added, p.count])).toEqual([
      [true, false, 8005],
      [false, true, 8005],
    ]);

    const a = Array.from({ length: 5000 }, (_, i) => step(i, "tool", `a${i}`));
    const b = Array.from({ length: 5000 }, (_, i) => step(i, "tool", `b${i}`));
    const rows = await alignSteps(a, b, { ms: 0 });
    expect(rows.map((r) => r.status)).toEqual([...a.map(() => "only-a"), ...b.map(() => "only-b")]);
    // Within the budget the usual diff is kept.
    expect(
      comparePayloads(payloadText(step(1, "tool", "t", { x: 1 })), payloadText(step(1, "tool", "t", { x: 2 })))!.whole,
    ).toBeUndefined();
  });

  it("computes deltas of totals, none where a side is unknown", () => {
    expect(compareTotals({ tokens: 100, ms: null }, { tokens: 150, ms: 5 }, ["tokens", "ms"])).toEqual([
      { name: "tokens", a: 100, b: 150, delta: 50 },
      { name: "ms", a: null, b: 5, delta: null },
    ]);
  });
});
