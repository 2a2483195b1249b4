// A test agent: speaks the agent protocol over real HTTP with the one protocol client (lib/agents/client.ts), which
// builds the bytes upstream's Go client sends (plain multipart fields, gzip of Go-escaped compact JSON + "\n").
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { encodeCall, postCall, protocolRequest } from "../lib/agents/client";
import { databaseUrl } from "./db";

export interface AgentReply {
  status: number;
  text: string;
}

export class TestAgent {
  constructor(
    readonly baseURL: string,
    readonly client: string,
    readonly key: string,
    readonly agentName = client,
  ) {}

  /** Creates a client with `npm run agent:add` against the app's database and returns an agent using its key. */
  static async create(baseURL: string, client: string): Promise<TestAgent> {
    const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "agent:add", "--", client], {
      env: { ...process.env, DATABASE_URL: databaseUrl() },
      encoding: "utf8",
    });
    return new TestAgent(baseURL, client, stdout.trim());
  }

  /** The same agent under another AgentName (syz-agent logs spans under its dashboard client name, not the poll's). */
  as(agentName: string): TestAgent {
    return new TestAgent(this.baseURL, this.client, this.key, agentName);
  }

  async call(method: string, payload?: unknown, opts: { key?: string; client?: string; rawPayload?: Buffer } = {}): Promise<AgentReply> {
    const encoded = encodeCall({
      client: opts.client ?? this.client,
      key: opts.key ?? this.key,
      method,
      payload,
      rawPayload: opts.rawPayload,
    });
    const r = await postCall(this.baseURL, encoded);
    if (typeof r.outcome === "string") throw r.error ?? new Error(r.outcome);
    return { status: r.outcome, text: r.text };
  }

  async poll(workflows: string[]): Promise<{ ID: string; Workflow: string; Args: unknown }> {
    const r = await this.call(
      "ai_job_poll",
      protocolRequest.poll(
        this.agentName,
        "test-rev-1",
        workflows.map((w) => ({ Type: w, Name: w })),
      ),
    );
    if (r.status !== 200) throw new Error(`poll: ${r.status} ${r.text}`);
    return JSON.parse(r.text);
  }

  async log(jobId: string, span: Record<string, unknown>): Promise<AgentReply> {
    return this.call("ai_trajectory_log", protocolRequest.log(this.agentName, jobId, span));
  }

  async done(jobId: string, results: Record<string, unknown> | null, error = ""): Promise<AgentReply> {
    return this.call("ai_job_done", protocolRequest.done(jobId, error, results));
  }
}
