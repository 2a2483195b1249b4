// The patch-triage workflow (formats doc §2): read the patch, evaluate it, and if worth fuzzing, decide on KMSAN.
import { z } from "zod";
import { runAgent, type AgentTool } from "./agent-loop";
import { git, openCheckout, ToolError } from "./checkout";
import { type Budget, JobError } from "./limits";
import type { Models } from "./models";
import { checkKmsanVerdict, checkPatchVerdict, kconfigSymbols, kmsanVerdictInput, patchVerdictInput } from "./set-results";
import type { SpanRecorder } from "./spans";
import { CODE_TOOLS, describeInputError } from "./tools";

export const triageArgsSchema = z.object({ KernelSrc: z.string().optional(), TargetArch: z.string().optional() }).passthrough();

const MAX_PATCH_BYTES = 512 * 1024;

const EVALUATOR_INSTRUCTION = `You are a Linux kernel expert triaging a patch for fuzzing with syzkaller.
Decide whether fuzzing can reach and exercise the code the patch changes (documentation, build-only and
unreachable changes are not worth fuzzing). Use the tools to read the kernel tree. Then call set-results once with
WorthFuzzing, FocusSymbols (the changed functions fuzzing should target; empty when not worth fuzzing),
EnableConfigs (the Kconfig options that build the changed code, without the CONFIG_ prefix) and Reasoning.`;

const KMSAN_INSTRUCTION = `You are a Linux kernel expert. Decide whether KMSAN (the kernel memory sanitizer for uses of
uninitialized memory) is needed to find bugs in this patch. Use the tools if you need to read code, then call
set-results with NeedsKMSAN and KMSANReasoning.`;

function codeTools(root: string, budget: Budget): Record<string, AgentTool> {
  return Object.fromEntries(
    Object.entries(CODE_TOOLS).map(([name, t]) => [
      name,
      {
        description: t.description,
        input: t.input,
        async run(args: unknown) {
          const r = t.input.safeParse(args);
          if (!r.success) throw new ToolError(describeInputError(r.error));
          return t.run(root, r.data as never, budget.signal);
        },
      },
    ]),
  );
}

/** Runs the whole workflow inside its flow span and returns the final results. */
export async function runPatchTriage(rawArgs: unknown, models: Models, rec: SpanRecorder, budget: Budget): Promise<Record<string, unknown>> {
  const args = triageArgsSchema.parse(rawArgs ?? {});
  return rec.span("flow", "patch-triage", { Args: args }, async (flow) => {
    const { root, diff } = await rec.span("action", "read-patch-diff", { Args: { KernelSrc: args.KernelSrc } }, async (span) => {
      let root: string;
      try {
        root = await openCheckout(args.KernelSrc);
      } catch (e) {
        throw e instanceof ToolError ? new JobError(e.message) : e;
      }
      const show = await git(root, ["show", "--no-color", "HEAD"], budget.signal);
      if (show.code !== 0) throw new JobError(`git show HEAD failed in ${root}: ${show.stderr.trim().slice(0, 300)}`);
      const diff = show.stdout.length > MAX_PATCH_BYTES ? `${show.stdout.slice(0, MAX_PATCH_BYTES)}\n… patch cut at ${MAX_PATCH_BYTES} bytes` : show.stdout;
      span.Results = { PatchDiff: diff };
      return { root, diff };
    });

    let configs: Promise<Set<string>> | null = null;
    const knownConfigs = () => (configs ??= kconfigSymbols(root, budget.signal));
    const tools = codeTools(root, budget);
    const verdict = await runAgent(
      {
        name: "patch-evaluator",
        instruction: EVALUATOR_INSTRUCTION,
        prompt: `The patch under review (git show HEAD of the kernel tree):\n\n${diff}`,
        tools: {
          ...tools,
          "set-results": { description: "Give the verdict; call it once, at the end.", input: patchVerdictInput, run: (a) => checkPatchVerdict(a, knownConfigs) },
        },
      },
      models,
      rec,
      budget,
    );
    const worth = verdict.WorthFuzzing === true;
    await rec.span("action", "If", { Args: { Condition: "WorthFuzzing", Value: worth } }, async () => {});
    let kmsan: Record<string, unknown> = { NeedsKMSAN: false, KMSANReasoning: "" };
    if (worth) {
      kmsan = await runAgent(
        {
          name: "kmsan-evaluator",
          instruction: KMSAN_INSTRUCTION,
          prompt: diff,
          tools: { ...tools, "set-results": { description: "Give the KMSAN verdict.", input: kmsanVerdictInput, run: checkKmsanVerdict } },
        },
        models,
        rec,
        budget,
      );
    }
    const results = {
      EnableConfigs: verdict.EnableConfigs,
      FocusSymbols: verdict.FocusSymbols,
      KMSANReasoning: kmsan.KMSANReasoning ?? "",
      NeedsKMSAN: kmsan.NeedsKMSAN === true,
      Reasoning: verdict.Reasoning,
      WorthFuzzing: worth,
    };
    flow.Results = results;
    return results;
  });
}
