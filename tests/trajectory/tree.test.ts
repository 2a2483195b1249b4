import { describe, expect, it } from "vitest";
import { parentIndices, parentSeqs, stepKind, toolCallOwners, toolCallsByLlm } from "@/lib/trajectory/tree";
import { recordedSteps } from "@/lib/triage-agent/replay";

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

describe("parentIndices", () => {
  it("gives indices, -1 for roots, for any layout", () => {
    const nesting = [0, 1, 2, 1, 2, 0];
    expect([...parentIndices(nesting.length, (i) => nesting[i]!)]).toEqual([-1, 0, 1, 0, 3, -1]);
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

describe("one tool-call rule for the tree, the export and the replay", () => {
  // Upstream's TestLLMJudge: a judge agent runs after the loop, at the llm spans' nesting.
  const judge = [
    s(0, 0, "flow", "test"),
    s(1, 1, "agent", "smarty"),
    s(2, 2, "llm", "smarty"),
    s(3, 2, "tool", "tick"),
    s(4, 2, "llm", "smarty"),
    s(5, 2, "tool", "tick"),
    s(6, 2, "agent", "test-judge"),
    s(7, 3, "llm", "test-judge"),
    s(8, 3, "tool", "set-results"),
    s(9, 2, "tool", "late"),
  ];

  it("ends an llm step's calls at any other span of its level (a judge agent)", () => {
    const owners = toolCallOwners(
      judge.length,
      (i) => judge[i]!.nesting,
      (i) => stepKind(judge[i]!.type),
    );
    expect([...owners]).toEqual([-1, -1, -1, 2, -1, 4, -1, -1, 7, -1]);
    expect(toolCallsByLlm(judge)).toEqual(
      new Map([
        [2, ["tick"]],
        [4, ["tick"]],
        [7, ["set-results"]],
      ]),
    );
  });

  it("replays exactly those calls, and the agent's reply on its last step", () => {
    const spans = judge.map((x) => ({
      Seq: x.seq,
      Nesting: x.nesting,
      Type: x.type,
      Name: x.name,
      Started: "2026-01-01T00:00:00Z",
      ...(x.type === "tool" ? { Args: { n: x.seq } } : {}),
      ...(x.name === "smarty" && x.type === "agent" ? { Reply: "done" } : {}),
    }));
    const steps = recordedSteps(spans);
    expect(steps.get("smarty")!.map((st) => st.calls.map((c) => c.args))).toEqual([[{ n: 3 }], [{ n: 5 }]]);
    expect(steps.get("smarty")!.map((st) => st.reply)).toEqual([undefined, "done"]);
    expect(steps.get("test-judge")![0]!.calls).toEqual([{ name: "set-results", args: { n: 8 } }]);
  });
});
