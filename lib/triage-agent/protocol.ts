// The agent's only link to the app: the agent protocol (POST /api, multipart + gzip JSON) and two read-only job routes.
import http from "node:http";
import https from "node:https";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { spanSchema, type Span } from "@/lib/trajectory/span";
import { backoffMs, DEFAULT_BACKOFF, isTransientNetworkError, TRANSIENT_STATUSES, type Backoff } from "./retry";

export const WORKFLOW = "patch-triage";

const pollReplySchema = z.object({ ID: z.string(), Workflow: z.string(), Args: z.unknown() });
export type PolledJob = z.infer<typeof pollReplySchema>;

const jobInfoSchema = z.object({ rerunOfId: z.string().nullable().optional() });

/** A non-200 reply of the app, with its plain-text reason. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

interface Reply {
  status: number;
  text: string;
}

// A fresh connection per request: a reused keep-alive socket the server has just closed would fail a POST
// that was never processed, and a poll must not be sent twice.
function send(url: string, method: string, headers: Record<string, string | number>, body?: Buffer): Promise<Reply> {
  const lib = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const r = lib.request(url, { method, agent: false, headers, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    r.on("timeout", () => r.destroy(new Error(`${method} ${url}: no answer in 60 s`)));
    r.on("error", reject);
    r.end(body);
  });
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RetryOptions {
  backoff?: Backoff;
  /** tests pass a recorder instead of really waiting */
  sleep?: (ms: number) => Promise<void>;
}

export class ProtocolClient {
  private readonly backoff: Backoff;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    readonly baseURL: string,
    readonly client: string,
    readonly key: string,
    readonly agentName: string,
    readonly codeRevision: string,
    retry: RetryOptions = {},
  ) {
    this.backoff = retry.backoff ?? DEFAULT_BACKOFF;
    this.sleep = retry.sleep ?? realSleep;
  }

  /** Sends one call; when `retry` is set, transient failures (connection refused/reset, 502/503/504) are sent again with capped backoff. */
  private async call(method: string, payload: unknown, retry: boolean): Promise<Reply> {
    const form = new FormData();
    form.append("client", this.client);
    form.append("key", this.key);
    form.append("method", method);
    form.append("payload", new Blob([new Uint8Array(gzipSync(JSON.stringify(payload)))]), "payload");
    const req = new Request(`${this.baseURL}/api`, { method: "POST", body: form });
    const bytes = Buffer.from(await req.arrayBuffer());
    const headers = { "content-type": req.headers.get("content-type")!, "content-length": bytes.length };
    for (let attempt = 0; ; attempt++) {
      let failure: Error;
      try {
        const reply = await send(`${this.baseURL}/api`, "POST", headers, bytes);
        if (reply.status === 200) return reply;
        failure = new AppError(reply.status, `${method}: ${reply.status} ${reply.text.slice(0, 500)}`);
        if (!TRANSIENT_STATUSES.has(reply.status)) throw failure;
      } catch (e) {
        if (e instanceof AppError || !isTransientNetworkError(e)) throw e;
        failure = e as Error;
      }
      if (!retry || attempt >= this.backoff.retries) throw failure;
      await this.sleep(backoffMs(attempt, this.backoff));
    }
  }

  /**
   * The next pending patch-triage job, or null. Not retried here: a lost reply would hand out a second job, so the
   * worker's own poll loop is the retry (a job handed out and lost is aborted and requeued after the silent timeout).
   */
  async poll(): Promise<PolledJob | null> {
    const reply = await this.call(
      "ai_job_poll",
      { AgentName: this.agentName, CodeRevision: this.codeRevision, Workflows: [{ Type: WORKFLOW, Name: WORKFLOW }] },
      false,
    );
    const job = pollReplySchema.parse(JSON.parse(reply.text));
    return job.ID ? job : null;
  }

  /** Stores (or replaces) one span; logging twice is harmless, so it is retried. */
  async log(jobId: string, span: Span): Promise<void> {
    await this.call("ai_trajectory_log", { AgentName: this.agentName, JobID: jobId, Span: span }, true);
  }

  /** Finishing twice is harmless too (the app ignores a repeat), so it is retried. */
  async done(jobId: string, results: Record<string, unknown> | null, error = ""): Promise<void> {
    await this.call("ai_job_done", { ID: jobId, Error: error, Results: results }, true);
  }

  private async getJson(path: string): Promise<unknown> {
    // Reading runs may need sign-in; the agent's protocol key counts as a reader's.
    const reply = await send(`${this.baseURL}${path}`, "GET", { accept: "application/json", "x-agent-client": this.client, "x-agent-key": this.key });
    if (reply.status !== 200) throw new AppError(reply.status, `GET ${path}: ${reply.status} ${reply.text.slice(0, 300)}`);
    return JSON.parse(reply.text);
  }

  /** The run this job reruns, if any. */
  async rerunOf(jobId: string): Promise<string | null> {
    return jobInfoSchema.parse(await this.getJson(`/api/jobs/${jobId}`)).rerunOfId ?? null;
  }

  async trajectory(jobId: string): Promise<Span[]> {
    return z.array(spanSchema).parse(await this.getJson(`/api/jobs/${jobId}/trajectory`));
  }
}
