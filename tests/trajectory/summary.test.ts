import { describe, expect, it } from "vitest";
import {
  averageTokens,
  averageUs,
  callGroups,
  llmCallSeries,
  runTotals,
  stepSeries,
  timeSplit,
  totalOf,
  usageGroups,
} from "@/lib/trajectory/summary";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const spans = [
  { seq: 0, nesting: 0, type: "flow", name: "patch-triage", startedAt: at(0), finishedAt: at(60) },
  {
    seq: 1,
    nesting: 1,
    type: "llm",
    name: "patch-evaluator",
    startedAt: at(1),
    finishedAt: at(5),
    inputTokens: 100,
    outputTokens: 10,
    outputThoughtsTokens: 5,
  },
  { seq: 2, nesting: 1, type: "tool", name: "grepper", startedAt: at(5), finishedAt: at(7), error: "no matches" },
  { seq: 3, nesting: 1, type: "llm", name: "patch-evaluator", startedAt: at(7), finishedAt: at(13), inputTokens: 200, outputTokens: 20 },
  { seq: 4, nesting: 1, type: "tool", name: "grepper", startedAt: at(13), finishedAt: at(14) },
  { seq: 5, nesting: 1, type: "llm", name: "kmsan-evaluator", startedAt: at(14), finishedAt: null, inputTokens: 50 },
];

describe("runTotals", () => {
  it("counts calls, errors and tokens by kind, and wall time from first start to last finish", () => {
    expect(runTotals(spans)).toEqual({
      spanCount: 6,
      llmCalls: 3,
      toolCalls: 2,
      toolErrors: 1,
      inputTokens: 350,
      outputTokens: 30,
      thoughtsTokens: 5,
      durationMs: 60_000,
    });
  });

  it("has no duration while nothing has finished", () => {
    expect(runTotals([{ seq: 0, nesting: 0, type: "flow", name: "f", startedAt: at(0) }]).durationMs).toBeNull();
  });

  it("takes the run's duration from its flow span, never from a zero start time (the job's stored durationMs)", () => {
    const zero = new Date("0001-01-01T00:00:00Z");
    const withZero = [...spans.slice(0, 2), { ...spans[2]!, startedAt: zero }, ...spans.slice(3)];
    expect(runTotals(withZero).durationMs).toBe(60_000);
    // Without a valid flow span: from the valid spans only (1s … 14s).
    const noFlow = withZero.slice(1);
    expect(runTotals(noFlow).durationMs).toBe(13_000);
    // A flow span that finished before it started says nothing: the valid spans do.
    expect(runTotals([{ ...spans[0]!, finishedAt: at(-5) }, ...spans.slice(1)]).durationMs).toBe(13_000);
  });

  it("keeps sub-millisecond precision when given microseconds", () => {
    const T = Date.UTC(2026, 0, 1) * 1000;
    const us = [{ seq: 0, nesting: 0, type: "flow", name: "f", startUs: T, finishUs: T + 1_400 }];
    expect(runTotals(us).durationMs).toBe(1);
    expect(timeSplit(us).wallUs).toBe(1_400);
  });
});

describe("callGroups", () => {
  it("groups llm calls by agent with tokens and time; unfinished calls add no time and are not timed", () => {
    const g = callGroups(spans, "llm");
    expect(g).toEqual([
      { key: "patch-evaluator", calls: 2, timedCalls: 2, errors: 0, tokens: 335, totalUs: 10_000_000 },
      { key: "kmsan-evaluator", calls: 1, timedCalls: 0, errors: 0, tokens: 50, totalUs: 0 },
    ]);
    expect(totalOf(g)).toEqual({ key: "all", calls: 3, timedCalls: 2, errors: 0, tokens: 385, totalUs: 10_000_000 });
  });

  it("groups tool calls by tool with their errors", () => {
    expect(callGroups(spans, "tool")).toEqual([{ key: "grepper", calls: 2, timedCalls: 2, errors: 1, tokens: 0, totalUs: 3_000_000 }]);
  });
});

