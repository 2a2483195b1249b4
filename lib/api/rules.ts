// The rules every HTTP entry shares, written once: the Host allow-list, what a failure is answered as (the database's
// outage as 503), and the answer to a method a route does not take. route() (Next's routes) and the machine routes'
// server (lib/server/, which answers POST /api without Next) both call these; this module stays light (no auth, no
// ORM) so the lean path loads nothing it does not use.
import "server-only";
import { hostAllowed, misdirectedRequest } from "@/lib/auth/request-origin";
import { HttpError, methodNotAllowed } from "@/lib/http/errors";
import { isDatabaseUnavailable, queryLimitReason } from "@/lib/db/unavailable";

/**
 * What a failure is answered as: an HttpError as it is, the database's outage and a query past its time limit as 503 Unavailable with Retry-After;
 * anything else (a bug, answered 500) is rethrown. Shared by route() and the machine routes' server (lib/server/).
 */
export function failureOf(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (isDatabaseUnavailable(e))
    return new HttpError("Unavailable", "database unavailable: try again shortly", undefined, { "retry-after": "1" });
  // A query past its statement_timeout (lib/db/pools.ts): the reader may try again; it is never a 500.
  const limit = queryLimitReason(e);
  if (limit !== null) return new HttpError("Unavailable", limit, undefined, { "retry-after": "5" });
  throw e;
}

/** The Host rule of a route proxy.ts does not run for: throws 421 (misdirectedRequest) unless the Host is this app's. */
export function checkHost(host: string | null | undefined): void {
  if (!hostAllowed(host ?? null)) throw misdirectedRequest(host ?? null);
}

/**
 * The rule for a method a route does not take, where `allow` lists those it does: OPTIONS answers 204 with this
 * Allow header's value (returned); any other method throws 405 MethodNotAllowed with `Allow`.
 */
export function otherMethod(method: string, allow: readonly string[]): { status: 204; allow: string } {
  if (method === "OPTIONS") return { status: 204, allow: ["OPTIONS", ...allow].join(", ") };
  throw methodNotAllowed(method, allow);
}
