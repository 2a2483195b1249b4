// The set-results tool of each triage agent, validated the way the patch-triage workflow demands.
import { z } from "zod";
import type { Checkout } from "./checkout";
import { ToolError } from "./tool-error";
import { describeInputError } from "./tools";

export const patchVerdictInput = z.object({
  WorthFuzzing: z.boolean().describe("true when fuzzing can reach and exercise the changed code"),
  FocusSymbols: z.array(z.string()).default([]).describe("functions fuzzing should focus on; empty when not worth fuzzing"),
  EnableConfigs: z.array(z.string()).default([]).describe("kernel configs needed to build the changed code, without CONFIG_"),
  Reasoning: z.string({ error: "required (a few sentences on why)" }).describe("why, in a few sentences"),
});

export const kmsanVerdictInput = z.object({
  NeedsKMSAN: z.boolean().describe("true when KMSAN (uninitialized memory) is needed to find bugs in this patch"),
  KMSANReasoning: z.string().default("").describe("why"),
});

export type PatchVerdict = z.infer<typeof patchVerdictInput>;
export type KmsanVerdict = z.infer<typeof kmsanVerdictInput>;

/** Every config symbol the tree's Kconfig files define (`config X` / `menuconfig X`), from files inside the tree only. */
export async function kconfigSymbols(co: Checkout, signal?: AbortSignal): Promise<Set<string>> {
  const r = await co.git(
    [
      "grep",
      "-z",
      "-I",
      "--no-color",
      "--no-textconv",
      "-E",
      "-e",
      "^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+",
      "--",
      ":(glob)**/Kconfig*",
    ],
    signal,
  );
  if (r.code > 1) throw new ToolError(`reading Kconfig files failed: ${r.stderr.trim().slice(0, 300)}`);
  const names = new Set<string>();
  const inside = new Map<string, boolean>();
  for (const line of r.stdout.split("\n")) {
    const [file, text] = line.split("\0");
    const m = text === undefined ? null : /^\s*(?:menu)?config\s+([A-Za-z0-9_]+)/.exec(text);
    if (!m) continue;
    // A Kconfig folder swapped for a symlink would lead outside the tree (see tools.ts's grepper).
    if (!inside.has(file!))
      inside.set(
        file!,
        await co.inside(file!).then(
          () => true,
          () => false,
        ),
      );
    if (inside.get(file!)) names.add(m[1]!);
  }
  return names;
}

function parseArgs<T extends z.ZodType>(schema: T, args: unknown): z.infer<T> {
  const r = schema.safeParse(args);
  if (!r.success) throw new ToolError(describeInputError(r.error));
  return r.data;
}

/** Checks the patch-evaluator's verdict; a ToolError goes back to the model, which then tries again. */
export async function checkPatchVerdict(args: unknown, configs: () => Promise<Set<string>>): Promise<PatchVerdict> {
  const v = parseArgs(patchVerdictInput, args);
  const problems: string[] = [];
  if (!v.Reasoning.trim()) problems.push("Reasoning is required");
  if (!v.WorthFuzzing && v.FocusSymbols.length > 0) problems.push("FocusSymbols must be empty when WorthFuzzing is false");
  const enable = [...new Set(v.EnableConfigs.map((c) => c.trim().replace(/^CONFIG_/, "")).filter(Boolean))];
  if (enable.length > 0) {
    const known = await configs();
    const unknown = enable.filter((c) => !known.has(c));
    if (unknown.length > 0) problems.push(`no Kconfig file in the tree defines ${unknown.map((c) => `CONFIG_${c}`).join(", ")}`);
  }
  if (problems.length > 0) throw new ToolError(problems.join("; "));
  return { ...v, EnableConfigs: enable, FocusSymbols: v.FocusSymbols.map((s) => s.trim()).filter(Boolean) };
}

export async function checkKmsanVerdict(args: unknown): Promise<KmsanVerdict> {
  const v = parseArgs(kmsanVerdictInput, args);
  if (v.NeedsKMSAN && !v.KMSANReasoning.trim()) throw new ToolError("KMSANReasoning is required when NeedsKMSAN is true");
  return v;
}
