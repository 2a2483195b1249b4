// One LLM agent of a workflow: the model decides tool calls, the tools run on the checkout, until set-results is accepted.
import { generateText, tool, type ModelMessage, type ToolResultPart } from "ai";
import type { z } from "zod";
import { asJobError, type Budget, callDeadline, JobError } from "./limits";
import { remoteFailure } from "./remote-error";
import type { Models } from "./models";
import type { SpanRecorder } from "./spans";
import { CapError, ToolError } from "./tool-error";

export interface AgentTool {
  description: string;
  /** what the model is told the arguments are */
  input: z.ZodType;
  /** runs the call; a ToolError goes back to the model as the tool's error; `signal` ends at the call's deadline */
  run(args: unknown, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** how to narrow a call down that ran out of time */
  capHint?: string;
}

export interface AgentRun {
  name: string;
  instruction: string;
  prompt: string;
  /** must include "set-results": its accepted result ends the agent */
  tools: Record<string, AgentTool>;
  /** wall-time cap of one tool call (AGENT_TOOL_SECONDS) */
  toolSeconds: number;
}

/** Gemini sometimes answers with text alone; this turns it back to the tools without failing the run. */
const NUDGE = "Use the tools to look at the code, then call set-results with your verdict.";

function parseArgs(input: unknown): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

/** Runs one tool call under its deadline: past `seconds` it is stopped and its error goes back to the model. */
async function runTool(
  agentTool: AgentTool | undefined,
  name: string,
  args: unknown,
  budget: Budget,
  seconds: number,
): Promise<Record<string, unknown>> {
  budget.check();
  if (!agentTool) throw new ToolError(`there is no tool named "${name}"`);
  const hint = agentTool.capHint ? `; ${agentTool.capHint}` : "";
  const deadline = callDeadline(
    budget.signal,
    seconds,
    () => new CapError("time", `${name} ran longer than the ${seconds} s cap of a tool call (AGENT_TOOL_SECONDS) and was stopped${hint}`),
  );
  try {
    return await deadline.race(agentTool.run(args, deadline.signal));
  } finally {
    deadline.dispose();
  }
}

/** Runs the agent inside its agent span; returns what its set-results accepted. */
export async function runAgent(a: AgentRun, models: Models, rec: SpanRecorder, budget: Budget): Promise<Record<string, unknown>> {
  const model = models.forAgent(a.name);
  const tools = Object.fromEntries(
    Object.entries(a.tools).map(([name, t]) => [name, tool({ description: t.description, inputSchema: t.input })]),
  );
  return rec.span("agent", a.name, { Model: models.label, Instruction: a.instruction, Prompt: a.prompt }, async (agentSpan) => {
    const messages: ModelMessage[] = [{ role: "user", content: a.prompt }];
    for (;;) {
      budget.beforeLlmCall();
      const step = await rec.span("llm", a.name, { Model: models.label }, async (llm) => {
        let result;
        try {
          result = await generateText({
            model,
            system: a.instruction,
            messages,
            tools,
            maxRetries: models.maxRetries,
            abortSignal: budget.signal,
            providerOptions: models.providerOptions,
          });
        } catch (e) {
          if (budget.signal.aborted) throw asJobError(budget.signal.reason);
          if (e instanceof JobError) throw e;
          // The endpoint's own words stay in the agent's log (./remote-error.ts): a run shows the status only.
          const failure = remoteFailure(e, "the model endpoint");
          throw new JobError(`LLM call failed (${models.label}): ${failure.shown}`, failure.detail);
        }
        const u = result.usage;
        llm.Model = result.response.modelId || models.label;
        if (result.reasoningText) llm.Thoughts = result.reasoningText;
        if (u.inputTokens) llm.InputTokens = u.inputTokens;
        const thoughts = u.outputTokenDetails?.reasoningTokens ?? 0;
        const output = u.outputTokenDetails?.textTokens ?? (u.outputTokens ?? 0) - thoughts;
        if (output > 0) llm.OutputTokens = output;
        if (thoughts > 0) llm.OutputThoughtsTokens = thoughts;
        budget.addTokens((u.inputTokens ?? 0) + (u.outputTokens ?? 0));
        return result;
      });
      // Keep the model's own assistant message (it carries provider data such as Gemini's thought signatures);
      // the tool results are ours, including errors for calls the SDK found invalid.
      messages.push(...step.response.messages.filter((m) => m.role === "assistant"));
      if (step.toolCalls.length === 0) {
        messages.push({ role: "user", content: NUDGE });
        continue;
      }
      const outputs: ToolResultPart[] = [];
      let accepted: Record<string, unknown> | null = null;
      for (const call of step.toolCalls) {
        const args = parseArgs(call.input);
        const output = await rec.span("tool", call.toolName, { Args: args }, async (span) => {
          try {
            const results = await runTool(a.tools[call.toolName], call.toolName, args, budget, a.toolSeconds);
            span.Results = results;
            if (call.toolName === "set-results") accepted = results;
            return { type: "json", value: results } as const;
          } catch (e) {
            if (!(e instanceof ToolError)) throw e;
            // Tool errors are normal: the model reads them and tries again.
            span.Error = e.message;
            return { type: "error-text", value: e.message } as const;
          }
        });
        outputs.push({
          type: "tool-result",
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          output: output as ToolResultPart["output"],
        });
      }
      messages.push({ role: "tool", content: outputs });
      if (accepted) {
        const verdict: Record<string, unknown> = accepted;
        agentSpan.Reply = step.text.trim() || String(verdict.Reasoning ?? verdict.KMSANReasoning ?? "");
        return verdict;
      }
    }
  });
}
