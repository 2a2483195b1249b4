// Runaway tool calls: a regular expression that eats memory or time is stopped at its cap as a tool error, and the
// job goes on. Real git in a real checkout, the real workflow driven by the replay model.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Span } from "@/lib/trajectory/span";
import type { Checkout } from "@/lib/triage-agent/checkout";
import { openCheckout } from "@/lib/triage-agent/confinement";
import { memoryCapSupport } from "@/lib/triage-agent/git";
import { Budget } from "@/lib/triage-agent/limits";
import { createModels } from "@/lib/triage-agent/models";
import type { RecordedStep } from "@/lib/triage-agent/replay";
import { SpanRecorder } from "@/lib/triage-agent/spans";
import { grepper } from "@/lib/triage-agent/tools";
import { runPatchTriage } from "@/lib/triage-agent/workflow";
import { policy, tempKernel } from "./repo";

const MB = 1024 * 1024;
// Enough time for the memory eater to reach the memory cap first on a busy machine; the time eater needs minutes.
const CAPS = { seconds: 10, memoryBytes: 256 * MB };
// Counted repetitions nested three deep: glibc's regex compiler grows by hundreds of MB a second.
const MEMORY_EATER = "((a{1,100}){1,100}){1,100}";
// No backreference, little memory, but minutes of matching over long lines of a's (the time grows with line length).
const TIME_EATER = "(.*a){12}c";

let t: ReturnType<typeof tempKernel>;
let co: Checkout;
beforeAll(async () => {
  t = tempKernel();
  // A 12 MB generated header of long lines the patterns run over, tracked so git grep searches it.
  writeFileSync(path.join(t.root, "drivers", "big_regs.h"), `${"a".repeat(2000)}\n`.repeat(6000));
  execFileSync("git", ["add", "drivers/big_regs.h"], { cwd: t.root });
  co = await openCheckout(t.root, policy([t.parent], { caps: CAPS }));
});
afterAll(() => t.remove());

/** Peak address space (VmPeak, bytes) of the live processes whose command line holds `marker`, sampled every 20 ms. */
function watchPeak(marker: string): { stop(): number; alive(): number } {
  let peak = 0;
  const matching = () =>
    readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .flatMap((pid) => {
        try {
          if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) return [];
          return [Number(/VmPeak:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024];
        } catch {
          return []; // gone meanwhile
        }
      });
  const timer = setInterval(() => (peak = Math.max(peak, ...matching())), 20);
  return { stop: () => (clearInterval(timer), peak), alive: () => matching().length };
}

describe("grepper's caps", () => {
  test("git runs under the memory cap on this machine (prlimit from util-linux)", () => {
    expect(memoryCapSupport()).toEqual({ available: true, how: "prlimit --as" });
  });

  test("nested quantifiers stop at the memory cap with a tool error saying which cap and how to narrow the search", async () => {
    // A long deadline: the memory cap, not the clock, must be what stops it.
    const patient = await openCheckout(t.root, policy([t.parent], { caps: { ...CAPS, seconds: 120 } }));
    const watch = watchPeak(MEMORY_EATER);
    const error = await grepper(patient, { Expression: MEMORY_EATER, PathPrefix: "drivers" }).then(
      () => null,
      (e: Error) => e,
    );
    const peak = watch.stop();
    expect(error?.message).toBe(
      "grepper: git grep ran out of memory: it needed more than the memory cap of 256 MB (AGENT_TOOL_MEMORY_MB) and was stopped; " +
        "narrow the search: give a PathPrefix, and a simpler Expression (no nested or large counted repetitions such as ((a{1,100}){1,100}), no backreferences)",
    );
    // The address space git ever had stayed under the cap (and was really used: it is no idle process).
    expect(peak).toBeGreaterThan(100 * MB);
    expect(peak).toBeLessThanOrEqual(CAPS.memoryBytes);
  });

  test("backreferences are refused before git runs", async () => {
    await expect(grepper(co, { Expression: "(a*)*\\1\\1b" })).rejects.toThrow(
      "backreferences (\\1 … \\9) are not supported: matching them over a kernel tree can take minutes; search for the parts separately",
    );
    // An escaped backslash before a digit is a literal backslash and a digit, not a backreference.
    await expect(grepper(co, { Expression: "\\\\1" })).rejects.toThrow('no matches for "\\\\1"');
  });
});

test("a run whose model asks for runaway searches: each stops at its cap as the tool's error, git is gone, and the job finishes", async () => {
  const verdict = { WorthFuzzing: false, FocusSymbols: [], EnableConfigs: [], Reasoning: "the searches failed; not worth it" };
  const evaluator: RecordedStep[] = [
    { model: "m", calls: [{ name: "grepper", args: { Expression: TIME_EATER, PathPrefix: "drivers" } }] },
    { model: "m", calls: [{ name: "grepper", args: { Expression: MEMORY_EATER } }] },
    {
      model: "m",
      calls: [
        { name: "read-file", args: { File: "../../../../etc/passwd" } },
        { name: "codesearch-dir-index", args: { Dir: ".git" } },
      ],
    },
    { model: "m", calls: [{ name: "set-results", args: verdict }], reply: "done" },
  ];
  const models = createModels({ provider: "replay" }, undefined, { jobId: "recorded", steps: new Map([["patch-evaluator", evaluator]]) });
  const spans = new Map<number, Span>();
  const rec = new SpanRecorder(async (s) => void spans.set(s.Seq, s));
  const budget = new Budget({ maxLlmCalls: 20, maxTokens: 1_000_000, maxSeconds: 120 });
  const watch = watchPeak(TIME_EATER);
  try {
    const results = await runPatchTriage({ KernelSrc: t.root }, models, rec, budget, policy([t.parent], { caps: CAPS }));
    expect(results).toMatchObject({ WorthFuzzing: false, Reasoning: verdict.Reasoning });
  } finally {
    budget.dispose();
  }
  // Killed with its process group at the deadline, not left running in the background.
  await new Promise((r) => setTimeout(r, 200));
  expect(watch.alive()).toBe(0);
  watch.stop();
  const tools = [...spans.values()].filter((s) => s.Type === "tool").map((s) => [s.Name, s.Error ?? null, s.Results ?? null]);
  expect(tools).toEqual([
    [
      "grepper",
      "grepper ran longer than the 10 s cap of a tool call (AGENT_TOOL_SECONDS) and was stopped; narrow the search: give a PathPrefix, and a simpler Expression (no nested or large counted repetitions such as ((a{1,100}){1,100}), no backreferences)",
      null,
    ],
    ["grepper", expect.stringMatching(/^grepper: git grep ran out of memory: it needed more than the memory cap of 256 MB/), null],
    ["read-file", "../../../../etc/passwd is outside the kernel tree", null],
    ["codesearch-dir-index", ".git is git metadata, not source", null],
    ["set-results", null, verdict],
  ]);
});
