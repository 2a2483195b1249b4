// Chat messages in the GenAI conventions' shape (gen-ai-input-messages.json: {role, parts: [text | tool_call |
// tool_call_response | reasoning | …]}), which every convention's messages are read into, and how they become the
// run page's text fields: Instruction (system), Prompt (what was sent), Reply (what came back), Thoughts (reasoning).

export type Part =
  | { type: "text"; content: string }
  | { type: "reasoning"; content: string }
  | { type: "tool_call"; id?: string; name: string; arguments?: unknown }
  | { type: "tool_call_response"; id?: string; response?: unknown }
  | { type: string; [k: string]: unknown };

export interface Message {
  role: string;
  parts: Part[];
}

function valueText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function partText(p: Part): string {
  switch (p.type) {
    case "text":
    case "reasoning":
      return String(p.content ?? "");
    case "tool_call":
      return `→ ${String(p.name)}(${p.arguments === undefined ? "" : valueText(p.arguments)})`;
    case "tool_call_response":
      return `← ${p.id ? `${String(p.id)}: ` : ""}${valueText(p.response ?? null)}`;
    default:
      return valueText(p);
  }
}

/** Message text without its reasoning parts; tool calls and results as one line each. */
function messageText(m: Message): string {
  return m.parts
    .filter((p) => p.type !== "reasoning")
    .map(partText)
    .join("\n");
}

/**
 * Messages as one text: a single user message is its text; more are each headed by their role ("[assistant]").
 * Round trip: the export writes Prompt as one user text message, which reads back as the same text.
 */
export function messagesText(messages: Message[]): string | undefined {
  const shown = messages.filter((m) => m.parts.length > 0);
  if (shown.length === 0) return undefined;
  if (shown.length === 1 && shown[0]!.role === "user") return messageText(shown[0]!) || undefined;
  return shown.map((m) => `[${m.role}]\n${messageText(m)}`).join("\n\n");
}

/** The system messages' text (the instruction). */
export function systemText(messages: Message[]): string | undefined {
  const text = messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .map(messageText)
    .join("\n\n");
  return text || undefined;
}

/** The reply: the output messages' text and tool calls, without reasoning. */
export function replyText(messages: Message[]): string | undefined {
  const text = messages.map(messageText).filter(Boolean).join("\n\n");
  return text || undefined;
}

/** The reasoning parts' text (thoughts). */
export function reasoningText(messages: Message[]): string | undefined {
  const text = messages
    .flatMap((m) => m.parts.filter((p) => p.type === "reasoning").map(partText))
    .filter(Boolean)
    .join("\n\n");
  return text || undefined;
}

/** Splits input messages into instruction (system) and prompt (the rest). */
export function splitInput(messages: Message[]): { instruction?: string; prompt?: string } {
  const system = messages.filter((m) => m.role === "system" || m.role === "developer");
  const rest = messages.filter((m) => !(m.role === "system" || m.role === "developer"));
  return { instruction: systemText(system), prompt: messagesText(rest) };
}

/** A content value of any convention (text, a list of typed parts, or other JSON) as parts. */
export function contentParts(content: unknown): Part[] {
  if (content === undefined || content === null || content === "") return [];
  if (typeof content === "string") return [{ type: "text", content }];
  if (Array.isArray(content)) {
    return content.flatMap((c): Part[] => {
      if (typeof c === "string") return [{ type: "text", content: c }];
      if (c && typeof c === "object") {
        const o = c as Record<string, unknown>;
        if ((o.type === "text" || o.type === "input_text" || o.type === "output_text") && typeof (o.text ?? o.content) === "string")
          return [{ type: "text", content: String(o.text ?? o.content) }];
        if (o.type === "reasoning" && typeof (o.text ?? o.content) === "string")
          return [{ type: "reasoning", content: String(o.text ?? o.content) }];
        // The AI SDK's prompt parts (LanguageModelV2Prompt): tool-call / tool-result.
        if (o.type === "tool-call")
          return [{ type: "tool_call", id: o.toolCallId as string, name: String(o.toolName), arguments: o.input ?? o.args }];
        if (o.type === "tool-result") {
          const out = o.output as { type?: string; value?: unknown } | undefined;
          return [
            { type: "tool_call_response", id: o.toolCallId as string, response: out && "value" in out ? out.value : (o.result ?? out) },
          ];
        }
        if (typeof o.type === "string") return [o as Part];
      }
      return [{ type: "json", value: c }];
    });
  }
  return [{ type: "json", value: content }];
}

/** Reads messages already in the GenAI shape ({role, parts}) or in the common {role, content, tool_calls} shape. */
export function toMessages(value: unknown): Message[] {
  const list = Array.isArray(value) ? value : value && typeof value === "object" ? [value] : [];
  return list.flatMap((m): Message[] => {
    if (!m || typeof m !== "object") return typeof m === "string" ? [{ role: "user", parts: [{ type: "text", content: m }] }] : [];
    const o = m as Record<string, unknown>;
    const role = typeof o.role === "string" ? o.role : "user";
    if (Array.isArray(o.parts)) return [{ role, parts: o.parts as Part[] }];
    const parts = contentParts(o.content);
    for (const tc of Array.isArray(o.tool_calls) ? o.tool_calls : []) {
      const t = tc as { id?: string; function?: { name?: string; arguments?: unknown }; name?: string; arguments?: unknown };
      parts.push({
        type: "tool_call",
        id: t.id,
        name: String(t.function?.name ?? t.name ?? ""),
        arguments: t.function?.arguments ?? t.arguments,
      });
    }
    if (role === "tool" && typeof o.tool_call_id === "string")
      return [{ role, parts: [{ type: "tool_call_response", id: o.tool_call_id, response: o.content }] }];
    return [{ role, parts }];
  });
}
