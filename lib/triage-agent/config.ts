// The built-in agent's configuration from the environment: where the app is, credentials, the model and per-job limits.
import path from "node:path";
import { z } from "zod";
import type { CheckoutPolicy } from "./confinement";
import { REPLAY_SUFFIX } from "./replay-marker";
import { agentEnvSchema, appEnvSchema, parseEnv, type AgentEnv } from "@/lib/config";
import { defaultDataDir } from "@/lib/db/embedded-postgres";
import { demoKernelRoot } from "@/lib/demo/git-repo";

/** The app's project root: the folder this code was installed in, which the agent never opens as a checkout. */
export const APP_DIR = path.resolve(import.meta.dirname, "..", "..");

export const modelSpecSchema = z.union([
  z.object({ provider: z.literal("replay") }),
  z.object({ provider: z.enum(["google", "openai", "anthropic"]), model: z.string().min(1) }),
  z.object({ provider: z.literal("openai-compatible"), model: z.string().min(1), baseURL: z.string().url() }),
]);

export type ModelSpec = z.infer<typeof modelSpecSchema>;

const KEY_ENV = { google: "GOOGLE_GENERATIVE_AI_API_KEY", openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" } as const;

/** The env variable holding the key a provider needs. */
export function keyEnvOf(provider: keyof typeof KEY_ENV): (typeof KEY_ENV)[keyof typeof KEY_ENV] {
  return KEY_ENV[provider];
}

/** `google:<model>`, `openai:<model>`, `anthropic:<model>`, `openai-compatible:<model>@<baseURL>` or `replay`. */
export function parseModelSpec(text: string): ModelSpec {
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
  if (!r.success) {
    throw new Error(
      `AGENT_MODEL="${text}" is not one of google:<model>, openai:<model>, anthropic:<model>, openai-compatible:<model>@<baseURL>, replay`,
    );
  }
  return r.data;
}

/** With no AGENT_MODEL: the first provider whose key is set, else replay (so Rerun works with no key at all). */
function defaultModel(env: AgentEnv): ModelSpec {
  if (env.GOOGLE_GENERATIVE_AI_API_KEY) return { provider: "google", model: "gemini-3.1-pro-preview" };
  if (env.ANTHROPIC_API_KEY) return { provider: "anthropic", model: "claude-sonnet-4-5" };
  if (env.OPENAI_API_KEY) return { provider: "openai", model: "gpt-5" };
  return { provider: "replay" };
}

export interface AgentConfig {
  baseURL: string;
  client: string;
  key: string;
  /** what the agent reports as AgentName; ends in -replay for a replaying agent */
  agentName: string;
  model: ModelSpec;
  /** the provider key, when the model needs one (checked per job, so a missing key fails the job, not the worker) */
  apiKey?: string;
  limits: { maxLlmCalls: number; maxTokens: number; maxSeconds: number };
  /** where checkouts may be opened, and each tool call's caps */
  checkouts: CheckoutPolicy;
}

/**
 * The kernel roots and forbidden folders: AGENT_KERNEL_ROOTS (`:`-separated; relative entries from the project root),
 * else the demo checkouts' folder next to the data folder, as `npm start` makes it (lib/demo/git-repo.ts).
 */
function checkoutPolicy(env: AgentEnv, raw: Record<string, string | undefined>): CheckoutPolicy {
  // The data folder is the app's setting; the agent reads it to keep away from it.
  const dataSetting = parseEnv(appEnvSchema.pick({ TRAJECTORY_DATA_DIR: true }), raw).TRAJECTORY_DATA_DIR;
  const dataDir = dataSetting ? path.resolve(dataSetting) : defaultDataDir();
  const listed = (env.AGENT_KERNEL_ROOTS ?? "").split(path.delimiter).map((r) => r.trim()).filter(Boolean);
  const roots = listed.length > 0 ? listed.map((r) => path.resolve(APP_DIR, r)) : [demoKernelRoot(dataDir)];
  return { roots, dataDir, appDir: APP_DIR, caps: { seconds: env.AGENT_TOOL_SECONDS, memoryBytes: env.AGENT_TOOL_MEMORY_MB * 1024 * 1024 } };
}

/** Reads the configuration; throws one readable message listing every problem. */
export function loadConfig(raw: Record<string, string | undefined> = process.env): AgentConfig {
  const env = parseEnv(agentEnvSchema, raw);
  const model = env.AGENT_MODEL ? parseModelSpec(env.AGENT_MODEL) : defaultModel(env);
  const replay = model.provider === "replay";
  const agentName = replay && !env.AGENT_NAME.endsWith(REPLAY_SUFFIX) ? `${env.AGENT_NAME}${REPLAY_SUFFIX}` : env.AGENT_NAME;
  const apiKey =
    model.provider === "google" || model.provider === "openai" || model.provider === "anthropic"
      ? env[keyEnvOf(model.provider)]
      : model.provider === "openai-compatible"
        ? env.OPENAI_API_KEY
        : undefined;
  return {
    baseURL: env.TRAJECTORY_URL.replace(/\/+$/, ""),
    client: env.AGENT_CLIENT,
    key: env.AGENT_KEY,
    agentName,
    model,
    apiKey,
    limits: { maxLlmCalls: env.AGENT_MAX_LLM_CALLS, maxTokens: env.AGENT_MAX_TOKENS, maxSeconds: env.AGENT_MAX_SECONDS },
    checkouts: checkoutPolicy(env, raw),
  };
}

/** The model as written in spans and logs. */
export function describeModel(m: ModelSpec): string {
  if (m.provider === "replay") return "replay";
  if (m.provider === "openai-compatible") return `openai-compatible:${m.model}@${m.baseURL}`;
  return `${m.provider}:${m.model}`;
}
