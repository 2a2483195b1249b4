// OTel GenAI semantic conventions, the current form (semantic-conventions docs/gen-ai: gen-ai-spans.md,
// gen-ai-agent-spans.md; messages as gen-ai-input-messages.json / gen-ai-output-messages.json). The operation name
// gives the step's kind; messages are JSON attributes. Spans with only the older form's messages are read by
// genai-v1-36.ts, called from here.
import { parseMaybeJson, type SpanReader } from "../attributes";
import { contentParts, reasoningText, replyText, splitInput, systemText, toMessages, type Part } from "../messages";
import { hasV136, mapV136 } from "./genai-v1-36";
import { setTokens, type Convention, type Mapped } from "./types";

const LLM_OPERATIONS = new Set(["chat", "text_completion", "generate_content"]);

/** gen_ai.operation.name → the span type of the run page. */
export function typeOfOperation(op: string | undefined): string {
  if (op && LLM_OPERATIONS.has(op)) return "llm";
  if (op === "execute_tool") return "tool";
  if (op === "invoke_agent" || op === "create_agent") return "agent";
  if (op === "invoke_workflow") return "flow";
  return "action";
}

export const genAi: Convention = {
  name: "gen_ai",
  matches: (r) => r.has("gen_ai.operation.name") || hasV136(r) || r.has("gen_ai.request.model") || r.has("gen_ai.tool.name"),
  map(r: SpanReader, out: Mapped) {
    const op = r.text("gen_ai.operation.name");
    out.Type = op ? typeOfOperation(op) : r.has("gen_ai.tool.name") ? "tool" : r.has("gen_ai.request.model") ? "llm" : "action";
    const model = r.has("gen_ai.response.model") ? r.text("gen_ai.response.model") : r.text("gen_ai.request.model");
    if (model) out.Model = model;
    setTokens(
      out,
      r.count("gen_ai.usage.input_tokens"),
      r.count("gen_ai.usage.output_tokens"),
      r.count("gen_ai.usage.reasoning.output_tokens"),
    );
    if (r.has("gen_ai.system_instructions")) {
      const parts = parseMaybeJson(r.take("gen_ai.system_instructions"));
      out.Instruction = systemText([{ role: "system", parts: Array.isArray(parts) ? (parts as Part[]) : contentParts(parts) }]);
    }
    if (r.has("gen_ai.input.messages")) {
      const { instruction, prompt } = splitInput(toMessages(parseMaybeJson(r.take("gen_ai.input.messages"))));
      out.Instruction ??= instruction;
      out.Prompt = prompt;
    }
    if (r.has("gen_ai.output.messages")) {
      const output = toMessages(parseMaybeJson(r.take("gen_ai.output.messages")));
      out.Reply = replyText(output);
      out.Thoughts = reasoningText(output);
    }
    if (hasV136(r)) mapV136(r, out);
    if (out.Type === "tool") {
      const name = r.text("gen_ai.tool.name");
      if (name) out.Name = name;
      if (r.has("gen_ai.tool.call.arguments")) out.Args = parseMaybeJson(r.take("gen_ai.tool.call.arguments"));
      if (r.has("gen_ai.tool.call.result")) out.Results = parseMaybeJson(r.take("gen_ai.tool.call.result"));
    }
    if (out.Type === "agent") {
      const agent = r.text("gen_ai.agent.name");
      if (agent) out.Name = agent;
      out.workflow = agent ?? op;
    }
    if (out.Type === "flow") out.workflow = r.text("gen_ai.workflow.name") ?? out.Name ?? op;
  },
};
