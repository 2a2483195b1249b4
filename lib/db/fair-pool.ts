// The expensive readers' connections shared fairly between clients. The pool's few connections (DB_EXPENSIVE_CONNECTIONS)
// went first come: 20 anonymous addresses each searching a large run one search at a time kept them busy, and another
// reader's 4 KB export waited 29.6 s, the history's first page 9.6 s (attack7 S1). Here each query or checkout first
// takes a turn of the client address being served (lib/fair-turns.ts): one client holds all connections but one at
// most, and a client not served lately goes first.
import "server-only";
import pg from "pg";
import { FairTurns, type Release } from "@/lib/fair-turns";
import { servedClientAddress } from "@/lib/served-client";

/**
 * A pg pool in front of `inner` whose queries and checked-out clients each hold a turn of `turns`, keyed by the served
 * client's address ("" for the app's own work). A turn not given within `waitMs` fails as pg-pool's own wait does
 * ("timeout exceeded when trying to connect"), which callers answer 503 (lib/db/unavailable.ts). Passed to Prisma's pg
 * adapter as its pool, like RoutedPool (lib/db/pools.ts).
 */
export class FairPool extends pg.Pool {
  constructor(
    private readonly inner: pg.Pool,
    private readonly turns: FairTurns,
    private readonly waitMs: number,
  ) {
    super({ max: 1 });
  }

  private turn(): Promise<Release> {
    return this.turns.takeWithin(
      servedClientAddress(),
      this.waitMs,
      () => new Error(`timeout exceeded when trying to connect: no expensive reader's turn came free in ${this.waitMs / 1000} s`),
    );
  }

  override query(...args: unknown[]): never {
    if (typeof args.at(-1) === "function") throw new Error("FairPool.query takes no callback");
    return this.turn().then(async (release) => {
      try {
        return await (this.inner.query as (...a: unknown[]) => Promise<unknown>).apply(this.inner, args);
      } finally {
        release();
      }
    }) as never;
  }

  override connect(...args: unknown[]): never {
    if (args.length) throw new Error("FairPool.connect takes no callback");
    return this.turn().then(async (release) => {
      try {
        const client = await this.inner.connect();
        const giveBack = client.release.bind(client);
        client.release = (err?: Error | boolean) => {
          release();
          return giveBack(err);
        };
        return client;
      } catch (e) {
        release();
        throw e;
      }
    }) as never;
  }

  override async end(): Promise<void> {}
}
