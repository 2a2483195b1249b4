// An experiment's agent setup, as the person starting it gives it: the built-in agent's model spec (or replay), or a
// free label another agent may honour. Pure: the start dialog checks it as the server does.
import "@/lib/zod-jitless";
import { z } from "zod";
import { MODEL_SPEC_FORMS, pricedModelOf, tryParseModelSpec } from "@/lib/triage-agent/model-spec";
import { EXPERIMENT_MAX_SETUP_CHARS } from "@/lib/limits";

export const SETUP_KINDS = ["builtin", "label"] as const;
export type SetupKind = (typeof SETUP_KINDS)[number];

export const setupSchema = z
  .object({
    kind: z.enum(SETUP_KINDS),
    /** builtin: `google:<model>`, `anthropic:<model>`, `openai:<model>`, `openai-compatible:<model>@<url>` or `replay` */
    value: z.string().trim().min(1, "give the model or the label").max(EXPERIMENT_MAX_SETUP_CHARS),
  })
  .superRefine((s, ctx) => {
    if (s.kind === "builtin" && !tryParseModelSpec(s.value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `for the built-in agent, one of ${MODEL_SPEC_FORMS}` });
    }
    // eslint-disable-next-line no-control-regex -- the check is for control characters
    if (/[\u0000-\u001f\u007f]/.test(s.value)) ctx.addIssue({ code: "custom", path: ["value"], message: "no control characters" });
  });

export type Setup = z.infer<typeof setupSchema>;

/**
 * What the estimate prices the reruns by: `model` for a built-in model, `replay` (spends no tokens), or `originals`
 * (a label: nothing says which model the other agent will use, so the originals' own models are assumed).
 */
export type EstimateBasis = { kind: "model"; model: string } | { kind: "replay" } | { kind: "originals" };

export function estimateBasis(setup: Setup): EstimateBasis {
  if (setup.kind === "label") return { kind: "originals" };
  const spec = tryParseModelSpec(setup.value);
  const model = spec ? pricedModelOf(spec) : null;
  return model ? { kind: "model", model } : { kind: "replay" };
}
