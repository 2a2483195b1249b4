// Reading a recorded run's decisions, and the replay model answering with them.
import { generateText, tool } from "ai";
import { z } from "zod";
import { describe, expect, test } from "vitest";
import { patchTriageRun } from "@/lib/demo/patch-triage";
import { recordedSteps, replayModel } from "@/lib/triage-agent/replay";

const demo = patchTriageRun({
  seed: 3,
  start: new Date("2026-01-01T00:00:00Z"),
  description: "d",
  subsystem: "net",
  files: ["net/ipv4/tcp.c"],
  symbols: ["tcp_recvmsg"],
  configs: ["INET"],
  worthFuzzing: true,
  needsKmsan: false,
  steps: 3,
  model: "m-1",
});

describe("recordedSteps", () => {
  test("each llm span's decisions are the tool spans after it at its nesting; the last step carries the reply", () => {
    const steps = recordedSteps(demo.spans);
    const evaluator = steps.get("patch-evaluator")!;
    expect(evaluator).toHaveLength(4);
    expect(evaluator.slice(0, 3).every((s) => s.calls.length === 1)).toBe(true);
    const toolSpans = demo.spans.filter((s) => s.Type === "tool" && s.Nesting === 2);
    expect(evaluator.flatMap((s) => s.calls)).toEqual(toolSpans.slice(0, 4).map((s) => ({ name: s.Name, args: s.Args })));
    expect(evaluator[3]!.calls[0]!.name).toBe("set-results");
    expect(evaluator[3]!.reply).toMatch(/reachable net logic/);
    expect(evaluator[0]!.reply).toBeUndefined();
    expect(steps.get("kmsan-evaluator")).toHaveLength(1);
  });
  test("compression calls are not decisions", () => {
    const spans = [...demo.spans];
    const llm = spans.find((s) => s.Type === "llm")!;
    spans.splice(spans.indexOf(llm), 0, { ...llm, Name: "patch-evaluator-compressor" });
    expect(recordedSteps(spans).has("patch-evaluator-compressor")).toBe(false);
  });
});

test("the replay model answers generateText with the recorded tool calls, then runs out with a clear error", async () => {
  const recording = {
    jobId: "J1",
    steps: new Map([["a", [{ model: "m-1", thoughts: "think", calls: [{ name: "grepper", args: { Expression: "x" } }] }]]]),
  };
  const model = replayModel(recording, "a");
  const tools = { grepper: tool({ description: "g", inputSchema: z.object({ Expression: z.string() }) }) };
  const r = await generateText({ model, prompt: "p", tools, maxRetries: 0 });
  expect(r.toolCalls.map((c) => [c.toolName, c.input])).toEqual([["grepper", { Expression: "x" }]]);
  expect(r.reasoningText).toBe("think");
  expect(r.response.modelId).toBe("replay:m-1");
  await expect(generateText({ model, prompt: "p", tools, maxRetries: 0 })).rejects.toThrow("has no more decisions for a after 1 calls");
});
