// A load-test agent: polls one workflow, streams each job's spans (start and finish copies, some twice, some out of
// order), finishes the job, and retries transient failures — recording what the server acknowledged in a Ledger.
import type { Span } from "@/lib/trajectory/span";
import { backoffMs, TRANSIENT_STATUSES, type Backoff } from "@/lib/triage-agent/retry";
import http from "node:http";
import { protocolCall, type Credentials, type Timed } from "./http";
import type { Ledger } from "./ledger";
import type { LoadStats, RequestKind } from "./stats";
import { makeTrajectory, rng, sendOrder } from "./trajectory";

export interface LoadAgentOptions {
  /** the app, or a function picking one per request (round-robin over several instances) */
  baseURL: string | (() => string);
  creds: Credentials;
  agentName: string;
  workflow: string;
  spansPerJob: number;
  stats: LoadStats;
  ledger: Ledger;
  /** true once the run is over: the agent stops after the request in hand */
  stopped: () => boolean;
  /** transient failures are retried until this time (ms since epoch); later they are given up */
  retryUntil: () => number;
  backoff?: Backoff;
  seed?: number;
  /** called with each job the agent took, before its first span */
  onJob?: (jobId: string) => void;
  /**
   * Reuse connections (keep-alive), as syz-agent does: upstream's dashapi.New sends with http.DefaultClient, whose
   * transport keeps the connection of a call answered 200 with an empty body. Default: a fresh connection a call.
   */
  keepAlive?: boolean;
}

// Short waits: a load run measures the server, not the agent's patience; the cap still spaces out a long outage.
const LOAD_BACKOFF: Backoff = { baseMs: 100, capMs: 2000, retries: Number.MAX_SAFE_INTEGER };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const transient = (o: number | string) => typeof o === "string" || TRANSIENT_STATUSES.has(o);

export class LoadAgent {
  readonly jobs: string[] = [];
  private readonly rand: () => number;

  private readonly connections: http.Agent | false;

  constructor(private readonly o: LoadAgentOptions) {
    this.rand = rng(o.seed ?? Math.floor(Math.random() * 2 ** 31));
    this.connections = o.keepAlive ? new http.Agent({ keepAlive: true }) : false;
  }

  /** Sends a call until it is answered with something other than a transient failure, or retrying is over. */
  private async send(kind: RequestKind, method: string, payload: unknown): Promise<Timed> {
    const base = this.o.baseURL;
    const call = protocolCall(typeof base === "string" ? base : base(), this.o.creds, method, payload, this.connections);
    const backoff = this.o.backoff ?? LOAD_BACKOFF;
    for (let attempt = 0; ; attempt++) {
      const r = await call();
      this.o.stats.record(kind, r.ms, r.outcome);
      if (!transient(r.outcome) || attempt >= backoff.retries || Date.now() >= this.o.retryUntil()) return r;
      await sleep(backoffMs(attempt, backoff));
    }
  }

  async run(): Promise<void> {
    while (!this.o.stopped()) {
      // A poll is only sent again after a failure the app cannot have acted on; a lost reply's job is requeued by
      // the silent-agent timeout, as for any agent.
      const r = await this.send("poll", "ai_job_poll", {
        AgentName: this.o.agentName,
        CodeRevision: "load",
        Workflows: [{ Type: this.o.workflow, Name: this.o.workflow }],
      });
      if (r.outcome !== 200) {
        await sleep(200);
        continue;
      }
      const job = JSON.parse(r.text) as { ID: string };
      if (!job.ID) {
        await sleep(100);
        continue;
      }
      this.jobs.push(job.ID);
      this.o.onJob?.(job.ID);
      await this.stream(job.ID);
    }
  }

  private async stream(jobId: string): Promise<void> {
    const spans = makeTrajectory(this.o.spansPerJob, Math.floor(this.rand() * 2 ** 31));
    for (const span of sendOrder(spans, this.rand)) {
      if (this.o.stopped()) {
        // The run ended mid-job: say so, as a stopped agent would, rather than leave it running until the timeout.
        await this.send("done", "ai_job_done", { ID: jobId, Error: "load run ended mid-job", Results: null });
        return;
      }
      if (!(await this.log(jobId, span))) return;
    }
    const flow = spans[0]!;
    await this.send("done", "ai_job_done", { ID: jobId, Error: "", Results: flow.Results ?? { WorthFuzzing: false, Reasoning: "load" } });
  }

  /** false when the job no longer takes spans (aborted, someone else's): the agent drops it, as a real one would. */
  private async log(jobId: string, span: Span): Promise<boolean> {
    this.o.ledger.sending(jobId, span.Seq);
    const r = await this.send("log", "ai_trajectory_log", { AgentName: this.o.agentName, JobID: jobId, Span: span });
    if (r.outcome === 200) this.o.ledger.acknowledge(jobId, span);
    return r.outcome !== 403 && r.outcome !== 404 && r.outcome !== 409;
  }
}
