// The built-in agent's configuration from the environment: where the app is, credentials, the model and per-job limits.
import path from "node:path";
import type { CheckoutPolicy } from "./confinement";
import type { ToolCaps } from "./git";
import { REPLAY_SUFFIX } from "./replay-marker";
import { describeModel, parseModelSpec, type ModelSpec } from "./model-spec";

export { describeModel, parseModelSpec, type ModelSpec };
import { agentEnvSchema, appEnvSchema, parseEnv, type AgentEnv } from "@/lib/config";
import { defaultDataDir } from "@/lib/db/embedded-postgres";
import { demoKernelRoot } from "@/lib/demo/git-repo";
import { trimEnd } from "@/lib/text/trim";

/** The app's project root: the folder this code was installed in, which the agent never opens as a checkout. */
export const APP_DIR = path.resolve(import.meta.dirname, "..", "..");

const KEY_ENV = { google: "GOOGLE_GENERATIVE_AI_API_KEY", openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" } as const;

/** The env variable holding the key a provider needs. */
export function keyEnvOf(provider: keyof typeof KEY_ENV): (typeof KEY_ENV)[keyof typeof KEY_ENV] {
  return KEY_ENV[provider];
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
  /** the model of jobs that name none (no Args.AgentSetup) */
  model: ModelSpec;
  /** the provider key of `model`, when it needs one (checked per job, so a missing key fails the job, not the worker) */
  apiKey?: string;
  /** every provider key that is set: a job's AgentSetup may name another provider than AGENT_MODEL */
  keys: ProviderKeys;
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
  const listed = (env.AGENT_KERNEL_ROOTS ?? "")
    .split(path.delimiter)
    .map((r) => r.trim())
    .filter(Boolean);
  const roots = listed.length > 0 ? listed.map((r) => path.resolve(APP_DIR, r)) : [demoKernelRoot(dataDir)];
  return {
    roots,
    dataDir,
    appDir: APP_DIR,
    caps: capsOf(env),
  };
}

const capsOf = (env: Pick<AgentEnv, "AGENT_TOOL_SECONDS" | "AGENT_TOOL_MEMORY_MB">): ToolCaps => ({
  seconds: env.AGENT_TOOL_SECONDS,
  memoryBytes: env.AGENT_TOOL_MEMORY_MB * 1024 * 1024,
});

/** Each tool call's caps (AGENT_TOOL_SECONDS, AGENT_TOOL_MEMORY_MB), without the rest of the agent's settings. */
export function toolCaps(raw: Record<string, string | undefined> = process.env): ToolCaps {
  return capsOf(parseEnv(agentEnvSchema.pick({ AGENT_TOOL_SECONDS: true, AGENT_TOOL_MEMORY_MB: true }), raw));
}

export type ProviderKeys = { google?: string; openai?: string; anthropic?: string };

/**
 * The key a model needs, from the keys that are set. An OpenAI-compatible server gets OPENAI_API_KEY only when it is
 * the server AGENT_MODEL names: a job's setup (written by any operator) must not send the key to a server of its own.
 */
export function keyFor(spec: ModelSpec, keys: ProviderKeys, configured: ModelSpec): string | undefined {
  if (spec.provider === "google" || spec.provider === "openai" || spec.provider === "anthropic") return keys[spec.provider];
  if (spec.provider === "openai-compatible") {
    return configured.provider === "openai-compatible" && configured.baseURL === spec.baseURL ? keys.openai : undefined;
  }
  return undefined;
}

/** Reads the configuration; throws one readable message listing every problem. */
export function loadConfig(raw: Record<string, string | undefined> = process.env): AgentConfig {
  const env = parseEnv(agentEnvSchema, raw);
  const model = env.AGENT_MODEL ? parseModelSpec(env.AGENT_MODEL) : defaultModel(env);
  const replay = model.provider === "replay";
  const agentName = replay && !env.AGENT_NAME.endsWith(REPLAY_SUFFIX) ? `${env.AGENT_NAME}${REPLAY_SUFFIX}` : env.AGENT_NAME;
  const keys: ProviderKeys = { google: env.GOOGLE_GENERATIVE_AI_API_KEY, openai: env.OPENAI_API_KEY, anthropic: env.ANTHROPIC_API_KEY };
  const apiKey = keyFor(model, keys, model);
  return {
    baseURL: trimEnd(env.TRAJECTORY_URL, "/"),
    client: env.AGENT_CLIENT,
    key: env.AGENT_KEY,
    agentName,
    model,
    apiKey,
    keys,
    limits: { maxLlmCalls: env.AGENT_MAX_LLM_CALLS, maxTokens: env.AGENT_MAX_TOKENS, maxSeconds: env.AGENT_MAX_SECONDS },
    checkouts: checkoutPolicy(env, raw),
  };
}
