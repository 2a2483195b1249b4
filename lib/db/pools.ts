// Which database and which time limit a query gets: the one place that decides it. Every query belongs to a class —
// "write" (agents, imports, reruns, sign-in, the queue: the primary, long statement_timeout), "read" (the history, a
// run's header and outline, a span: a replica when one is up and caught up, a timeout of seconds) or "expensive" (in-run
// search, compare, exports, trends: the same targets through a small pool of their own, so ten slow searches cannot take
// the connections the history and the agents need) or "outline" (a run's whole outline: up to tens of MB built by one
// query, through a pool of two, so ten readers of 100,000-span runs cannot take the history's connections either).
// The Prisma clients and the pg pools are all built here.
import "server-only";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { appConfig } from "@/lib/config";
import { isDatabaseUnavailable } from "./unavailable";
import { ReplicaHealth } from "./replicas";
import { FairPool } from "./fair-pool";
import { FairTurns } from "@/lib/fair-turns";

export type Db = InstanceType<typeof PrismaClient>;

/** The kinds of query, each with its pool size and statement_timeout (lib/config.ts: DB_*_TIMEOUT_SECONDS). */
export type QueryClass = "write" | "read" | "expensive" | "outline";

/** Connections per process for whole outlines: each build is one query of seconds; more would only share the CPU. */
const OUTLINE_CONNECTIONS = 2;

/** The settings of a class's pool: connections per process and the statement_timeout in ms. */
export function classSettings(cls: QueryClass | "ingest"): { max: number; statementTimeoutMs: number } {
  const c = appConfig();
  switch (cls) {
    case "write":
    case "ingest":
      return { max: 10, statementTimeoutMs: c.DB_WRITE_TIMEOUT_SECONDS * 1000 };
    case "read":
      return { max: 10, statementTimeoutMs: c.DB_READ_TIMEOUT_SECONDS * 1000 };
    case "expensive":
      return { max: c.DB_EXPENSIVE_CONNECTIONS, statementTimeoutMs: c.DB_EXPENSIVE_TIMEOUT_SECONDS * 1000 };
    // The readers' limit, as before it had a pool of its own: a whole outline is what every run page needs, and its
    // own two connections keep a slow one from the history's (an operator who cuts the expensive readers' limit to
    // bound searches must not cut run pages with it: test:deploy sets it to 0.5 s).
    case "outline":
      return { max: OUTLINE_CONNECTIONS, statementTimeoutMs: c.DB_READ_TIMEOUT_SECONDS * 1000 };
  }
}

interface State {
  key: string;
  pools: Map<string, pg.Pool>;
  clients: Map<string, Db>;
  health: ReplicaHealth | null;
  /** The expensive readers' turns, one set for the process whichever database serves them (./fair-pool.ts). */
  expensiveTurns?: FairTurns;
}

const globalForPools = globalThis as unknown as { trajectoryPools?: State };

function primaryUrl(): string {
  const url = appConfig().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, or set it to a PostgreSQL URL");
  return url;
}

/** The process's pools and clients for the current DATABASE_URL and DATABASE_READ_URL (rebuilt when they change). */
function state(): State {
  const c = appConfig();
  const key = [primaryUrl(), ...c.DATABASE_READ_URL].join("\n");
  let s = globalForPools.trajectoryPools;
  if (!s || s.key !== key) {
    if (s) void closeState(s);
    s = { key, pools: new Map(), clients: new Map(), health: null };
    if (c.DATABASE_READ_URL.length)
      s.health = new ReplicaHealth(primaryUrl(), c.DATABASE_READ_URL, () => c.DB_REPLICA_MAX_LAG_SECONDS * 1000);
    globalForPools.trajectoryPools = s;
  }
  return s;
}

/** A pg pool of one class on one database (created on first use; connections open lazily and close when idle). */
function poolOn(s: State, url: string, cls: QueryClass | "ingest"): pg.Pool {
  const k = `${cls}\n${url}`;
  let p = s.pools.get(k);
  if (!p) {
    const { max, statementTimeoutMs } = classSettings(cls);
    p = new pg.Pool({
      connectionString: url,
      max,
      allowExitOnIdle: true,
      statement_timeout: statementTimeoutMs,
      // A reader waits for a connection of its class (or for a new one to open) about as long as its query may run,
      // then answers 503, instead of piling up behind slow queries; the 2 s cover a connect on a loaded machine.
      connectionTimeoutMillis: cls === "write" || cls === "ingest" ? 0 : statementTimeoutMs + 2000,
      application_name: `trajectory-viewer ${cls}`,
    });
    // An idle connection the server dropped (restart, failover) must not crash the process; the next query reconnects.
    p.on("error", () => {});
    s.pools.set(k, p);
  }
  return p;
}

