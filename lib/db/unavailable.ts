// Tells "the database cannot be reached right now" apart from other failures, so APIs answer 503 (retry later), not 500.

// Prisma's codes for an unreachable server, a timed-out connect, a closed connection and an exhausted pool.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);
// What the pg driver adapter reports for socket trouble (DriverAdapterError cause kinds).
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);
// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, crash, starting up).
const SQLSTATE_RE = /^(08|57P0)/;
// pg's own errors for a socket the server closed under it carry no code at all.
// "not queryable" is pg's answer for a pooled client whose socket died under an open transaction.
const MESSAGE_RE =
  /Connection terminated|Connection ended|connection is closed|not queryable|Can't reach database server|the database system is (starting up|shutting down)/i;

interface Shape {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown; originalCode?: unknown } } };
}

/** True when the error (or what it wraps) says the database is down, restarting or unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as Shape | undefined, depth = 0; e && typeof e === "object" && depth < 5; e = e.cause as Shape | undefined, depth++) {
    const code = typeof e.code === "string" ? e.code : "";
    if (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE_RE.test(code)) return true;
    const adapter = e.meta?.driverAdapterError?.cause;
    if (adapter) {
      if (typeof adapter.kind === "string" && ADAPTER_KINDS.has(adapter.kind)) return true;
      const sqlstate = String(adapter.code ?? adapter.originalCode ?? "");
      if (SQLSTATE_RE.test(sqlstate)) return true;
    }
    if (typeof e.message === "string" && MESSAGE_RE.test(e.message)) return true;
  }
  return false;
}

/** The 503 an API answers while the database is away; Retry-After tells well-behaved clients when to come back. */
export function databaseUnavailableResponse(): Response {
  return new Response("database unavailable: try again shortly", {
    status: 503,
    headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "1" },
  });
}

/**
 * The reason to give when PostgreSQL stopped a query at its class's statement_timeout (SQLSTATE 57014, lib/db/pools.ts)
 * or no connection of its class came free in time (pg-pool's "timeout exceeded when trying to connect"); null for any
 * other error; also when the database was too busy for it (an expired or late transaction, a deadlock, a lock or
 * resources not available). The answer is a 503: the request was well formed, this server would not spend longer on it.
 */
const BUSY_CODES = new Set(["P2028", "P2034", "40001", "40P01", "55P03"]);

export function queryLimitReason(error: unknown): string | null {
  for (let e = error as Shape | undefined, depth = 0; e && typeof e === "object" && depth < 5; e = e.cause as Shape | undefined, depth++) {
    const adapter = e.meta?.driverAdapterError?.cause;
    const code = [e.code, adapter?.code, adapter?.originalCode].map((c) => (typeof c === "string" ? c : ""));
    if (code.includes("57014")) return "the database stopped this query at this server's time limit: try a narrower one, or again later";
    // Busy, not wrong: Prisma's interactive transaction expired or could not start in time (P2028), a write conflict or
    // deadlock (P2034; SQLSTATE 40001, 40P01), a lock not available (55P03), the server short of resources (53xxx).
    if (code.some((c) => BUSY_CODES.has(c) || c.startsWith("53")))
      return "the database is busy (a transaction waited too long or met another): try again shortly";
    if (typeof e.message === "string" && /timeout exceeded when trying to connect/i.test(e.message))
      return "the server is busy with other queries of this kind: try again shortly";
  }
  return null;
}
