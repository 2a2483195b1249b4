// Tool outputs as this agent's tools give them on a checkout, for runs whose recorded outputs were made up (the demo's):
// a replay of such a run then makes the same calls and gets the same answers, so Compare shows no difference that
// the tree did not make.
import "server-only";
import { realpath } from "node:fs/promises";
import type { ImportedRun, Span } from "@/lib/trajectory/span";
import { Checkout } from "./checkout";
import type { ToolCaps } from "./git";
import { isCodeTool, runCodeTool } from "./tools";
import { ToolError } from "./tool-error";

/**
 * The run with each code-tool span's Results or Error replaced by what that tool gives now, with the span's Args, on
 * the checkout its job's Args.KernelSrc names; the run unchanged when that is no folder. Only for checkouts the app
 * made itself (the demo's, lib/demo/git-repo.ts): nothing here applies the agent's confinement rules. Each call runs
 * under `caps`; errors other than ToolError (git missing, a cap) are thrown.
 */
export async function recordToolOutputs(run: ImportedRun, caps: ToolCaps): Promise<ImportedRun> {
  const kernelSrc = (run.job.Args as Record<string, unknown> | undefined)?.KernelSrc;
  if (typeof kernelSrc !== "string") return run;
  const root = await realpath(kernelSrc).catch(() => null);
  if (!root) return run;
  const co = new Checkout(root, caps);
  const spans: Span[] = [];
  for (const span of run.spans) {
    if (span.Type !== "tool" || !isCodeTool(span.Name ?? "")) {
      spans.push(span);
      continue;
    }
    const { Results: _results, Error: _error, ...rest } = span;
    try {
      spans.push({ ...rest, Results: await runCodeTool(co, span.Name as Parameters<typeof runCodeTool>[1], span.Args) });
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      spans.push({ ...rest, Error: e.message });
    }
  }
  return { ...run, spans };
}