/**
 * A pool that sends each query to the first usable database of `targets()` (replicas, then the primary); a query that
 * could not reach a replica (refused, closed, starting up or a recovery conflict) marks it down and runs on the next
 * one: these are read-only queries, so running one again is safe. Passed to Prisma's pg adapter as its pool.
 */
class RoutedPool extends pg.Pool {
  constructor(
    private readonly targets: () => { url: string; pool: pg.Pool }[],
    private readonly down: (url: string) => void,
  ) {
    super({ max: 1 });
  }

  override query(...args: unknown[]): never {
    return this.each((p) => (p.query as (...a: unknown[]) => Promise<unknown>).apply(p, args)) as never;
  }

  override connect(...args: unknown[]): never {
    if (args.length) throw new Error("RoutedPool.connect takes no callback");
    return this.each((p) => p.connect()) as never;
  }

  private async each<T>(run: (p: pg.Pool) => Promise<T>): Promise<T> {
    const ts = this.targets();
    for (let i = 0; ; i++) {
      const t = ts[i]!;
      try {
        return await run(t.pool);
      } catch (e) {
        const last = i === ts.length - 1;
        if (last || !(isDatabaseUnavailable(e) || (e as { code?: string }).code === "40001")) throw e;
        this.down(t.url);
      }
    }
  }

  override async end(): Promise<void> {}
}

/**
 * The Prisma client for a class of query. "write" is the primary's; "read" and "expensive" go to a healthy replica when
 * DATABASE_READ_URL names any (else, and when `primary` is set — read-your-writes — to the primary), each with its
 * class's statement_timeout. Created once per process. Throws when DATABASE_URL is not set.
 */
export function dbFor(cls: QueryClass, opts: { primary?: boolean } = {}): Db {
  const s = state();
  const onPrimary = cls === "write" || opts.primary || !s.health;
  const k = `${cls}${onPrimary ? "" : " routed"}`;
  let client = s.clients.get(k);
  if (!client) {
    client = new PrismaClient({ adapter: new PrismaPg(pgPoolOf(s, cls, onPrimary)) });
    s.clients.set(k, client);
  }
  return client;
}

/**
 * The pg pool of a class: the primary's, or one routed to a healthy replica first (see dbFor); the expensive readers'
 * behind turns shared fairly between clients (./fair-pool.ts).
 */
function pgPoolOf(s: State, cls: QueryClass, onPrimary: boolean): pg.Pool {
  if (cls !== "expensive") return plainPoolOf(s, cls, onPrimary);
  const k = `${cls} fair${onPrimary ? "" : " routed"}`;
  let p = s.pools.get(k);
  if (!p) {
    const { max, statementTimeoutMs } = classSettings(cls);
    s.expensiveTurns ??= new FairTurns(max, Math.max(1, max - 1));
    p = new FairPool(plainPoolOf(s, cls, onPrimary), s.expensiveTurns, statementTimeoutMs + 2000);
    s.pools.set(k, p);
  }
  return p;
}

function plainPoolOf(s: State, cls: QueryClass, onPrimary: boolean): pg.Pool {
  const health = s.health;
  if (onPrimary || !health) return poolOn(s, primaryUrl(), cls);
  const k = `${cls} routed`;
  let p = s.pools.get(k);
  if (!p) {
    const primary = primaryUrl();
    p = new RoutedPool(
      () => [...health.usable().map((url) => ({ url, pool: poolOn(s, url, cls) })), { url: primary, pool: poolOn(s, primary, cls) }],
      (url) => health.markDown(url),
    );
    s.pools.set(k, p);
  }
  return p;
}

/**
 * The plain pg pool of a reader's class (no Prisma: a query whose one value is tens of MB of text reaches the caller as
 * that text, without the client's per-row work), routed like dbFor's.
 */
export function readerPool(cls: Exclude<QueryClass, "write">, opts: { primary?: boolean } = {}): pg.Pool {
  const s = state();
  return pgPoolOf(s, cls, Boolean(opts.primary) || !s.health);
}

/** The primary's plain pg pool for the write path (lib/ingest: one statement per round trip, long transactions). */
export function ingestPool(): pg.Pool {
  const s = state();
  return poolOn(s, primaryUrl(), "ingest");
}

/** Replicas and their state, for the readiness check and the deploy test: url (without password), usable, lag in ms. */
export function replicaStatus(): { url: string; usable: boolean; lagMs: number | null }[] {
  return globalForPools.trajectoryPools?.health?.status() ?? [];
}

async function closeState(s: State): Promise<void> {
  s.health?.stop();
  await Promise.all([...s.clients.values()].map((c) => c.$disconnect().catch(() => {})));
  await Promise.all([...s.pools.values()].map((p) => p.end().catch(() => {})));
}

/** Closes every client and pool of the process (CLI tools and tests, before exiting). */
export async function closePools(): Promise<void> {
  const s = globalForPools.trajectoryPools;
  globalForPools.trajectoryPools = undefined;
  if (s) await closeState(s);
}
