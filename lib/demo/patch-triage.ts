// Demo patch-triage runs shaped like real ones: read-patch-diff, the patch-evaluator loop, If WorthFuzzing, kmsan-evaluator.
import type { ImportedRun } from "@/lib/trajectory/span";
import { TrajectoryBuilder, prng } from "@/lib/demo/trajectory-builder";

export interface TriageScenario {
  seed: number;
  start: Date;
  description: string;
  subsystem: string;
  files: string[];
  symbols: string[];
  configs: string[];
  worthFuzzing: boolean;
  needsKmsan: boolean;
  /** tool calls in the evaluator loop before set-results */
  steps: number;
  /** which steps (0-based) return a tool error */
  toolErrorSteps?: number[];
  /** the run dies with this error at the end of the evaluator loop */
  failWith?: string;
  /** the run is still going: the last spans have no Finished */
  running?: boolean;
  model?: string;
  /** the checkout the run triaged; a made-up path when absent */
  kernelSrc?: string;
  /** its `git show HEAD`, recorded as read-patch-diff's result; made up when absent */
  patchDiff?: string;
}

const TOOLS = ["grepper", "read-file", "codesearch-dir-index"] as const;

function patchDiff(s: TriageScenario): string {
  const file = s.files[0] ?? "kernel/fork.c";
  const sym = s.symbols[0] ?? "copy_process";
  return [
    "commit 8c1f0e6f2b2a7d1e4f3a9b0c5d6e7f8091a2b3c4",
    "Author: Demo Author <demo@example.org>",
    `Date:   ${s.start.toUTCString()}`,
    "",
    `    ${s.subsystem}: ${s.description}`,
    "",
    `diff --git a/${file} b/${file}`,
    "index 3b18f9a..7c2d4e1 100644",
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -120,7 +120,9 @@ static int ${sym}(struct inode *inode, loff_t pos)`,
    " {",
    " \tint err;",
    "-\tif (pos > i_size_read(inode))",
    "+\tif (unlikely(pos < 0))",
    "+\t\treturn -EINVAL;",
    "+\tif (pos >= i_size_read(inode))",
    " \t\treturn 0;",
    " \terr = do_work(inode, pos);",
    " \treturn err;",
  ].join("\n");
}

export function patchTriageRun(s: TriageScenario): ImportedRun {
  const rnd = prng(s.seed);
  const model = s.model ?? "gemini-3.1-pro-preview";
  const b = new TrajectoryBuilder(s.start);
  const args = { KernelSrc: s.kernelSrc ?? `/work/checkouts/${s.subsystem}`, TargetArch: "amd64" };
  const results = {
    EnableConfigs: s.worthFuzzing ? s.configs : [],
    FocusSymbols: s.worthFuzzing ? s.symbols : [],
    KMSANReasoning: s.needsKmsan ? "The change touches uninitialized-memory-prone paths: partial block buffers." : "",
    NeedsKMSAN: s.needsKmsan,
    Reasoning: s.worthFuzzing
      ? `The patch changes reachable ${s.subsystem} logic (${s.symbols.join(", ")}); fuzzing can exercise it from syscalls.`
      : `The patch only touches ${s.files.join(", ")}, which is not reachable from fuzzing (documentation or build-only change).`,
    WorthFuzzing: s.worthFuzzing,
  };
  const diff = s.patchDiff ?? patchDiff(s);
  const unfinished = { unfinished: Boolean(s.running) };

  b.group(
    "flow",
    "patch-triage",
    { Args: args },
    () => {
      b.leaf("action", "read-patch-diff", 400, { Args: { KernelSrc: args.KernelSrc }, Results: { PatchDiff: diff } });
      b.group(
        "agent",
        "patch-evaluator",
        {
          Model: "best-expensive",
          Instruction:
            "You are a Linux kernel expert. Decide whether the patch under review is worth fuzzing.\nUse the tools to read the code. Call set-results exactly once.",
          Prompt: `The patch under review:\n\n${diff}`,
        },
        () => {
          let promptTokens = 4200 + Math.round(rnd() * 900);
          for (let i = 0; i < s.steps; i++) {
            const tool = TOOLS[Math.floor(rnd() * TOOLS.length)]!;
            const last = s.running && i === s.steps - 1;
            b.leaf("llm", "patch-evaluator", 2000 + rnd() * 9000, {
              Model: model,
              Thoughts: `**Checking ${tool}**\n\nI need to see how \`${s.symbols[i % s.symbols.length] ?? "the symbol"}\` is used before deciding.`,
              InputTokens: promptTokens,
              OutputTokens: 20 + Math.round(rnd() * 60),
              OutputThoughtsTokens: 100 + Math.round(rnd() * 400),
            });
            // Context grows with each step until the agent compresses it, as real runs do.
            promptTokens = Math.min(promptTokens + 300 + Math.round(rnd() * 1500), 180_000);
            const sym = s.symbols[i % s.symbols.length] ?? "main";
            const failed = s.toolErrorSteps?.includes(i);
            // Calls that make sense on the demo checkouts (lib/demo/git-repo.ts), so replaying a demo run reproduces it.
            const source = s.files[0]?.endsWith(".c");
            // A failing step asks for what the tree lacks (lines past the end, a symbol or folder it has not), so its
            // error is the one the real tool gives; lib/demo/seed.ts records the real outputs on the demo checkouts.
            const dir = s.files[0]?.split("/").slice(0, -1).join("/");
            const prefix = s.files[0]?.split("/")[0];
            const toolArgs =
              tool === "read-file"
                ? failed
                  ? { File: s.files[0], FirstLine: 100_000, LastLine: 100_040 }
                  : { File: s.files[0], FirstLine: source ? 100 : 1, LastLine: source ? 140 : 16 }
                : tool === "grepper"
                  ? { Expression: failed ? `${sym}_gone` : sym, PathPrefix: prefix }
                  : { Dir: failed ? `${dir}/gone` : dir };
            const error =
              tool === "read-file"
                ? `file ${s.files[0]} has only 96 lines`
                : tool === "grepper"
                  ? `no matches for "${sym}_gone" under ${prefix}`
                  : `${dir}/gone does not exist in the kernel tree`;
            b.leaf(
              "tool",
              tool,
              50 + rnd() * 900,
              failed
                ? { Args: toolArgs, Error: error }
                : {
                    Args: toolArgs,
                    Results:
                      tool === "read-file"
                        ? { Contents: `static int ${sym}(struct inode *inode, loff_t pos)\n{\n\tint err;\n\t...\n}` }
                        : tool === "grepper"
                          ? {
                              Output: `${s.files[0]}:121:static int ${sym}(struct inode *inode, loff_t pos)\n${s.files[0]}:340:\terr = ${sym}(inode, iocb->ki_pos);`,
                            }
                          : { Files: s.files.map((f) => f.split("/").pop()) },
                  },
              last ? unfinished : {},
            );
          }
          if (s.running) return {};
          if (s.failWith) return {};
          b.leaf("llm", "patch-evaluator", 3000 + rnd() * 4000, {
            Model: model,
            Thoughts: "**Deciding**\n\nI have enough context to set the results.",
            InputTokens: promptTokens,
            OutputTokens: 180 + Math.round(rnd() * 100),
            OutputThoughtsTokens: 250 + Math.round(rnd() * 300),
          });
          // In the order of the built-in agent's set-results (lib/triage-agent/set-results.ts), as a replay logs it.
          const set = {
            WorthFuzzing: s.worthFuzzing,
            FocusSymbols: results.FocusSymbols,
            EnableConfigs: results.EnableConfigs,
            Reasoning: results.Reasoning,
          };
          b.leaf("tool", "set-results", 5, { Args: set, Results: set });
          return { Reply: results.Reasoning };
        },
        unfinished,
      );
      if (s.running) return {};
      if (s.failWith) return { Error: s.failWith };
      b.leaf("action", "If", 1, { Args: { Condition: "WorthFuzzing", Value: s.worthFuzzing } });
      if (s.worthFuzzing) {
        b.group(
          "agent",
          "kmsan-evaluator",
          { Model: "best-expensive", Instruction: "Decide whether KMSAN is needed to find bugs in this patch.", Prompt: diff },
          () => {
            b.leaf("llm", "kmsan-evaluator", 2500 + rnd() * 3000, {
              Model: model,
              InputTokens: 3100,
              OutputTokens: 90,
              OutputThoughtsTokens: 210,
            });
            const set = { NeedsKMSAN: s.needsKmsan, KMSANReasoning: results.KMSANReasoning };
            b.leaf("tool", "set-results", 4, { Args: set, Results: set });
            return { Reply: results.KMSANReasoning || "KMSAN is not needed." };
          },
        );
      }
      return { Results: results };
    },
    unfinished,
  );

  return {
    job: {
      Workflow: "patch-triage",
      Type: "patch-triage",
      Description: `[PATCH] ${s.subsystem}: ${s.description}`,
      Link: `https://lore.kernel.org/all/demo-${s.seed}@example.org/`,
      Args: args,
      Error: s.failWith,
      AgentName: "syz-agent-demo",
      CodeRevision: "a1b2c3d4e5f6",
    },
    spans: b.spans,
    source: "demo",
    minutePrecision: false,
  };
}

