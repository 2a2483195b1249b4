// A test agent: speaks the agent protocol over real HTTP exactly as the formats doc describes (multipart, gzip JSON).
import { spawnSync } from "node:child_process";
import { gzipSync } from "node:zlib";
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
  static create(baseURL: string, client: string): TestAgent {
    const r = spawnSync("npm", ["run", "--silent", "agent:add", "--", client], {
      env: { ...process.env, DATABASE_URL: databaseUrl() },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`agent:add failed: ${r.stderr}`);
    return new TestAgent(baseURL, client, r.stdout.trim());
  }

  async call(method: string, payload?: unknown, opts: { key?: string; client?: string; rawPayload?: Buffer } = {}): Promise<AgentReply> {
    const form = new FormData();
    form.append("client", opts.client ?? this.client);
    form.append("key", opts.key ?? this.key);
    form.append("method", method);
    const body = opts.rawPayload ?? (payload === undefined ? undefined : gzipSync(JSON.stringify(payload)));
    if (body) form.append("payload", new Blob([new Uint8Array(body)]), "payload");
    const res = await fetch(`${this.baseURL}/api`, { method: "POST", body: form });
    return { status: res.status, text: await res.text() };
  }

  async poll(workflows: string[]): Promise<{ ID: string; Workflow: string; Args: unknown }> {
    const r = await this.call("ai_job_poll", { AgentName: this.agentName, CodeRevision: "test-rev-1", Workflows: workflows.map((w) => ({ Type: w, Name: w })) });
    if (r.status !== 200) throw new Error(`poll: ${r.status} ${r.text}`);
    return JSON.parse(r.text);
  }

  async log(jobId: string, span: Record<string, unknown>): Promise<AgentReply> {
    return this.call("ai_trajectory_log", { AgentName: this.agentName, JobID: jobId, Span: span });
  }

  async done(jobId: string, results: Record<string, unknown> | null, error = ""): Promise<AgentReply> {
    return this.call("ai_job_done", { ID: jobId, Error: error, Results: results });
  }
}
