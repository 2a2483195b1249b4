import { describe, expect, it } from "vitest";
import {
  orderByParent,
  parentIndices,
  parentSeqs,
  stepKind,
  toolCallOwners,
  toolCallsByLlm,
  toolResultReaders,
  toolResultsByLlm,
} from "@/lib/trajectory/tree";
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

// Upstream's rule, checked against google/syzkaller pkg/aflow/trajectory/html/trajectory_test.go (TestPopulateToolCalls_*):
// the same span lists, the same expected ToolCalls (nil there is [] here), beside what our "decided by" rule says.
describe("toolResultReaders (upstream's PopulateToolCalls)", () => {
  const sp = (seq: number, nesting: number, type: string, name: string) => ({ seq, nesting, type, name });
  const readers = (spans: ReturnType<typeof sp>[]) => [
    ...toolResultReaders(
      spans.length,
      (i) => spans[i]!.nesting,
      (i) => stepKind(spans[i]!.type),
    ),
  ];

  it("Basic: a tool call goes to the following llm call at its nesting", () => {
    const spans = [sp(1, 1, "llm", "agent"), sp(2, 1, "tool", "tool1"), sp(3, 1, "llm", "agent")];
    expect(toolResultsByLlm(spans)).toEqual(
      new Map([
        [1, []],
        [3, ["tool1"]],
      ]),
    );
    expect(readers(spans)).toEqual([-1, 2, -1]);
    // …while it was decided by the call before it.
    expect(toolCallsByLlm(spans).get(1)).toEqual(["tool1"]);
  });

  it("MultipleTools: consecutive tool calls go together to the next llm call", () => {
    const spans = [sp(1, 1, "llm", "agent"), sp(2, 1, "tool", "tool1"), sp(3, 1, "tool", "tool2"), sp(4, 1, "llm", "agent")];
    expect(toolResultsByLlm(spans).get(1)).toEqual([]);
    expect(toolResultsByLlm(spans).get(4)).toEqual(["tool1", "tool2"]);
  });

  it("NestedAgents: a sub-agent's tools stay in the sub-agent, the outer tool goes to the outer agent's next call", () => {
    const spans = [
      sp(1, 2, "llm", "smarty"),
      sp(2, 2, "tool", "researcher"),
      sp(3, 4, "llm", "researcher"),
      sp(4, 4, "tool", "researcher-tool"),
      sp(5, 4, "llm", "researcher"),
      sp(6, 2, "llm", "smarty"),
    ];
    expect(toolResultsByLlm(spans)).toEqual(
      new Map([
        [1, []],
        [3, []], // should not steal "researcher"
        [5, ["researcher-tool"]],
        [6, ["researcher"]],
      ]),
    );
    expect(readers(spans)).toEqual([-1, 5, -1, 4, -1, -1]);
  });

  it("a tool at the end of one agent is read by none, not by the next agent's first call at that depth", () => {
    // Upstream keys its pending tools by nesting alone, so it would list "run-repro" on candidate-1's first call.
    const spans = [
      sp(1, 2, "iteration", "candidate-0"),
      sp(2, 3, "agent", "repro-writer"),
      sp(3, 4, "llm", "repro-writer"),
      sp(4, 4, "tool", "run-repro"),
      sp(5, 2, "iteration", "candidate-1"),
      sp(6, 3, "agent", "repro-writer"),
      sp(7, 4, "llm", "repro-writer"),
    ];
    expect(readers(spans)).toEqual([-1, -1, -1, -1, -1, -1, -1]);
    expect(toolResultsByLlm(spans).get(7)).toEqual([]);
  });

  it("a tool with no later llm call at its nesting (set-results, the run's end) is read by none", () => {
    const spans = [sp(1, 1, "llm", "agent"), sp(2, 1, "tool", "set-results")];
    expect(readers(spans)).toEqual([-1, -1]);
    expect(
      toolCallOwners(
        2,
        (i) => spans[i]!.nesting,
        (i) => stepKind(spans[i]!.type),
      )[1],
    ).toBe(0);
  });
});

describe("orderByParent", () => {
  it("puts siblings that start in the same millisecond in the order they ended (the JS SDK stamps starts to the ms)", () => {
    // "z-tool" ended before "a-llm" did, though its id sorts after: the tool came first.
    const order = orderByParent([
      { id: "root", parent: null, start: 0n, end: 9_000_000n },
      { id: "a-llm", parent: "root", start: 5_000_000n, end: 8_000_000n },
      { id: "z-tool", parent: "root", start: 5_000_000n, end: 5_100_000n },
      { id: "b-open", parent: "root", start: 5_000_000n, end: null },
    ]);
    expect(["root", "z-tool", "a-llm", "b-open"].map((id) => order.get(id)!.seq)).toEqual([0, 1, 2, 3]);
  });

  it("with maxNesting, a span that would nest deeper starts a root, its subtree under it, after the true roots' spans", () => {
    // a → b → c → d → e, and f beside a: a cap of 1 cuts the chain into a–b, c–d, e.
    const chain = ["a", "b", "c", "d", "e"].map((id, i, ids) => ({ id, parent: i ? ids[i - 1]! : null, start: BigInt(i) }));
    const order = orderByParent([...chain, { id: "f", parent: null, start: 9n }], { maxNesting: 1 });
    expect(["a", "b", "f", "c", "d", "e"].map((id) => [order.get(id)!.seq, order.get(id)!.nesting, order.get(id)!.parentSeq])).toEqual([
      [0, 0, null],
      [1, 1, 0],
      [2, 0, null],
      [3, 0, null],
      [4, 1, 3],
      [5, 0, null],
    ]);
  });
});
