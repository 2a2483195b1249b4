// Turns an error PostgreSQL raised for a request's data into a reason its caller can act on, by SQLSTATE class, so no
// raw database message (which may quote internals: index names, sizes) reaches an agent or a user as a bare 500.
import { HttpError } from "@/lib/http/errors";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";

/** The five-character SQLSTATE of a pg error (or one it wraps), or "". */
export function sqlState(error: unknown): string {
  for (
    let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && typeof e === "object" && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return "";
}

/**
 * The HttpError to answer for a database error met while doing `what` ("ai_job_done"), or null when `error` is not
 * one (a bug: let it be a 500). By SQLSTATE class (PostgreSQL docs, Appendix A): 22 data exception → 400, 23
 * integrity → 409, 54 program limit exceeded (an index row or a value too big) → 413, 40 (serialization, deadlock),
 * 53 (insufficient resources), 57014 (statement timeout) and an unreachable database → 503 with Retry-After; any other
 * → 503 naming the SQLSTATE.
 */
export function databaseRefusal(error: unknown, what: string): HttpError | null {
  if (error instanceof HttpError) return error;
  const retry = { "retry-after": "5" };
  if (isDatabaseUnavailable(error))
    return new HttpError("Unavailable", `${what}: database unavailable: try again shortly`, undefined, retry);
  const state = sqlState(error);
  if (!state) return null;
  const cls = state.slice(0, 2);
  if (cls === "22") return new HttpError("BadRequest", `${what}: the database cannot store a value it holds (SQLSTATE ${state})`);
  if (cls === "23") return new HttpError("Conflict", `${what}: conflicts with what is stored (SQLSTATE ${state})`);
  if (cls === "54") return new HttpError("TooLarge", `${what}: too large for the database to store (SQLSTATE ${state})`);
  if (cls === "40" || cls === "53" || state === "57014")
    return new HttpError("Unavailable", `${what}: the database is busy (SQLSTATE ${state}): try again shortly`, undefined, retry);
  return new HttpError("Unavailable", `${what}: the database failed (SQLSTATE ${state}): try again later`, undefined, retry);
}
