// A reader sees their own writes: after a rerun, a review, an import or an experiment, the browser that made it gets a
// short-lived signed cookie, and while it holds one its reads go to the primary (replicas may not have replayed the
// write yet). Signed so an anonymous client cannot pin itself to the primary; the key comes from BETTER_AUTH_SECRET,
// else from DATABASE_URL (its password), which every app instance shares and no client knows.
import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { cookies } from "next/headers";
import { appConfig } from "@/lib/config";
import type pg from "pg";
import { dbFor, readerPool, type Db } from "./pools";

export const READ_PRIMARY_COOKIE = "tv-read-primary";

function key(): Buffer {
  const c = appConfig();
  return createHash("sha256")
    .update(`read-your-writes\n${c.BETTER_AUTH_SECRET ?? c.DATABASE_URL ?? ""}`)
    .digest();
}

function sign(until: number): string {
  return `${until}.${createHmac("sha256", key()).update(String(until)).digest("base64url")}`;
}

/** The time (ms since the epoch) a cookie value pins reads to the primary until; 0 when forged, malformed or past. */
export function primaryUntil(value: string | undefined, now = Date.now()): number {
  const m = value?.match(/^(\d{1,15})\.([\w-]{43})$/);
  if (!m) return 0;
  const until = Number(m[1]);
  const expected = Buffer.from(sign(until).split(".")[1]!);
  const given = Buffer.from(m[2]!);
  if (!timingSafeEqual(expected, given)) return 0;
  // Never longer than the configured window from now, whatever a cookie says.
  return until > now && until <= now + appConfig().DB_READ_YOUR_WRITES_SECONDS * 1000 ? until : 0;
}

/** The Set-Cookie value that pins this browser's reads to the primary for DB_READ_YOUR_WRITES_SECONDS. */
export function readPrimaryCookie(now = Date.now()): { name: string; value: string; maxAge: number } {
  const seconds = appConfig().DB_READ_YOUR_WRITES_SECONDS;
  return { name: READ_PRIMARY_COOKIE, value: sign(now + seconds * 1000), maxAge: Math.ceil(seconds) };
}

/**
 * Call after a write a reader will want to see (in a route handler or server action): sets the cookie when replicas
 * are configured; a no-op otherwise and outside a request.
 */
export async function noteWrite(): Promise<void> {
  if (!appConfig().DATABASE_READ_URL.length) return;
  try {
    const c = readPrimaryCookie();
    (await cookies()).set(c.name, c.value, { maxAge: c.maxAge, httpOnly: true, sameSite: "lax", path: "/" });
  } catch {
    // outside a request (a command-line tool): nothing to pin
  }
}

/**
 * The Prisma client for a reader's query of class "read" or "expensive" (lib/db/pools.ts): a replica, unless this
 * request's browser wrote within DB_READ_YOUR_WRITES_SECONDS, then the primary. Outside a request: the routed client.
 */
export async function readDb(cls: "read" | "expensive" = "read"): Promise<Db> {
  if (!appConfig().DATABASE_READ_URL.length) return dbFor(cls);
  return dbFor(cls, { primary: await readsPrimary() });
}

/** The plain pg pool (lib/db/pools.ts readerPool) of a reader's class, on the database readDb's client would use. */
export async function readPool(cls: "read" | "expensive" = "read"): Promise<pg.Pool> {
  return readerPool(cls, { primary: await readsPrimary() });
}

/** True when this request's browser wrote within DB_READ_YOUR_WRITES_SECONDS (its reads go to the primary). */
export async function readsPrimary(): Promise<boolean> {
  if (!appConfig().DATABASE_READ_URL.length) return false;
  try {
    return primaryUntil((await cookies()).get(READ_PRIMARY_COOKIE)?.value) > 0;
  } catch {
    return false; // outside a request
  }
}
