// The process's plain pg pool beside the Prisma client, for the write paths that need one statement per round trip or a
// long transaction Prisma's interactive transactions would time out (lib/ingest): the primary, built in lib/db/pools.ts.
import "server-only";
import pg from "pg";
import { closePools, ingestPool } from "./pools";

/** The primary's pool for the write path (10 connections, DB_WRITE_TIMEOUT_SECONDS per statement; lib/db/pools.ts). */
export function pool(): pg.Pool {
  return ingestPool();
}

/** What the write path runs SQL on: the pool (one statement, autocommit) or a client inside a transaction. */
export type Sql = Pick<pg.PoolClient, "query">;

/** PostgreSQL's codes for a transaction it rolled back to break a deadlock or a serialization conflict. */
const RETRYABLE = new Set(["40P01", "40001"]);

/**
 * Runs `fn` in one transaction on a connection of its own, COMMIT when it resolves, ROLLBACK when it throws (the
 * error is rethrown). A transaction PostgreSQL rolled back for a deadlock is run again (up to 3 times): nothing of it
 * was kept (unless `retry: false`: `fn` cannot run twice). No limit on the whole transaction (a 1,000,000-span import takes as long as PostgreSQL needs); each statement stops after DB_WRITE_TIMEOUT_SECONDS.
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

/** Closes the pools (CLI tools and tests call it before exiting). */
export async function closePool(): Promise<void> {
  await closePools();
}
