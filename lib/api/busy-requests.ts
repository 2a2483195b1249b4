// Which requests failed on a busy or absent database, noted by Next's onRequestError (instrumentation.ts) under the
// tag the app's server gave the request, read by lib/server/busy-pages.ts to answer 503 instead of 500. No Node-only
// imports: instrumentation.ts loads it. The notes live on globalThis: Next's bundle and the server load this apart.
import { isDatabaseUnavailable, queryLimitReason } from "@/lib/db/unavailable";

/** Set by the app's server on every request (a client's own value is replaced). */
export const REQUEST_TAG_HEADER = "x-trajectory-request";
const KEY = Symbol.for("trajectory-viewer.busy-requests");

/** The notes: request tag → when noted (ms). */
export function busyRequests(): Map<string, number> {
  const g = globalThis as Record<symbol, Map<string, number> | undefined>;
  return (g[KEY] ??= new Map());
}

/** For onRequestError: notes that the request tagged `tag` failed on a busy or absent database (other errors: nothing). */
export function noteRequestError(error: unknown, tag: string | undefined): void {
  if (!tag || !(queryLimitReason(error) !== null || isDatabaseUnavailable(error))) return;
  const m = busyRequests();
  m.set(tag, Date.now());
  // Tags of requests whose head was written before the note came are dropped after a minute.
  if (m.size > 1000) for (const [k, at] of m) if (Date.now() - at > 60_000) m.delete(k);
}
