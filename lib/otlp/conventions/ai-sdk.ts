// The Vercel AI SDK's telemetry (ai-sdk.dev docs/ai-sdk-core/telemetry): an outer span per call (ai.generateText,
// ai.streamText, ai.generateObject, …) around one span per model call (….doGenerate / ….doStream) and one per tool
// execution (ai.toolCall). The outer span repeats the sum of its model calls' usage, so only the model calls' tokens
// are read — each call counted once; the outer span's sums stay unread (shown under the span, not added again).
import { parseMaybeJson, type SpanReader } from "../attributes";
import { contentParts, reasoningText, replyText, toMessages, type Message } from "../messages";
import { setInput, setTokens, type Convention, type Mapped } from "./types";

function operationOf(r: SpanReader, spanName: string): string {
  const id = r.peek("ai.operationId");
  return typeof id === "string" ? id : spanName;
}

/** ai.response.toolCalls: [{toolCallId, toolName, input (JSON text) | args}] as an assistant message. */
function toolCallMessage(v: unknown): Message[] {
  const calls = parseMaybeJson(v);
  if (!Array.isArray(calls)) return [];
  return [
    {
      role: "assistant",
      parts: calls.map((c: { toolCallId?: string; toolName?: string; input?: unknown; args?: unknown }) => ({
        type: "tool_call",
        id: c.toolCallId,
        name: String(c.toolName ?? ""),
        arguments: parseMaybeJson(c.input ?? c.args),
      })),
    },
  ];
}

export const aiSdk: Convention = {
  name: "ai-sdk",
  matches: (r, name) => r.has("ai.operationId") || /^ai\.[a-zA-Z]+(\.do(Generate|Stream))?$/.test(name) || name === "ai.toolCall",
  map(r: SpanReader, out: Mapped) {
    const op = operationOf(r, out.Name);
    r.take("ai.operationId");
    if (op === "ai.toolCall") {
      out.Type = "tool";
      out.Name = r.text("ai.toolCall.name") ?? out.Name;
      const args = r.first("ai.toolCall.args", "ai.toolCall.input");
      if (args !== undefined) out.Args = parseMaybeJson(args);
      const result = r.first("ai.toolCall.result", "ai.toolCall.output");
      if (result !== undefined) out.Results = parseMaybeJson(result);
      return;
    }
    if (/\.do(Generate|Stream)$/.test(op)) {
      out.Type = "llm";
      // Named by its function id, as syzkaller names a model call by its agent ("ai.generateText.doGenerate" on every
      // row said nothing, and the cost tab groups model calls by this name); else by its call ("generateText").
      const functionId = r.peek("ai.telemetry.functionId");
      out.Name = typeof functionId === "string" && functionId ? functionId : op.replace(/^ai\./, "").replace(/\.do(Generate|Stream)$/, "");
      const model = r.has("ai.response.model") ? r.text("ai.response.model") : r.text("ai.model.id");
      if (model) out.Model = model;
      const reasoning = r.count("ai.usage.reasoningTokens");
      r.take("ai.usage.outputTokenDetails.reasoningTokens");
      setTokens(
        out,
        r.count("ai.usage.inputTokens") ?? r.count("ai.usage.promptTokens"),
        r.count("ai.usage.outputTokens") ?? r.count("ai.usage.completionTokens"),
        reasoning,
      );
      // The same counts again under the GenAI names: read (they are the ones above), not counted twice.
      r.take("gen_ai.usage.input_tokens");
      r.take("gen_ai.usage.output_tokens");
      r.take("gen_ai.response.model");
      if (r.has("ai.prompt.messages")) setInput(out, toMessages(parseMaybeJson(r.take("ai.prompt.messages"))));
      const output: Message[] = [];
      const reasoningTextValue = r.text("ai.response.reasoning");
      const text = r.text("ai.response.text");
      if (reasoningTextValue || text)
        output.push({
          role: "assistant",
          parts: [...(reasoningTextValue ? [{ type: "reasoning", content: reasoningTextValue }] : []), ...contentParts(text)],
        });
      output.push(...toolCallMessage(r.take("ai.response.toolCalls")));
      out.Reply = replyText(output);
      out.Thoughts = reasoningText(output);
      return;
    }
    // The outer call: the agent loop around the model and tool calls; its function id names the run.
    out.Type = "agent";
    const functionId = r.text("ai.telemetry.functionId");
    if (functionId) out.Name = functionId;
    out.workflow = functionId ?? op;
    if (r.has("ai.prompt")) {
      const p = parseMaybeJson(r.take("ai.prompt")) as { system?: unknown; prompt?: unknown; messages?: unknown } | string;
      if (typeof p === "string") out.Prompt = p;
      else if (p && typeof p === "object") {
        const messages = [
          ...(p.system ? [{ role: "system", content: p.system }] : []),
          ...(p.prompt !== undefined ? [{ role: "user", content: p.prompt }] : []),
          ...((p.messages as unknown[]) ?? []),
        ];
        setInput(out, toMessages(messages));
      }
    }
    const text = r.text("ai.response.text");
    if (text) out.Reply = text;
  },
};
