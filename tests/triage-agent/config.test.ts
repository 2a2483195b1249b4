// The agent's configuration from env: model specs, the replay default, names, limits and readable errors.
import { describe, expect, test } from "vitest";
import path from "node:path";
import { APP_DIR, loadConfig, parseModelSpec } from "@/lib/triage-agent/config";
import { jobModel } from "@/lib/triage-agent/job-model";
import { isReplay } from "@/lib/triage-agent/replay-marker";

const creds = { AGENT_CLIENT: "c1", AGENT_KEY: "k1" };

describe("model specs", () => {
  test("every provider form parses", () => {
    expect(parseModelSpec("google:gemini-3.1-pro-preview")).toEqual({ provider: "google", model: "gemini-3.1-pro-preview" });
    expect(parseModelSpec("anthropic:claude-sonnet-4-5")).toEqual({ provider: "anthropic", model: "claude-sonnet-4-5" });
    expect(parseModelSpec("openai:gpt-5")).toEqual({ provider: "openai", model: "gpt-5" });
    expect(parseModelSpec("openai-compatible:qwen3:8b@http://127.0.0.1:11434/v1")).toEqual({
      provider: "openai-compatible",
      model: "qwen3:8b",
      baseURL: "http://127.0.0.1:11434/v1",
    });
    expect(parseModelSpec("replay")).toEqual({ provider: "replay" });
  });
  test("bad specs say which forms exist", () => {
    for (const bad of ["gemini", "mistral:large", "google:", "openai-compatible:m", "openai-compatible:m@not a url"]) {
      expect(() => parseModelSpec(bad), bad).toThrow(/is not one of google:<model>, .*replay/);
    }
  });
});

describe("loadConfig", () => {
  test("defaults: local app, replay when no key is set, and the replay agent says so in its name", () => {
    const c = loadConfig(creds);
    expect(c).toMatchObject({
      baseURL: "http://127.0.0.1:3000",
      client: "c1",
      key: "k1",
      agentName: "builtin-agent-replay",
      model: { provider: "replay" },
    });
    expect(c.limits).toEqual({ maxLlmCalls: 200, maxTokens: 3_000_000, maxSeconds: 1800 });
    expect(isReplay(c.agentName)).toBe(true);
  });
  test("a provider key picks that provider and keeps the plain name", () => {
    const c = loadConfig({ ...creds, GOOGLE_GENERATIVE_AI_API_KEY: "g", AGENT_NAME: "triager" });
    expect(c.model).toEqual({ provider: "google", model: "gemini-3.1-pro-preview" });
    expect(c.apiKey).toBe("g");
    expect(c.agentName).toBe("triager");
    expect(isReplay(c.agentName)).toBe(false);
  });
  test("AGENT_MODEL wins; a missing key is left for the job to report", () => {
    const c = loadConfig({ ...creds, AGENT_MODEL: "anthropic:claude-sonnet-4-5", TRAJECTORY_URL: "http://h:1/", AGENT_MAX_LLM_CALLS: "7" });
    expect(c.model).toEqual({ provider: "anthropic", model: "claude-sonnet-4-5" });
    expect(c.apiKey).toBeUndefined();
    expect(c.baseURL).toBe("http://h:1");
    expect(c.limits.maxLlmCalls).toBe(7);
  });
  test("kernel roots: by default the demo checkouts next to the data folder; else the listed ones, relative from the project root", () => {
    const c = loadConfig(creds).checkouts;
    expect(c).toEqual({
      roots: [path.join(APP_DIR, ".data", "demo-kernel")],
      dataDir: path.join(APP_DIR, ".data", "postgres"),
      appDir: APP_DIR,
      caps: { seconds: 60, memoryBytes: 2048 * 1024 * 1024 },
    });
    const moved = loadConfig({
      ...creds,
      TRAJECTORY_DATA_DIR: "/srv/tv/pg",
      AGENT_TOOL_SECONDS: "5",
      AGENT_TOOL_MEMORY_MB: "300",
    }).checkouts;
    expect(moved).toMatchObject({
      roots: ["/srv/tv/demo-kernel"],
      dataDir: "/srv/tv/pg",
      caps: { seconds: 5, memoryBytes: 300 * 1024 * 1024 },
    });
    expect(loadConfig({ ...creds, AGENT_KERNEL_ROOTS: "/srv/kernels: kernels ::" }).checkouts.roots).toEqual([
      "/srv/kernels",
      path.join(APP_DIR, "kernels"),
    ]);
  });
  test("missing credentials and bad limits are all reported at once", () => {
    expect(() => loadConfig({ AGENT_MAX_SECONDS: "-1" })).toThrow(
      /AGENT_CLIENT is not set[\s\S]*AGENT_KEY is not set[\s\S]*AGENT_MAX_SECONDS/,
    );
    expect(() => loadConfig({ ...creds, AGENT_TOOL_SECONDS: "0", AGENT_TOOL_MEMORY_MB: "lots" })).toThrow(
      /AGENT_TOOL_SECONDS[\s\S]*AGENT_TOOL_MEMORY_MB/,
    );
  });
});

test("isReplay reads only the agent name's suffix", () => {
  expect(isReplay("builtin-agent-replay")).toBe(true);
  expect(isReplay("replay-agent")).toBe(false);
  expect(isReplay(null)).toBe(false);
});

describe("jobModel", () => {
  const base = loadConfig({
    AGENT_CLIENT: "c",
    AGENT_KEY: "k",
    GOOGLE_GENERATIVE_AI_API_KEY: "g",
    AGENT_MODEL: "openai-compatible:m@http://127.0.0.1:9/v1",
    OPENAI_API_KEY: "o",
  });

  test("takes the job's AgentSetup over AGENT_MODEL, with that provider's key", () => {
    expect(jobModel(base, { KernelSrc: "/k" })).toMatchObject({ spec: base.model, apiKey: "o", origin: "AGENT_MODEL" });
    expect(jobModel(base, { AgentSetup: "google:gemini-2.5-pro" })).toMatchObject({
      spec: { provider: "google", model: "gemini-2.5-pro" },
      apiKey: "g",
    });
    expect(jobModel(base, { AgentSetup: "replay" })).toMatchObject({ spec: { provider: "replay" }, apiKey: undefined });
    expect(jobModel(base, { AgentSetup: "anthropic:claude-sonnet-4-5" }).apiKey).toBeUndefined();
  });

  test("never sends the OpenAI key to a server the job names itself", () => {
    expect(jobModel(base, { AgentSetup: "openai-compatible:m@http://127.0.0.1:9/v1" }).apiKey).toBe("o");
    expect(jobModel(base, { AgentSetup: "openai-compatible:m@https://attacker.example/v1" }).apiKey).toBeUndefined();
  });

  test("fails the job when its AgentSetup is not a model spec", () => {
    expect(() => jobModel(base, { AgentSetup: "gpt-5" })).toThrow(/the job's AgentSetup "gpt-5" is not one of/);
  });
});
