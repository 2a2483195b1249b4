// OpenInference semantic conventions (Arize-ai/openinference spec/semantic_conventions.md): the span kind in
// openinference.span.kind, the model in llm.model_name, tokens in llm.token_count.*, messages flattened as
// llm.input_messages.N.message.{role,content,contents.M.message_content.*,tool_calls.M.tool_call.function.*}, and a
// step's input and output as input.value / output.value.
import { parseMaybeJson, unflatten, type SpanReader } from "../attributes";
import { contentParts, reasoningText, replyText, type Message, type Part } from "../messages";
import { setInput, setTokens, type Convention, type Mapped } from "./types";

const TYPES: Record<string, string> = { LLM: "llm", TOOL: "tool", AGENT: "agent", CHAIN: "action" };

interface OiMessage {
  message?: {
    role?: string;
    content?: unknown;
    contents?: { message_content?: { type?: string; text?: string } }[];
    tool_calls?: { tool_call?: { id?: string; function?: { name?: string; arguments?: unknown } } }[];
    tool_call_id?: string;
    name?: string;
  };
}

function messagesOf(list: Record<string, unknown>[]): Message[] {
  return (list as OiMessage[]).map((m): Message => {
    const msg = m.message ?? {};
    const parts: Part[] = [...contentParts(msg.content)];
    for (const c of msg.contents ?? [])
      if (c?.message_content?.type === "text") parts.push({ type: "text", content: String(c.message_content.text ?? "") });
    for (const t of msg.tool_calls ?? []) {
      const f = t?.tool_call?.function;
      parts.push({ type: "tool_call", id: t?.tool_call?.id, name: String(f?.name ?? ""), arguments: parseMaybeJson(f?.arguments) });
    }
    const role = msg.role ?? "user";
    if (role === "tool" && msg.tool_call_id)
      return { role, parts: [{ type: "tool_call_response", id: msg.tool_call_id, response: parseMaybeJson(msg.content) }] };
    return { role, parts };
  });
}

export const openInference: Convention = {
  name: "openinference",
  matches: (r) => r.has("openinference.span.kind"),
  map(r: SpanReader, out: Mapped) {
    const kind = String(r.take("openinference.span.kind")).toUpperCase();
    out.Type = TYPES[kind] ?? "action";
    const model = r.text("llm.model_name");
    if (model) out.Model = model;
    setTokens(
      out,
      r.count("llm.token_count.prompt"),
      r.count("llm.token_count.completion"),
      r.count("llm.token_count.completion_details.reasoning"),
    );
    const input = messagesOf(unflatten(r.takePrefix("llm.input_messages.")));
    const output = messagesOf(unflatten(r.takePrefix("llm.output_messages.")));
    if (input.length) setInput(out, input);
    if (output.length) {
      out.Reply = replyText(output);
      out.Thoughts = reasoningText(output);
    }
    if (out.Type === "tool") {
      const name = r.text("tool.name");
      if (name) out.Name = name;
    }
    // An llm span's input.value is the whole request: kept (shown under the span) rather than read, the messages
    // above being what the page shows.
    if (out.Type !== "llm") {
      if (r.has("input.value")) {
        r.take("input.mime_type");
        out.Args = parseMaybeJson(r.take("input.value"));
      }
      if (r.has("output.value")) {
        r.take("output.mime_type");
        out.Results = parseMaybeJson(r.take("output.value"));
      }
    }
    if (out.Type === "agent") out.workflow = r.text("agent.name") ?? out.Name;
  },
};
