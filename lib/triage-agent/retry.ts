// When and how long an agent waits before sending a protocol call again: transient failures only, capped exponential backoff.

/** Replies that mean "the app or its database is briefly away", not "your request is wrong" (500 is a bug: not retried). */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

// Socket errors of a server that is restarting or gone for a moment; the request may or may not have been processed,
// which is why only idempotent calls are retried.
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

/** True for a network error worth another try (connection refused or reset, a timeout, a hang-up). */
export function isTransientNetworkError(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && typeof e === "object" && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
    if (typeof e.message === "string" && /socket hang up|no answer in/i.test(e.message)) return true;
  }
  return false;
}

export interface Backoff {
  /** first wait */
  baseMs: number;
  /** no single wait is longer */
  capMs: number;
  /** how many times a call is sent again before its last failure is thrown */
  retries: number;
}

// 0.25 s doubling to 5 s, 10 retries: about 35 s of patience, enough for a database or app restart.
export const DEFAULT_BACKOFF: Backoff = { baseMs: 250, capMs: 5000, retries: 10 };

/** Wait before retry number `attempt` (0-based): base·2^attempt, never above the cap. */
export function backoffMs(attempt: number, b: Backoff = DEFAULT_BACKOFF): number {
  return Math.min(b.capMs, b.baseMs * 2 ** Math.min(attempt, 30));
}
