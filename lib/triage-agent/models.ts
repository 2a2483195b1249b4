// Picks the model each agent talks to from the configuration: Google, OpenAI, Anthropic, an OpenAI-compatible server, or replay.
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { generateText } from "ai";
import { describeModel, keyEnvOf, type ModelSpec } from "./config";
import { JobError } from "./limits";
import { replayModel, type Recording } from "./replay";

type ProviderOptions = NonNullable<Parameters<typeof generateText>[0]["providerOptions"]>;

export interface Models {
  /** what the agent span's Model says */
  label: string;
  forAgent(agent: string): LanguageModelV3;
  providerOptions: ProviderOptions;
  /** provider retries of a failed call (rate limits, 5xx); none for replay */
  maxRetries: number;
}

/** Anthropic models that can think; others reject the thinking option. */
const ANTHROPIC_THINKING = /claude-(?:opus|sonnet|haiku)-[4-9]|claude-3-7/;

/** Builds the models for one job; a missing key fails that job with a message naming the variable. */
/** `origin` names where the spec came from (AGENT_MODEL, or the job's AgentSetup) in the missing-key error. */
export function createModels(spec: ModelSpec, apiKey: string | undefined, recording: Recording | null, origin = "AGENT_MODEL"): Models {
  if (spec.provider === "replay") {
    if (!recording) throw new JobError("replay needs a recorded run");
    return { label: "replay", forAgent: (agent) => replayModel(recording, agent), providerOptions: {}, maxRetries: 0 };
  }
  if (spec.provider !== "openai-compatible" && !apiKey) {
    throw new JobError(`${keyEnvOf(spec.provider)} is not set, and ${origin}=${describeModel(spec)} needs it`);
  }
  switch (spec.provider) {
    case "google": {
      const model = createGoogleGenerativeAI({ apiKey })(spec.model);
      // includeThoughts makes Gemini return its thought summaries, which the llm spans show.
      return {
        label: spec.model,
        forAgent: () => model,
        providerOptions: { google: { thinkingConfig: { includeThoughts: true } } },
        maxRetries: 2,
      };
    }
    case "openai": {
      const model = createOpenAI({ apiKey })(spec.model);
      return { label: spec.model, forAgent: () => model, providerOptions: {}, maxRetries: 2 };
    }
    case "anthropic": {
      const model = createAnthropic({ apiKey })(spec.model);
      const thinking: ProviderOptions = ANTHROPIC_THINKING.test(spec.model)
        ? { anthropic: { thinking: { type: "enabled", budgetTokens: 4096 } } }
        : {};
      return { label: spec.model, forAgent: () => model, providerOptions: thinking, maxRetries: 2 };
    }
    case "openai-compatible": {
      // Local servers speak Chat Completions, not the Responses API; many need no key.
      // No redirects: the endpoint was checked against the outbound allow-list (lib/outbound) when the job was queued,
      // and a redirect would take the request to a host nobody checked.
      const model = createOpenAI({
        baseURL: spec.baseURL,
        apiKey: apiKey ?? "not-needed",
        name: "openai-compatible",
        fetch: (input, init) => fetch(input, { ...init, redirect: "error" }),
      }).chat(spec.model);
      return { label: spec.model, forAgent: () => model, providerOptions: {}, maxRetries: 1 };
    }
  }
}
