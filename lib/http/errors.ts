// The failures an API answers, each kind with its one HTTP status: the only table of error statuses in the app.

/** Kinds of failure and their statuses. A route throws the kind; the status comes from here, never from message text. */
export const ERROR_STATUS = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  /** a method the route does not take; the answer's Allow header lists those it does */
  MethodNotAllowed: 405,
  Conflict: 409,
  TooLarge: 413,
  /** the Host header names a host this app does not answer to (lib/auth/request-origin.ts) */
  MisdirectedRequest: 421,
  TooManyRequests: 429,
  Unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

/**
 * A failure with its kind and a reason a person can act on ("id: not a run id (expected a UUID)").
 * `extra` adds fields to the JSON answer (an import's per-file `errors`); `headers` adds headers (Retry-After).
 */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }

  get status(): ErrorStatus {
    return ERROR_STATUS[this.code];
  }
}

export const badRequest = (reason: string, extra?: Record<string, unknown>) => new HttpError("BadRequest", reason, extra);
export const unauthorized = (reason: string) => new HttpError("Unauthorized", reason);
export const forbidden = (reason: string) => new HttpError("Forbidden", reason);
export const notFound = (reason: string) => new HttpError("NotFound", reason);
export const methodNotAllowed = (method: string, allow: readonly string[]) =>
  new HttpError("MethodNotAllowed", `method ${method} not allowed here: this route takes ${allow.join(", ")}`, undefined, {
    allow: allow.join(", "),
  });
export const conflict = (reason: string) => new HttpError("Conflict", reason);
export const tooLarge = (reason: string, extra?: Record<string, unknown>) => new HttpError("TooLarge", reason, extra);
export const tooManyRequests = (reason: string, retryAfterSeconds: number) =>
  new HttpError("TooManyRequests", reason, undefined, { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) });

/** "no run <id>": the one wording of a run that does not exist, for every route. */
export const noSuchRun = (id: string) => notFound(`no run ${id}`);

/** The JSON answer of a failure: `{ error, code, ...extra }`, the same shape from every JSON API. */
export function errorResponse(e: HttpError): Response {
  return Response.json({ error: e.message, code: e.code, ...e.extra }, { status: e.status, headers: e.headers });
}

/** The plain-text answer of a failure, for the agent protocol (upstream's dashboard answers reasons as text). */
export function textErrorResponse(e: HttpError): Response {
  return new Response(e.message, { status: e.status, headers: { "content-type": "text/plain; charset=utf-8", ...e.headers } });
}
