// The agent's only link to the app: the agent protocol (POST /api, multipart + gzip JSON) and two read-only job routes.
import { z } from "zod";
import { encodeCall, postCall, protocolRequest, request, type Reply as WireReply } from "@/lib/agents/client";
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

/** The answer, or the network error thrown (what the retry below tells transient failures by). */
function answered(r: WireReply): Reply {
  if (typeof r.outcome === "string") throw r.error ?? Object.assign(new Error(r.outcome), { code: r.outcome });
  return { status: r.outcome, text: r.text };
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
    // Encoded once (lib/agents/client.ts, the bytes upstream's Go client sends): a retry sends the same bytes.
    const encoded = encodeCall({ client: this.client, key: this.key, method, payload });
    for (let attempt = 0; ; attempt++) {
      let failure: Error;
      try {
        const reply = answered(await postCall(this.baseURL, encoded));
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
      protocolRequest.poll(this.agentName, this.codeRevision, [{ Type: WORKFLOW, Name: WORKFLOW }]),
      false,
    );
    const job = pollReplySchema.parse(JSON.parse(reply.text));
    return job.ID ? job : null;
  }

  /** Stores (or replaces) one span; logging twice is harmless, so it is retried. */
  async log(jobId: string, span: Span): Promise<void> {
    await this.call("ai_trajectory_log", protocolRequest.log(this.agentName, jobId, span), true);
  }

  /** Finishing twice is harmless too (the app ignores a repeat), so it is retried. */
  async done(jobId: string, results: Record<string, unknown> | null, error = ""): Promise<void> {
    await this.call("ai_job_done", protocolRequest.done(jobId, error, results), true);
  }

  private async getJson(path: string): Promise<unknown> {
    // Reading runs may need sign-in; the agent's protocol key counts as a reader's.
    const reply = answered(
      await request(`${this.baseURL}${path}`, "GET", {
        accept: "application/json",
        "x-agent-client": this.client,
        "x-agent-key": this.key,
      }),
    );
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
