// The built-in agent's model specs (`google:<model>`, …, `replay`): parsed the same from AGENT_MODEL and from a job's
// Args.AgentSetup (an experiment's setup, lib/experiments). Pure, so the app can check a setup before queueing it.
import "@/lib/zod-jitless";
import { z } from "zod";

export const modelSpecSchema = z.union([
  z.object({ provider: z.literal("replay") }),
  z.object({ provider: z.enum(["google", "openai", "anthropic"]), model: z.string().min(1) }),
  z.object({ provider: z.literal("openai-compatible"), model: z.string().min(1), baseURL: z.string().url() }),
]);

export type ModelSpec = z.infer<typeof modelSpecSchema>;

export const MODEL_SPEC_FORMS = "google:<model>, openai:<model>, anthropic:<model>, openai-compatible:<model>@<baseURL>, replay";

/** Parses a spec, or returns null when `text` is not one of MODEL_SPEC_FORMS. */
export function tryParseModelSpec(text: string): ModelSpec | null {
  const s = text.trim();
  if (s === "replay") return { provider: "replay" };
  const colon = s.indexOf(":");
  const provider = colon > 0 ? s.slice(0, colon) : "";
  const rest = s.slice(colon + 1);
  let parsed: unknown;
  if (provider === "openai-compatible") {
    const at = rest.indexOf("@");
    parsed = at > 0 ? { provider, model: rest.slice(0, at), baseURL: rest.slice(at + 1) } : { provider, model: rest, baseURL: "" };
  } else {
    parsed = { provider, model: rest };
  }
  const r = modelSpecSchema.safeParse(parsed);
  return r.success ? r.data : null;
}

/** `google:<model>`, `openai:<model>`, `anthropic:<model>`, `openai-compatible:<model>@<baseURL>` or `replay`; throws naming the forms. */
export function parseModelSpec(text: string, what = "AGENT_MODEL"): ModelSpec {
  const spec = tryParseModelSpec(text);
  if (!spec) throw new Error(`${what}="${text}" is not one of ${MODEL_SPEC_FORMS}`);
  return spec;
}

/** The model as written in spans and logs. */
export function describeModel(m: ModelSpec): string {
  if (m.provider === "replay") return "replay";
  if (m.provider === "openai-compatible") return `openai-compatible:${m.model}@${m.baseURL}`;
  return `${m.provider}:${m.model}`;
}

/** The model name a price is looked up by (`gemini-3.1-pro-preview`); null for replay, which spends no tokens. */
export function pricedModelOf(m: ModelSpec): string | null {
  return m.provider === "replay" ? null : m.model;
}
