// The patch-triage workflow (formats doc §2): read the patch, evaluate it, and if worth fuzzing, decide on KMSAN.
import { z } from "zod";
import { runAgent, type AgentTool } from "./agent-loop";
import { AGENT_MAX_PATCH_BYTES } from "@/lib/limits";
import type { Checkout } from "./checkout";
import { openCheckout, type CheckoutPolicy } from "./confinement";
import { type Budget, callDeadline, JobError } from "./limits";
import type { Models } from "./models";
import { checkKmsanVerdict, checkPatchVerdict, kconfigSymbols, kmsanVerdictInput, patchVerdictInput } from "./set-results";
import type { SpanRecorder } from "./spans";
import { ToolError } from "./tool-error";
import { CODE_TOOLS, runCodeTool } from "./tools";

export const triageArgsSchema = z.object({ KernelSrc: z.string().optional(), TargetArch: z.string().optional() }).passthrough();

const EVALUATOR_INSTRUCTION = `You are a Linux kernel expert triaging a patch for fuzzing with syzkaller.
Decide whether fuzzing can reach and exercise the code the patch changes (documentation, build-only and
unreachable changes are not worth fuzzing). Use the tools to read the kernel tree. Then call set-results once with
WorthFuzzing, FocusSymbols (the changed functions fuzzing should target; empty when not worth fuzzing),
EnableConfigs (the Kconfig options that build the changed code, without the CONFIG_ prefix) and Reasoning.`;

const KMSAN_INSTRUCTION = `You are a Linux kernel expert. Decide whether KMSAN (the kernel memory sanitizer for uses of
uninitialized memory) is needed to find bugs in this patch. Use the tools if you need to read code, then call
set-results with NeedsKMSAN and KMSANReasoning.`;

function codeTools(co: Checkout): Record<string, AgentTool> {
  return Object.fromEntries(
    Object.entries(CODE_TOOLS).map(([name, t]) => [
      name,
      {
        description: t.description,
        input: t.input,
        capHint: "capHint" in t ? t.capHint : undefined,
        run: (args: unknown, signal: AbortSignal) => runCodeTool(co, name as keyof typeof CODE_TOOLS, args, signal),
      },
    ]),
  );
}

/**
 * The read-patch-diff action: opens the job's checkout (see ./confinement) and reads `git show HEAD`, cut at
 * AGENT_MAX_PATCH_BYTES, within one tool call's caps; a refused checkout, a git failure or a cap ends the job.
 */
async function readPatchDiff(kernelSrc: unknown, policy: CheckoutPolicy, budget: Budget): Promise<{ co: Checkout; diff: string }> {
  const seconds = policy.caps.seconds;
  const deadline = callDeadline(
    budget.signal,
    seconds,
    () => new JobError(`read-patch-diff took longer than ${seconds} s (AGENT_TOOL_SECONDS)`),
  );
  try {
    const co = await openCheckout(kernelSrc, policy, deadline.signal);
    const show = await co.git(["show", "--no-color", "--no-ext-diff", "--no-textconv", "HEAD"], deadline.signal, {
      maxBytes: AGENT_MAX_PATCH_BYTES,
      truncate: true,
    });
    if (show.code !== 0) throw new JobError(`git show HEAD failed in ${co.root}: ${show.stderr.trim().slice(0, 300)}`);
    return { co, diff: show.truncated ? `${show.stdout}\n… patch cut at ${AGENT_MAX_PATCH_BYTES} bytes` : show.stdout };
  } catch (e) {
    throw e instanceof ToolError ? new JobError(e.message) : e;
  } finally {
    deadline.dispose();
  }
}

/** Runs the whole workflow inside its flow span and returns the final results. */
export async function runPatchTriage(
  rawArgs: unknown,
  models: Models,
  rec: SpanRecorder,
  budget: Budget,
  policy: CheckoutPolicy,
): Promise<Record<string, unknown>> {
  const args = triageArgsSchema.parse(rawArgs ?? {});
  return rec.span("flow", "patch-triage", { Args: args }, async (flow) => {
    const { co, diff } = await rec.span("action", "read-patch-diff", { Args: { KernelSrc: args.KernelSrc } }, async (span) => {
      const read = await readPatchDiff(args.KernelSrc, policy, budget);
      span.Results = { PatchDiff: read.diff };
      return read;
    });

    let configs: Promise<Set<string>> | null = null;
    const tools = codeTools(co);
    // Read once per job, under the deadline of the set-results call that first needs them; read again after a failure.
    const knownConfigs = (signal: AbortSignal) =>
      (configs ??= kconfigSymbols(co, signal).catch((e: unknown) => {
        configs = null;
        throw e;
      }));
    const verdict = await runAgent(
      {
        name: "patch-evaluator",
        instruction: EVALUATOR_INSTRUCTION,
        prompt: `The patch under review (git show HEAD of the kernel tree):\n\n${diff}`,
        toolSeconds: co.caps.seconds,
        tools: {
          ...tools,
          "set-results": {
            description: "Give the verdict; call it once, at the end.",
            input: patchVerdictInput,
            run: (a, signal) => checkPatchVerdict(a, () => knownConfigs(signal)),
          },
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
          toolSeconds: co.caps.seconds,
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
