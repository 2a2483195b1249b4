// The process's plain pg pool beside the Prisma client, for the write paths that need one statement per round trip or a
// long transaction Prisma's interactive transactions would time out (lib/ingest): same DATABASE_URL, created once.
import "server-only";
import pg from "pg";
import { appConfig } from "@/lib/config";

const globalForPool = globalThis as unknown as { trajectoryPool?: pg.Pool; trajectoryPoolUrl?: string };

/** The pool for DATABASE_URL (10 connections), created on first use and kept across dev hot reloads. */
export function pool(): pg.Pool {
  const url = appConfig().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, or set it to a PostgreSQL URL");
  if (!globalForPool.trajectoryPool || globalForPool.trajectoryPoolUrl !== url) {
    globalForPool.trajectoryPool = new pg.Pool({ connectionString: url, max: 10, allowExitOnIdle: true });
    // An idle connection the server dropped (restart, failover) must not crash the process; the next query reconnects.
    globalForPool.trajectoryPool.on("error", () => {});
    globalForPool.trajectoryPoolUrl = url;
  }
  return globalForPool.trajectoryPool;
}

/** What the write path runs SQL on: the pool (one statement, autocommit) or a client inside a transaction. */
export type Sql = Pick<pg.PoolClient, "query">;

/** PostgreSQL's codes for a transaction it rolled back to break a deadlock or a serialization conflict. */
const RETRYABLE = new Set(["40P01", "40001"]);

/**
 * Runs `fn` in one transaction on a connection of its own, COMMIT when it resolves, ROLLBACK when it throws (the
 * error is rethrown). A transaction PostgreSQL rolled back for a deadlock is run again (up to 3 times): nothing of it
 * was kept (unless `retry: false`: `fn` cannot run twice). No time limit: a 1,000,000-span import takes as long as PostgreSQL needs.
 */
export async function inTransaction<T>(fn: (sql: pg.PoolClient) => Promise<T>, opts: { retry?: boolean } = {}): Promise<T> {
  const p = pool();
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(fn, p);
    } catch (e) {
      if (opts.retry === false || attempt >= 3 || !RETRYABLE.has((e as { code?: string }).code ?? "")) throw e;
    }
  }
}

async function once<T>(fn: (sql: pg.PoolClient) => Promise<T>, p: pg.Pool): Promise<T> {
  const client = await p.connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

/** Closes the pool (CLI tools and tests call it before exiting). */
export async function closePool(): Promise<void> {
  await globalForPool.trajectoryPool?.end();
  globalForPool.trajectoryPool = undefined;
}
