// STAND-IN for an LLM provider (the only stand-in in these tests): a tiny OpenAI-compatible chat server that plays a script.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatRequest {
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { function: { name: string } }[];
}

/** One scripted answer: tool calls to make (name → arguments), a text answer, or an HTTP error to reply with. */
export type ScriptedAnswer = { calls: [string, Record<string, unknown>][] } | { text: string } | { status: number; message: string };

export class StandInModel {
  readonly requests: ChatRequest[] = [];
  private server: http.Server;
  private callId = 0;

  /** script picks the answer from the request (e.g. by agent and by how many turns it has had). */
  constructor(
    private readonly script: (req: ChatRequest) => ScriptedAnswer,
    private readonly onRequest: (req: ChatRequest) => Promise<void> = async () => {},
  ) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest;
    this.requests.push(body);
    await this.onRequest(body);
    const answer = this.script(body);
    res.setHeader("content-type", "application/json");
    if ("status" in answer) {
      res
        .writeHead(answer.status)
        .end(JSON.stringify({ error: { message: answer.message, type: "invalid_request_error", code: "invalid_api_key" } }));
      return;
    }
    if ("text" in answer) {
      res.end(
        JSON.stringify({
          id: `chatcmpl-text-${this.requests.length}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content: answer.text }, finish_reason: "stop" }],
          usage: {
            prompt_tokens: 1000 + 100 * this.requests.length,
            completion_tokens: 40,
            total_tokens: 1040 + 100 * this.requests.length,
          },
        }),
      );
      return;
    }
    const toolCalls = answer.calls.map(([name, args]) => ({
      id: `call_${++this.callId}`,
      type: "function",
      function: { name, arguments: JSON.stringify(args) },
    }));
    res.end(
      JSON.stringify({
        id: `chatcmpl-${this.callId}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: toolCalls }, finish_reason: "tool_calls" }],
        usage: {
          prompt_tokens: 1000 + 100 * this.requests.length,
          completion_tokens: 40,
          total_tokens: 1040 + 100 * this.requests.length,
          completion_tokens_details: { reasoning_tokens: 15 },
        },
      }),
    );
  }
}

/** Which agent a request comes from, by its system instruction. */
export function agentOf(req: ChatRequest): "patch-evaluator" | "kmsan-evaluator" {
  const system = req.messages.find((m) => m.role === "system");
  return String(system?.content ?? "").includes("KMSAN (the kernel memory sanitizer") ? "kmsan-evaluator" : "patch-evaluator";
}

/** How many answers this agent has already given in this conversation. */
export function turnOf(req: ChatRequest): number {
  return req.messages.filter((m) => m.role === "assistant").length;
}
