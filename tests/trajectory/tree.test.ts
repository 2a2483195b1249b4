import { describe, expect, it } from "vitest";
import { buildTree, parentSeqs, toolCallsByLlm } from "@/lib/trajectory/tree";

const s = (seq: number, nesting: number, type = "action", name = `s${seq}`) => ({ seq, nesting, type, name });

describe("parentSeqs", () => {
  it("takes the nearest earlier span one level up", () => {
    const spans = [s(0, 0), s(1, 1), s(2, 1), s(3, 2), s(4, 2), s(5, 1), s(6, 2)];
    expect(parentSeqs(spans)).toEqual([null, 0, 0, 2, 2, 0, 5]);
  });

  it("makes a span whose parent level is missing a root instead of inventing a parent", () => {
    expect(parentSeqs([s(0, 0), s(1, 3)])).toEqual([null, null]);
  });

  it("does not reuse a closed deeper level after returning up", () => {
    // seq 4 at nesting 2 must hang under 3 (nesting 1), not under 1's old child 2
    expect(parentSeqs([s(0, 0), s(1, 1), s(2, 2), s(3, 1), s(4, 2)])).toEqual([null, 0, 1, 0, 3]);
  });
});

describe("buildTree", () => {
  it("nests children under parents in seq order", () => {
    const roots = buildTree([s(0, 0), s(1, 1), s(2, 2), s(3, 1)]);
    expect(roots).toHaveLength(1);
    expect(roots[0]!.children.map((c) => c.span.seq)).toEqual([1, 3]);
    expect(roots[0]!.children[0]!.children.map((c) => c.span.seq)).toEqual([2]);
  });
});

describe("toolCallsByLlm", () => {
  it("lists the tool spans after an llm span at the same nesting, up to the next llm span", () => {
    const spans = [
      s(0, 0, "flow"),
      s(1, 1, "agent"),
      s(2, 2, "llm", "eval"),
      s(3, 2, "tool", "grepper"),
      s(4, 2, "tool", "read-file"),
      s(5, 2, "llm", "eval"),
      s(6, 2, "tool", "set-results"),
      s(7, 1, "action", "If"),
      s(8, 1, "tool", "stray"),
    ];
    const calls = toolCallsByLlm(spans);
    expect(calls.get(2)).toEqual(["grepper", "read-file"]);
    expect(calls.get(5)).toEqual(["set-results"]);
    expect(calls.size).toBe(2);
  });
});
