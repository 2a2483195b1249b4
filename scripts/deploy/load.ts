// The mixed load `npm run test:deploy` puts on the topology: three agents (the load test's, lib/load) writing runs
// and six readers, all through nginx, while jobs are kept queued; every span an agent saw acknowledged is then checked
// in the database (the ledger: stored exactly once, with its fields).
import pg from "pg";
import { LoadAgent } from "@/lib/load/agent";
import { Ledger } from "@/lib/load/ledger";
import { queueJobs, pendingJobs } from "@/lib/load/queue";
import { runReader } from "@/lib/load/reader";
import { LoadStats } from "@/lib/load/stats";
import { sleep } from "./check";
import type { Topology } from "./topology";

/**
 * Runs the load for `seconds` s, with `during` (e.g. killing an instance) alongside. Agents retry their own calls
 * (502/503) until 30 s after the end. Returns the ledger's verdict and the agents' and readers' counts and errors.
 */
/** How many readers a load runs, one request at a time each. */
export const READERS = 6;

export async function load(topo: Topology, seconds: number, during?: () => Promise<void>) {
  const ledger = new Ledger();
  const agentStats = new LoadStats();
  const readStats = new LoadStats();
  const db = new pg.Pool({ connectionString: topo.primary, max: 3 });
  let over = false;
  let endAt = Number.MAX_SAFE_INTEGER;
  await queueJobs(db, "deploy-load", 12);
  const feeder = (async () => {
    while (!over) {
      await sleep(300);
      if (!over && (await pendingJobs(db, "deploy-load")) < 6) await queueJobs(db, "deploy-load", 12);
    }
  })();
  const agents = [0, 1, 2].map(
    (i) =>
      new LoadAgent({
        baseURL: topo.proxy,
        creds: { client: "deploy-check", key: topo.checkKey },
        agentName: `deploy-load-${i}`,
        workflow: "deploy-load",
        spansPerJob: 30,
        stats: agentStats,
        ledger,
        stopped: () => over,
        retryUntil: () => (over ? endAt + 30_000 : Number.MAX_SAFE_INTEGER),
      }),
  );
  const running = [
    ...agents.map((a) => a.run()),
    ...Array.from({ length: READERS }, () =>
      runReader({ baseURL: topo.proxy, ledger, stats: readStats, workflow: "deploy-load", stopped: () => over }),
    ),
  ];
  const duringDone = during?.();
  await sleep(seconds * 1000);
  over = true;
  endAt = Date.now();
  await Promise.all([...running, duringDone]);
  await feeder;
  const verdict = await ledger.verify(db);
  await db.end();
  return { verdict, agentStats, readStats };
}

/** What one load run measured. */
export type LoadResult = Awaited<ReturnType<typeof load>>;
