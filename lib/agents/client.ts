// The one client of the agent protocol: encodes a call byte for byte as upstream's Go client (dashboard/dashapi/dashapi.go
// queryImpl) does and sends it on a fresh connection. Used by the built-in agent, the load bench and the e2e tests; it
// imports nothing server-only, so any process can use it. Retries are the caller's policy (they differ per user).
import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { gunzipSync, gzipSync } from "node:zlib";

/** The method names of the protocol (dashboard/dashapi/ai.go). */
export type ProtocolMethod = "ai_job_poll" | "ai_trajectory_log" | "ai_job_done";

// Go's encoding/json escapes these inside strings (HTMLEscape on by default); JSON.stringify leaves them as they are.
// \b and \f: Go writes the \u00XX form for every control character but \n, \r and \t. "\\\\" is matched first so an
// escaped backslash followed by "b" stays as it is.
const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
  "\\b": "\\u0008",
  "\\f": "\\u000c",
  "\\\\": "\\\\",
};

/**
 * The text Go's `json.NewEncoder(w).Encode(v)` writes for a value: compact JSON, `<`, `>`, `&`, U+2028 and U+2029
 * escaped as \u003c …, and a trailing "\n". Object keys keep the order the value has (Go writes struct fields in
 * declaration order and sorts map keys; callers build values in that order).
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/\\\\|\\b|\\f|[<>&\u2028\u2029]/g, (m) => GO_ESCAPES[m]!) + "\n";
}

/** Go's mime/multipart randomBoundary(): 30 random bytes as 60 lowercase hex characters, never quoted. */
export function randomBoundary(): string {
  return randomBytes(30).toString("hex");
}

export interface EncodedCall {
  body: Buffer;
  /** `multipart/form-data; boundary=<60 hex>` */
  contentType: string;
}

export interface CallFields {
  client: string;
  key: string;
  method: string;
  /** the request value; undefined sends no payload part (Go's `req == nil`) */
  payload?: unknown;
  /** bytes to send as the payload part instead of gzip(goJson(payload)): malformed-input tests */
  rawPayload?: Buffer;
}

function field(boundary: string, name: string): Buffer {
  // CreateFormField: a plain form field, no filename and no Content-Type of its own.
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`);
}

/**
 * The request body of one call as Go sends it: parts client, key, method, then payload (gzip of goJson) only when
 * there is one, each a plain form field separated by CRLF, closed by `--<boundary>--\r\n` (spec §1.3).
 */
export function encodeCall(call: CallFields, boundary = randomBoundary()): EncodedCall {
  const parts: Buffer[] = [];
  const crlf = Buffer.from("\r\n");
  for (const name of ["client", "key", "method"] as const) parts.push(field(boundary, name), Buffer.from(call[name], "utf8"), crlf);
  const payload = call.rawPayload ?? (call.payload === undefined ? undefined : gzipSync(goJson(call.payload)));
  if (payload) parts.push(field(boundary, "payload"), payload, crlf);
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export interface Reply {
  /** HTTP status, or the network error's code (ECONNREFUSED, ECONNRESET, ETIMEDOUT, …) when no answer came */
  outcome: number | string;
  /** the answer's body as UTF-8 text ("" on a network error) */
  text: string;
  /** wall time of the request, ms */
  ms: number;
  /** the network error, when there was no answer */
  error?: Error;
}

function networkCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : e instanceof Error ? e.message.slice(0, 60) : "network error";
}

/**
 * One HTTP request, by default on a fresh connection (a reused keep-alive socket the server has just closed would fail
 * a POST that was never processed, and a poll must not be sent twice). `connections` sends it on a keep-alive pool
 * instead, as Go's http.DefaultClient (upstream's dashapi.New) does: the load benches, whose agents retry. Never
 * throws: a network failure is the outcome.
 */
export function request(
  url: string,
  method: string,
  headers: Record<string, string | number>,
  body?: Buffer,
  timeoutMs = 60_000,
  connections: http.Agent | false = false,
): Promise<Reply> {
  const lib = url.startsWith("https:") ? https : http;
  const t0 = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let answered = false;
    const done = (outcome: number | string, text: string, error?: Error) => {
      if (settled) return;
      settled = true;
      resolve({ outcome, text, ms: performance.now() - t0, error });
    };
    const r = lib.request(url, { method, agent: connections, headers, timeout: timeoutMs }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        let body = Buffer.concat(chunks);
        // Go's transport asks for gzip and inflates it transparently; so does this client.
        if (res.headers["content-encoding"] === "gzip") {
          try {
            body = gunzipSync(body);
          } catch (e) {
            return done(networkCode(e), "", e as Error);
          }
        }
        done(res.statusCode ?? 0, body.toString("utf8"));
      });
      res.on("error", (e) => done(`${networkCode(e)} mid-response`, "", e));
    });
    r.on("timeout", () =>
      r.destroy(Object.assign(new Error(`${method} ${url}: no answer in ${timeoutMs / 1000} s`), { code: "ETIMEDOUT" })),
    );
    // After the status line arrived, a broken connection cut the answer: said apart ("… mid-response"), as a proxy
    // cannot send it again elsewhere once it began (an instance killed while answering).
    r.on("error", (e) => done(answered ? `${networkCode(e)} mid-response` : networkCode(e), "", e));
    r.end(body);
  });
}

/** Sends an encoded call to `<baseURL>/api` with the headers Go's client sends (spec §1.3); `connections` as request's. */
export function postCall(baseURL: string, call: EncodedCall, timeoutMs?: number, connections: http.Agent | false = false): Promise<Reply> {
  const headers = {
    "content-type": call.contentType,
    "content-length": call.body.length,
    "user-agent": "Go-http-client/1.1",
    "accept-encoding": "gzip",
  };
  return request(`${baseURL.replace(/\/$/, "")}/api`, "POST", headers, call.body, timeoutMs, connections);
}

/** Request shapes (dashboard/dashapi/ai.go), fields in Go's declaration order. */
export const protocolRequest = {
  poll: (agentName: string, codeRevision: string, workflows: { Type: string; Name: string }[]) => ({
    AgentName: agentName,
    CodeRevision: codeRevision,
    Workflows: workflows,
  }),
  log: (agentName: string, jobId: string, span: unknown) => ({ AgentName: agentName, JobID: jobId, Span: span }),
  done: (jobId: string, error: string, results: Record<string, unknown> | null) => ({ ID: jobId, Error: error, Results: results }),
};
