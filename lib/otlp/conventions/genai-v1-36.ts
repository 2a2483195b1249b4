// OTel GenAI semantic conventions, the older form (v1.36.0 and before), still emitted by default by many
// instrumentations: messages as span events (gen_ai.system.message, gen_ai.user.message, gen_ai.assistant.message,
// gen_ai.tool.message, gen_ai.choice; bodies in the event's attributes), or as gen_ai.prompt / gen_ai.completion
// (a JSON text, on the span or on gen_ai.content.prompt / gen_ai.content.completion events, or flattened as
// gen_ai.prompt.N.role / .content), and tokens as gen_ai.usage.prompt_tokens / completion_tokens.
import { parseMaybeJson, unflatten, type SpanEvent, type SpanReader } from "../attributes";
import { reasoningText, replyText, splitInput, toMessages, type Message } from "../messages";
import { setTokens, type Mapped } from "./types";
import { setOwn } from "@/lib/text/own-key";

const ROLE_OF_EVENT: Record<string, string> = {
  "gen_ai.system.message": "system",
  "gen_ai.user.message": "user",
  "gen_ai.assistant.message": "assistant",
  "gen_ai.tool.message": "tool",
};

/** An event's body: its `content`/`message` attributes, or a JSON body in `gen_ai.event.content` / `body`. */
function eventBody(e: SpanEvent): Record<string, unknown> {
  const body = parseMaybeJson(e.attributes["gen_ai.event.content"] ?? e.attributes["body"]);
  const o = body && typeof body === "object" && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(e.attributes))
    if (!Object.hasOwn(o, k) && k !== "gen_ai.event.content" && k !== "body") setOwn(o, k, parseMaybeJson(v));
  return o;
}

function eventMessages(events: SpanEvent[]): { input: Message[]; output: Message[] } {
  const input: Message[] = [];
  const output: Message[] = [];
  for (const e of events) {
    const body = eventBody(e);
    if (e.name === "gen_ai.choice") {
      output.push(...toMessages({ role: "assistant", ...((body.message as object) ?? { content: body.content }) }));
    } else {
      const role = ROLE_OF_EVENT[e.name]!;
      const msg = {
        role,
        content: body.content,
        tool_calls: body.tool_calls,
        tool_call_id: role === "tool" ? (body.id as string) : undefined,
      };
      input.push(...toMessages(msg));
    }
  }
  return { input, output };
}

/** True when the span carries the older form's messages or token names. */
export function hasV136(r: SpanReader): boolean {
  return (
    r.has("gen_ai.prompt") ||
    r.has("gen_ai.completion") ||
    r.has("gen_ai.usage.prompt_tokens") ||
    Object.keys(r.attributes).some((k) => k.startsWith("gen_ai.prompt.") || k.startsWith("gen_ai.completion.")) ||
    r.events.some((e) => e.name in ROLE_OF_EVENT || e.name === "gen_ai.choice" || e.name.startsWith("gen_ai.content."))
  );
}

/** Reads the older form's messages and tokens into `out` (only what it finds). */
export function mapV136(r: SpanReader, out: Mapped): void {
  const { input, output } = eventMessages(r.takeEvents((n) => n in ROLE_OF_EVENT || n === "gen_ai.choice"));
  for (const e of r.takeEvents((n) => n === "gen_ai.content.prompt"))
    input.push(...toMessages(parseMaybeJson(e.attributes["gen_ai.prompt"])));
  for (const e of r.takeEvents((n) => n === "gen_ai.content.completion"))
    output.push(
      ...toMessages(parseMaybeJson(e.attributes["gen_ai.completion"])).map((m) => ({
        ...m,
        role: m.role === "user" ? "assistant" : m.role,
      })),
    );
  if (r.has("gen_ai.prompt")) input.push(...toMessages(parseMaybeJson(r.take("gen_ai.prompt"))));
  if (r.has("gen_ai.completion"))
    output.push(...toMessages(parseMaybeJson(r.take("gen_ai.completion"))).map((m) => ({ ...m, role: "assistant" })));
  input.push(...toMessages(unflatten(r.takePrefix("gen_ai.prompt."))));
  output.push(...toMessages(unflatten(r.takePrefix("gen_ai.completion."))));
  const { instruction, prompt } = splitInput(input);
  out.Instruction ??= instruction;
  out.Prompt ??= prompt;
  out.Reply ??= replyText(output);
  out.Thoughts ??= reasoningText(output);
  if (out.InputTokens === undefined && out.OutputTokens === undefined)
    setTokens(
      out,
      r.count("gen_ai.usage.prompt_tokens"),
      r.count("gen_ai.usage.completion_tokens"),
      r.count("gen_ai.usage.reasoning_tokens"),
    );
}
