// A load-test reader: opens run pages, outlines, single spans and history pages of the runs agents are writing, in turn.
import { get } from "./http";
import type { Ledger } from "./ledger";
import type { LoadStats, RequestKind } from "./stats";
import { rng } from "./trajectory";

export interface ReaderOptions {
  baseURL: string;
  ledger: Ledger;
  stats: LoadStats;
  workflow: string;
  stopped: () => boolean;
  seed?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Reads until stopped, one request at a time (a person clicking, without think time), mostly recent runs. */
export async function runReader(o: ReaderOptions): Promise<void> {
  const rand = rng(o.seed ?? Math.floor(Math.random() * 2 ** 31));
  const kinds: RequestKind[] = ["page", "outline", "span", "history"];
  for (let i = Math.floor(rand() * kinds.length); !o.stopped(); i++) {
    const jobs = o.ledger.jobs;
    if (jobs.length === 0) {
      await sleep(100);
      continue;
    }
    // Recent runs are the live ones people watch; older ones are opened too.
    const job = jobs[Math.max(0, jobs.length - 1 - Math.floor(rand() * rand() * jobs.length))]!;
    const kind = kinds[i % kinds.length]!;
    let path: string;
    if (kind === "page") path = `/jobs/${job}`;
    else if (kind === "outline") path = `/api/jobs/${job}/outline`;
    else if (kind === "span") path = `/api/jobs/${job}/spans/${o.ledger.someSeq(job, rand) ?? 0}`;
    else path = rand() < 0.5 ? "/" : `/?workflow=${encodeURIComponent(o.workflow)}&sort=tokens`;
    const r = await get(`${o.baseURL}${path}`);
    o.stats.record(kind, r.ms, r.outcome);
  }
}