describe("usageGroups, timeSplit and llmCallSeries", () => {
  const withModels = spans.map((s) =>
    s.type === "llm" ? { ...s, model: s.seq === 3 ? "gemini-3.6-flash" : "gemini-3.1-pro-preview" } : s,
  );

  it("groups llm calls per agent and per model with tokens by kind, tool calls per tool, by time spent", () => {
    expect(usageGroups(withModels, "agent")).toEqual([
      {
        key: "patch-evaluator",
        calls: 2,
        timedCalls: 2,
        errors: 0,
        inputTokens: 300,
        outputTokens: 30,
        thoughtsTokens: 5,
        totalUs: 10_000_000,
      },
      { key: "kmsan-evaluator", calls: 1, timedCalls: 0, errors: 0, inputTokens: 50, outputTokens: 0, thoughtsTokens: 0, totalUs: 0 },
    ]);
    expect(usageGroups(withModels, "model").map((g) => [g.key, g.calls, g.totalUs])).toEqual([
      ["gemini-3.6-flash", 1, 6_000_000],
      ["gemini-3.1-pro-preview", 2, 4_000_000],
    ]);
    expect(usageGroups(withModels, "tool")).toEqual([
      { key: "grepper", calls: 2, timedCalls: 2, errors: 1, inputTokens: 0, outputTokens: 0, thoughtsTokens: 0, totalUs: 3_000_000 },
    ]);
  });

  it("averages over timed calls only: a call without a finish does not halve the average", () => {
    const unfinished = [...spans.slice(0, 4), { ...spans[4]!, finishedAt: null }];
    const [grepper] = usageGroups(unfinished, "tool");
    expect(grepper).toMatchObject({ calls: 2, timedCalls: 1, totalUs: 2_000_000 });
    expect(averageUs(grepper!)).toBe(2_000_000);
    expect(averageUs({ timedCalls: 0, totalUs: 0 })).toBeNull();
  });

  it("splits time between LLM calls and tools next to the wall time; a zero start gives tools no time", () => {
    expect(timeSplit(spans)).toEqual({ wallUs: 60_000_000, llmUs: 10_000_000, toolUs: 3_000_000, untimed: 1 });
    const zero = spans.map((s) => (s.seq === 2 ? { ...s, startedAt: new Date("0001-01-01T00:00:00Z") } : s));
    expect(timeSplit(zero)).toEqual({ wallUs: 60_000_000, llmUs: 10_000_000, toolUs: 1_000_000, untimed: 2 });
  });

  it("lists llm calls in order with their agent, seconds, tokens by kind and the tools whose results they read", () => {
    // The tools are upstream's ToolCalls (pkg/aflow/trajectory/html PopulateToolCalls): the next llm call reads them.
    expect(llmCallSeries(spans)).toEqual([
      { n: 1, seq: 1, agent: "patch-evaluator", seconds: 4, tokens: 115, inputTokens: 100, outputTokens: 10, thoughtsTokens: 5, tools: [] },
      {
        n: 2,
        seq: 3,
        agent: "patch-evaluator",
        seconds: 6,
        tokens: 220,
        inputTokens: 200,
        outputTokens: 20,
        thoughtsTokens: 0,
        tools: ["grepper"],
      },
      {
        n: 3,
        seq: 5,
        agent: "kmsan-evaluator",
        seconds: null,
        tokens: 50,
        inputTokens: 50,
        outputTokens: 0,
        thoughtsTokens: 0,
        tools: ["grepper"],
      },
    ]);
  });

  it("lists llm and tool steps for the time chart, as upstream's filteredSteps (Type llm or tool)", () => {
    expect(stepSeries(spans).map((p) => [p.seq, p.type, p.seconds])).toEqual([
      [1, "llm", 4],
      [2, "tool", 2],
      [3, "llm", 6],
      [4, "tool", 1],
      [5, "llm", null],
    ]);
  });

  it("averages tokens per llm call as upstream's LLM Calls Summary (all tokens / calls)", () => {
    const all = usageGroups(spans, "agent").find((g) => g.key === "patch-evaluator")!;
    expect(averageTokens(all)).toBe((115 + 220) / 2);
    expect(averageTokens({ calls: 0, inputTokens: 0, outputTokens: 0, thoughtsTokens: 0 })).toBeNull();
  });
});
