// The machine-facing routes: what agents and exporters call, answered by the app's own server (lib/server/front-door.ts)
// with plain Node HTTP, never through Next's request routing. One table, one line a route.
import "server-only";
import type { IncomingHttpHeaders } from "node:http";
import { runAgentCall } from "@/lib/agents/dispatch";
import { handleOtlpRequest } from "@/lib/otlp/handler";
import type { BodySource } from "@/lib/http/multipart";

/** One request to a machine route, as the server hands it to the route's handler. */
export interface MachineRequest {
  /** "POST" (the table's method) */
  method: string;
  /** the path without the query, e.g. "/api" */
  path: string;
  /** the query string's parameters */
  query: URLSearchParams;
  /** the request's headers, as Node parsed them (names lower-case) */
  headers: IncomingHttpHeaders;
  /**
   * The body, unread: `body.headers.get(name)` and `body.chunks`, read at most once. Read it with the capped readers,
   * which refuse past their limit before buffering it: lib/http/body.ts `readBodyCapped(body, maxBytes, what)` or
   * lib/http/multipart.ts `readMultipart(body, …)`. A handler may stop reading early (after a 401 or 413): the
   * connection stays open for the answer and is closed after it.
   */
  body: BodySource;
  /** the connection's own address (the client address rules, lib/auth/client-address.ts, read it as x-peer-address) */
  peerAddress: string;
}

/** What a handler answers with: a status (default 200), headers, and a body (none, text or bytes). */
export interface MachineReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * A machine route's handler: `(req: MachineRequest) => Promise<MachineReply>`.
 *
 * What the server has done before calling it, the same for every route (so a handler writes none of it):
 * - the Host is one this app answers to (else 421, lib/api/rules.ts `checkHost`);
 * - the method is the route's (else 405 with `Allow`; OPTIONS 204);
 * - the connection's address is known (`req.peerAddress`).
 * What the handler does: authenticate before it inflates or parses a byte of the payload, read the body with a capped
 * reader, and throw an HttpError (lib/http/errors.ts) for any refusal — the server answers it with the error's status
 * and headers in the route's `errors` shape; a database outage is answered 503 with Retry-After (lib/api/rules.ts
 * `failureOf`); anything else is a bug, answered 500 and logged. Every answer gets the API's security headers
 * (lib/http/answer-headers.json) and one log line (lib/server/request-log.ts) when LOG_FORMAT=json.
 */
export type MachineHandler = (req: MachineRequest) => Promise<MachineReply>;

export interface MachineRoute {
  method: "POST";
  /** the exact path, without query */
  path: string;
  /** how refusals are answered: "text" (the reason as plain text; the agent protocol, as upstream's dashboard) or "json" ({ error, code }) */
  errors: "text" | "json";
  handle: MachineHandler;
}

/** POST /api: the agent protocol (lib/agents/dispatch.ts), byte-exact with syzkaller's Go client. */
const agentProtocol: MachineHandler = async (req) => {
  const reply = await runAgentCall(req.body);
  if (!reply) return { status: 200 };
  return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(reply) };
};

/**
 * POST /v1/traces: OTLP/HTTP (lib/otlp/handler.ts). Its refusals are answered by the handler itself, as OTLP wants
 * them (a google.rpc.Status in the request's encoding), so only what it could not answer reaches the server's rules.
 */
const otlpTraces: MachineHandler = async (req) => {
  const answer = await handleOtlpRequest(req.body);
  return { status: answer.status, headers: Object.fromEntries(answer.headers), body: new Uint8Array(await answer.arrayBuffer()) };
};

/** The table: method + path → handler. Add a route here and nowhere else. */
export const MACHINE_ROUTES: readonly MachineRoute[] = [
  { method: "POST", path: "/api", errors: "text", handle: agentProtocol },
  { method: "POST", path: "/v1/traces", errors: "json", handle: otlpTraces },
];
