// Which pool and which time limit a query gets (lib/db/pools.ts), on a real PostgreSQL: each class's statement_timeout,
// the expensive readers' own small pool, replicas that cannot serve skipped, and the read-your-writes cookie.
import net from "node:net";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { closePools, dbFor, replicaStatus } from "@/lib/db/pools";
import { primaryUntil, readPrimaryCookie } from "@/lib/db/read-your-writes";
import { queryLimitReason } from "@/lib/db/unavailable";
import { failureResponse } from "@/lib/api/route";
import { servingClient } from "@/lib/served-client";

const SETTINGS = ["DB_READ_TIMEOUT_SECONDS", "DB_EXPENSIVE_TIMEOUT_SECONDS", "DB_EXPENSIVE_CONNECTIONS", "DATABASE_READ_URL"];
const saved = Object.fromEntries(SETTINGS.map((k) => [k, process.env[k]]));

beforeEach(closePools);
afterEach(async () => {
  for (const k of SETTINGS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await closePools();
});
afterAll(closePools);

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe("time limits per class", () => {
  it("a reader's query past DB_READ_TIMEOUT_SECONDS is stopped by PostgreSQL and answers 503 with the reason; a write may run longer", async () => {
    process.env.DB_READ_TIMEOUT_SECONDS = "0.3";
    const err = await dbFor("read").$queryRaw`SELECT pg_sleep(2)::text AS s`.then(() => null).catch((e: unknown) => e);
    expect(err).not.toBeNull();
    expect(queryLimitReason(err)).toMatch(/time limit/);
    const res = failureResponse(err);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/stopped this query at this server's time limit/);
    // The write class has its own, longer limit.
    await expect(dbFor("write").$queryRaw`SELECT pg_sleep(0.5)::text AS s`).resolves.toBeDefined();
  });

  it("expensive readers wait for their own small pool, never for the history's connections; a wait past the limit is a 503", async () => {
    process.env.DB_EXPENSIVE_CONNECTIONS = "1";
    process.env.DB_EXPENSIVE_TIMEOUT_SECONDS = "0.5";
    // One expensive query holds the only connection of its pool for 4 s; a wait is cut at the timeout + 2 s.
    const holding = dbFor("expensive").$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_sleep(0.1)::text AS s`;
      await new Promise((r) => setTimeout(r, 4000));
    });
    await new Promise((r) => setTimeout(r, 150));
    const waited = await dbFor("expensive").$queryRaw`SELECT 1`.then(() => null).catch((e: unknown) => e);
    // Meanwhile a history reader is answered at once.
    await expect(dbFor("read").$queryRaw`SELECT 1 AS one`).resolves.toEqual([{ one: 1 }]);
    await holding;
    expect(queryLimitReason(waited)).toMatch(/busy/);
    expect(failureResponse(waited).status).toBe(503);
  });
});

describe("expensive readers' turns", () => {
  it("one client holds all connections but one; another client's query goes before its next ones", async () => {
    process.env.DB_EXPENSIVE_CONNECTIONS = "3";
    const done: string[] = [];
    const sleep = (client: string, tag: string) =>
      // Awaited inside: a Prisma query runs when awaited, and takes the address of where that is.
      servingClient(client, async () => await dbFor("expensive").$queryRaw`SELECT pg_sleep(0.4)::text AS s`).then(() => done.push(tag));
    const flood = ["a1", "a2", "a3", "a4"].map((tag) => sleep("10.0.0.1", tag));
    await new Promise((r) => setTimeout(r, 100));
    const other = sleep("10.0.0.2", "b");
    await Promise.all([...flood, other]);
    // a1 and a2 ran first (two of three connections); b took the third at once, before a3 and a4.
    expect(done.indexOf("b")).toBeLessThan(done.indexOf("a3"));
    expect(done.indexOf("b")).toBeLessThan(done.indexOf("a4"));
  });
});

describe("replicas", () => {
  it("a replica that does not answer, or is not in recovery, is skipped: readers read the primary", async () => {
    const primary = process.env.DATABASE_URL!;
    process.env.DATABASE_READ_URL = `postgresql://postgres:secret@127.0.0.1:${await closedPort()}/x,${primary}`;
    await expect(dbFor("read").$queryRaw`SELECT pg_is_in_recovery() AS r`).resolves.toEqual([{ r: false }]);
    await new Promise((r) => setTimeout(r, 1500));
    const status = replicaStatus();
    expect(status).toHaveLength(2);
    expect(status.map((s) => s.usable)).toEqual([false, false]);
    // Passwords never show in status lines.
    expect(status[0]!.url).not.toContain("secret");
    await expect(dbFor("expensive").$queryRaw`SELECT 1 AS one`).resolves.toEqual([{ one: 1 }]);
  });
});

describe("read-your-writes cookie", () => {
  it("pins reads to the primary for DB_READ_YOUR_WRITES_SECONDS; forged, altered or too-far values do not", () => {
    const now = Date.now();
    const c = readPrimaryCookie(now);
    expect(primaryUntil(c.value, now)).toBe(now + 15_000);
    expect(primaryUntil(c.value, now + 16_000)).toBe(0);
    const [until, mac] = c.value.split(".");
    expect(primaryUntil(`${Number(until) + 1}.${mac}`, now)).toBe(0);
    expect(primaryUntil(`${now + 10_000}.${"A".repeat(43)}`, now)).toBe(0);
    expect(primaryUntil(readPrimaryCookie(now + 3_600_000).value, now)).toBe(0);
    expect(primaryUntil(undefined, now)).toBe(0);
  });
});