/** The small ext4 patch tests and benches triage: worth fuzzing, no KMSAN. Give seed, start, description and steps. */
export const EXT4_SCENARIO: Pick<TriageScenario, "subsystem" | "files" | "symbols" | "configs" | "worthFuzzing" | "needsKmsan"> = {
  subsystem: "ext4",
  files: ["fs/ext4/file.c"],
  symbols: ["ext4_dio_write_checks"],
  configs: ["EXT4_FS"],
  worthFuzzing: true,
  needsKmsan: false,
};

/**
 * A trajectory file (a JSON array of spans) of a patch-triage run of `steps` steps (~600 bytes each) whose flow, and
 * so its workflow, is named `workflow`: uploads of a chosen size for the import tests and benches. InputTokens are
 * dropped: a long run's growing contexts would pass the 32-bit per-span token field.
 */
export function triageFile(workflow: string, steps: number, seed = 3): { bytes: Buffer; spans: number } {
  const run = patchTriageRun({ ...EXT4_SCENARIO, seed, start: new Date("2026-11-03T00:00:00Z"), description: workflow, steps });
  run.spans[0]!.Name = workflow;
  for (const s of run.spans) delete s.InputTokens;
  return { bytes: Buffer.from(JSON.stringify(run.spans)), spans: run.spans.length };
}
