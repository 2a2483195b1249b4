// One timed load phase: N agents and M readers against the app, with a feeder that keeps work queued for the agents.
import { performance } from "node:perf_hooks";
import { LoadAgent } from "./agent";
import type { Credentials } from "./http";
import type { Ledger, Queryable } from "./ledger";
import { pendingJobs, queueJobs } from "./queue";
import { runReader } from "./reader";
import { LoadStats } from "./stats";

export interface PhaseOptions {
  /** the app; several instances are taken in turn, request by request (round-robin) */
  baseURL: string | string[];
  db: Queryable;
  /** one per agent (agents may share one) */
  creds: Credentials[];
  agents: number;
  readers: number;
  seconds: number;
  workflow: string;
  spansPerJob: number;
  ledger: Ledger;
  /** prefix of the AgentName each agent reports */
  agentPrefix: string;
  /** agents reuse their connection (keep-alive) as syz-agent's Go client does; default a fresh one a call */
  keepAlive?: boolean;
}

export interface PhaseResult {
  stats: LoadStats;
  /** wall time from start to the last request's answer */
  seconds: number;
  /** distinct (job, seq) newly acknowledged in this phase */
  spansAcknowledged: number;
  jobsTaken: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runPhase(o: PhaseOptions): Promise<PhaseResult> {
  const stats = new LoadStats();
  const before = o.ledger.acknowledgedCount;
  let over = false;
  let endAt = Number.MAX_SAFE_INTEGER;
  const stopped = () => over;
  // After the phase, transient failures are still retried for a while, so a request in flight is not cut short.
  const retryUntil = () => (over ? endAt + 30_000 : Number.MAX_SAFE_INTEGER);

  // Enough queued work that no agent polls into an empty queue, topped up as they take it.
  await queueJobs(o.db, o.workflow, Math.max(4, o.agents * 4));
  const feeder = (async () => {
    while (!over) {
      await sleep(300);
      if (!over && (await pendingJobs(o.db, o.workflow)) < o.agents * 2) await queueJobs(o.db, o.workflow, o.agents * 4);
    }
  })();

  const urls = typeof o.baseURL === "string" ? [o.baseURL] : o.baseURL;
  let turn = 0;
  const baseURL = urls.length === 1 ? urls[0]! : () => urls[turn++ % urls.length]!;
  const agents = Array.from(
    { length: o.agents },
    (_, i) =>
      new LoadAgent({
        baseURL,
        creds: o.creds[i % o.creds.length]!,
        agentName: `${o.agentPrefix}-${i + 1}`,
        workflow: o.workflow,
        spansPerJob: o.spansPerJob,
        stats,
        ledger: o.ledger,
        stopped,
        retryUntil,
        keepAlive: o.keepAlive,
      }),
  );
  const t0 = performance.now();
  const running = [
    ...agents.map((a) => a.run()),
    ...Array.from({ length: o.readers }, () => runReader({ baseURL: urls[0]!, ledger: o.ledger, stats, workflow: o.workflow, stopped })),
  ];
  await sleep(o.seconds * 1000);
  over = true;
  endAt = Date.now();
  await Promise.all(running);
  const seconds = (performance.now() - t0) / 1000;
  await feeder;
  return {
    stats,
    seconds,
    spansAcknowledged: o.ledger.acknowledgedCount - before,
    jobsTaken: agents.reduce((n, a) => n + a.jobs.length, 0),
  };
}
