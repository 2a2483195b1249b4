// Replay: a model that repeats a recorded run's decisions (its llm steps' tool calls) while the tools run again for real.
import type { LanguageModelV3, LanguageModelV3Content, LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import type { Span } from "@/lib/trajectory/span";
import { parentIndices, stepKind, toolCallOwners } from "@/lib/trajectory/tree";
import { JobError } from "./limits";
import type { ProtocolClient } from "./protocol";
import { REPLAY_MODEL_PREFIX } from "./replay-marker";

export interface RecordedStep {
  model: string;
  thoughts?: string;
  calls: { name: string; args: unknown }[];
  /** the agent's final reply, on the last step of an agent */
  reply?: string;
}

export interface Recording {
  /** the run whose decisions are replayed */
  jobId: string;
  /** llm steps per agent name, in order */
  steps: Map<string, RecordedStep[]>;
}

/**
 * Reads the decisions out of a trajectory: each llm step's tool calls (lib/trajectory/tree.ts toolCallOwners, the one
 * rule the viewer uses too), and on an agent's last step the agent's reply (the agent span is the llm span's parent).
 */
export function recordedSteps(trajectory: Span[]): Map<string, RecordedStep[]> {
  const spans = [...trajectory].sort((a, b) => a.Seq - b.Seq);
  const nestingAt = (i: number) => spans[i]!.Nesting;
  const owners = toolCallOwners(spans.length, nestingAt, (i) => stepKind(spans[i]!.Type));
  const parents = parentIndices(spans.length, nestingAt);
  const byLlm = new Map<number, RecordedStep>();
  // The llm step of each agent (its parent) that came last, whose step then carries the agent's reply.
  const lastOfAgent = new Map<number, number>();
  const steps = new Map<string, RecordedStep[]>();
  spans.forEach((s, i) => {
    const owner = owners[i]!;
    if (owner >= 0) byLlm.get(owner)?.calls.push({ name: s.Name, args: s.Args ?? {} });
    // Compression calls rewrite the context; they decide nothing the replay must repeat.
    if (s.Type !== "llm" || s.Name.endsWith("-compressor")) return;
    const step: RecordedStep = { model: s.Model ?? "unknown", calls: [] };
    if (s.Thoughts) step.thoughts = s.Thoughts;
    byLlm.set(i, step);
    lastOfAgent.set(parents[i]!, i);
    const list = steps.get(s.Name) ?? [];
    list.push(step);
    steps.set(s.Name, list);
  });
  for (const [agent, llm] of lastOfAgent) {
    const reply = agent >= 0 ? spans[agent]!.Reply : undefined;
    if (reply) byLlm.get(llm)!.reply = reply;
  }
  return steps;
}

/** Finds the recorded run for a rerun: its original, or further up when that one has no llm steps. */
export async function loadRecording(client: ProtocolClient, jobId: string): Promise<Recording> {
  let id = await client.rerunOf(jobId);
  if (!id)
    throw new JobError(`replay needs a recorded run, and job ${jobId} is not a rerun of one (set AGENT_MODEL to triage it with a model)`);
  const first = id;
  for (let hops = 0; hops < 50 && id; hops++) {
    const steps = recordedSteps(await client.trajectory(id));
    if (steps.size > 0) return { jobId: id, steps };
    id = await client.rerunOf(id);
  }
  throw new JobError(`replay: run ${first} and the runs it reruns have no recorded llm steps to replay`);
}

function replayModelName(recorded: string): string {
  return recorded.startsWith(REPLAY_MODEL_PREFIX) ? recorded : `${REPLAY_MODEL_PREFIX}${recorded}`;
}

/** A LanguageModelV3 for one agent that answers each call with the next recorded step of that agent. */
export function replayModel(recording: Recording, agent: string): LanguageModelV3 {
  const queue = [...(recording.steps.get(agent) ?? [])];
  const total = queue.length;
  let callId = 0;
  const noUsage = {
    inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: undefined, text: undefined, reasoning: undefined },
  };
  return {
    specificationVersion: "v3",
    provider: "replay",
    modelId: `replay-of-${recording.jobId}`,
    supportedUrls: {},
    async doGenerate(): Promise<LanguageModelV3GenerateResult> {
      const step = queue.shift();
      if (!step) {
        throw new JobError(
          total === 0
            ? `replay: the recorded run ${recording.jobId} never ran agent ${agent}, so there is nothing to replay for it`
            : `replay: the recorded run ${recording.jobId} has no more decisions for ${agent} after ${total} calls (the recording ends there, or this tree led the run elsewhere)`,
        );
      }
      const content: LanguageModelV3Content[] = [];
      if (step.thoughts) content.push({ type: "reasoning", text: step.thoughts });
      if (step.reply) content.push({ type: "text", text: step.reply });
      for (const call of step.calls) {
        content.push({ type: "tool-call", toolCallId: `replay-${++callId}`, toolName: call.name, input: JSON.stringify(call.args ?? {}) });
      }
      return {
        content,
        finishReason: { unified: step.calls.length > 0 ? "tool-calls" : "stop", raw: undefined },
        // A replay spends no tokens; leaving usage empty keeps the run's token totals honest.
        usage: noUsage,
        response: { modelId: replayModelName(step.model) },
        warnings: [],
      };
    },
    async doStream() {
      throw new Error("replay answers generateText only");
    },
  };
}
