// Replay: a model that repeats a recorded run's decisions (its llm steps' tool calls) while the tools run again for real.
import type { LanguageModelV3, LanguageModelV3Content, LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import type { Span } from "@/lib/trajectory/span";
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

/** Reads the decisions out of a trajectory: the tool spans after each llm span at its nesting (formats doc §1). */
export function recordedSteps(trajectory: Span[]): Map<string, RecordedStep[]> {
  const spans = [...trajectory].sort((a, b) => a.Seq - b.Seq);
  const steps = new Map<string, RecordedStep[]>();
  for (let i = 0; i < spans.length; i++) {
    const llm = spans[i]!;
    // Compression calls rewrite the context; they decide nothing the replay must repeat.
    if (llm.Type !== "llm" || llm.Name.endsWith("-compressor")) continue;
    const step: RecordedStep = { model: llm.Model ?? "unknown", calls: [] };
    if (llm.Thoughts) step.thoughts = llm.Thoughts;
    let j = i + 1;
    for (; j < spans.length && spans[j]!.Nesting >= llm.Nesting; j++) {
      const s = spans[j]!;
      if (s.Nesting !== llm.Nesting) continue;
      if (s.Type === "llm") break;
      if (s.Type === "tool") step.calls.push({ name: s.Name, args: s.Args ?? {} });
    }
    // The last step of an agent carries the agent's reply (the agent span is the llm span's parent).
    const endsAgent = j >= spans.length || spans[j]!.Nesting < llm.Nesting;
    if (endsAgent) {
      const parent = spans.slice(0, i).reverse().find((s) => s.Nesting === llm.Nesting - 1);
      if (parent?.Reply) step.reply = parent.Reply;
    }
    const list = steps.get(llm.Name) ?? [];
    list.push(step);
    steps.set(llm.Name, list);
  }
  return steps;
}

/** Finds the recorded run for a rerun: its original, or further up when that one has no llm steps. */
export async function loadRecording(client: ProtocolClient, jobId: string): Promise<Recording> {
  let id = await client.rerunOf(jobId);
  if (!id) throw new JobError(`replay needs a recorded run, and job ${jobId} is not a rerun of one (set AGENT_MODEL to triage it with a model)`);
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
