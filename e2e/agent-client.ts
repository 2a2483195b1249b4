// A test agent: speaks the agent protocol over real HTTP exactly as the formats doc describes (multipart, gzip JSON).
import { execFile } from "node:child_process";
import http from "node:http";
import { promisify } from "node:util";
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
  static async create(baseURL: string, client: string): Promise<TestAgent> {
    const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "agent:add", "--", client], {
      env: { ...process.env, DATABASE_URL: databaseUrl() },
      encoding: "utf8",
    });
    return new TestAgent(baseURL, client, stdout.trim());
  }

  async call(method: string, payload?: unknown, opts: { key?: string; client?: string; rawPayload?: Buffer } = {}): Promise<AgentReply> {
    const form = new FormData();
    form.append("client", opts.client ?? this.client);
    form.append("key", opts.key ?? this.key);
    form.append("method", method);
    const body = opts.rawPayload ?? (payload === undefined ? undefined : gzipSync(JSON.stringify(payload)));
    if (body) form.append("payload", new Blob([new Uint8Array(body)]), "payload");
    // The multipart encoding of the platform's FormData, sent on a fresh connection: a reused keep-alive
    // socket that the server has just closed would fail a POST that was never processed.
    const req = new Request(`${this.baseURL}/api`, { method: "POST", body: form });
    const bytes = Buffer.from(await req.arrayBuffer());
    return new Promise((resolve, reject) => {
      const r = http.request(
        `${this.baseURL}/api`,
        { method: "POST", agent: false, headers: { "content-type": req.headers.get("content-type")!, "content-length": bytes.length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      r.on("error", reject);
      r.end(bytes);
    });
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
