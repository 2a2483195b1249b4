// What the app's server does with every request before Next sees it: stamp the connection's address, refuse TRACE,
// write the request's log line, and answer the machine routes (lib/server/machine-routes.ts) itself with plain Node
// HTTP — the Host rule, the method rule and every failure's answer shared with Next's routes (lib/api/rules.ts).
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { checkHost, failureOf, otherMethod } from "@/lib/api/rules";
import type { HttpError } from "@/lib/http/errors";
import type { BodySource } from "@/lib/http/multipart";
import answerHeaders from "@/lib/http/answer-headers.json";
import type { MachineReply, MachineRoute } from "./machine-routes";
import type { requestLogger } from "./request-log";

/** Tells lib/auth/client-address.ts that x-peer-address is this server's (a client's own is replaced). */
(globalThis as Record<symbol, unknown>)[Symbol.for("trajectory-viewer.peer-address-stamped")] = true;

/** Methods some route of the app takes; anything else (TRACE) is refused here, before Next builds a Request for it. */
const APP_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
const UNSUPPORTED = new Set(["TRACE"]);

/** Security headers of every machine answer: data, never a document (the same as Next's API answers). */
const MACHINE_HEADERS: Record<string, string> = { ...answerHeaders.every, ...answerHeaders.api };

function send(res: ServerResponse, r: MachineReply): void {
  const body = r.body === undefined ? undefined : typeof r.body === "string" ? Buffer.from(r.body) : r.body;
  res.writeHead(r.status ?? 200, { ...MACHINE_HEADERS, ...r.headers, "content-length": String(body?.length ?? 0) });
  res.end(body);
}

function failureReply(e: HttpError, errors: "text" | "json"): MachineReply {
  if (errors === "text")
    return { status: e.status, headers: { "content-type": "text/plain; charset=utf-8", ...e.headers }, body: e.message };
  return {
    status: e.status,
    headers: { "content-type": "application/json", ...e.headers },
    body: JSON.stringify({ error: e.message, code: e.code, ...e.extra }),
  };
}

/** The request's body for a handler: read at most once; stopping early leaves the connection open for the answer. */
function bodySource(req: IncomingMessage): BodySource {
  return {
    headers: {
      get(name) {
        const v = req.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
      },
    },
    // Node's default iterator destroys the request (and so the socket) when a loop stops early.
    chunks: { [Symbol.asyncIterator]: () => req.iterator({ destroyOnReturn: false }) },
  };
}

/** One machine request: the shared rules (Host, method), the handler, and every failure in the route's shape. */
async function serveMachine(routes: MachineRoute[], req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
  let reply: MachineReply;
  try {
    checkHost(req.headers.host);
    const route = routes.find((r) => r.method === req.method);
    if (!route) {
      const { status, allow } = otherMethod(
        req.method ?? "",
        routes.map((r) => r.method),
      );
      reply = { status, headers: { allow } };
    } else {
      reply = await route.handle({
        method: route.method,
        path,
        query: new URLSearchParams(query),
        headers: req.headers,
        body: bodySource(req),
        peerAddress: req.socket.remoteAddress ?? "",
      });
    }
  } catch (e) {
    try {
      reply = failureReply(failureOf(e), routes[0]!.errors);
    } catch {
      console.error(`${req.method} ${path}:`, e);
      reply = { status: 500, headers: { "content-type": "text/plain; charset=utf-8" }, body: "internal error" };
    }
  }
  send(res, reply);
}

/**
 * The front door over a table of machine routes: a function that takes every request first and returns true when it
 * answered it (a machine route, or TRACE), false when the request is for Next. `log` (requestLogger) gets one line
 * per request, Next's included.
 */
export function frontDoor(
  table: readonly MachineRoute[],
  log: ReturnType<typeof requestLogger>,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const byPath = new Map<string, MachineRoute[]>();
  for (const r of table) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  return (req, res) => {
    const t0 = performance.now();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    if (log) res.once("finish", () => log(req.method ?? "", path, res.statusCode, performance.now() - t0));
    // The connection's own address, replacing any header of that name a client sent (sign-in limits count by it).
    req.headers["x-peer-address"] = req.socket.remoteAddress ?? "";
    if (UNSUPPORTED.has(req.method ?? "")) {
      res.writeHead(405, {
        allow: APP_METHODS,
        "content-type": "text/plain; charset=utf-8",
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
        "x-content-type-options": "nosniff",
      });
      res.end(`method ${req.method} not allowed: this app takes ${APP_METHODS}\n`);
      return true;
    }
    const routes = byPath.get(path);
    if (!routes) return false;
    void serveMachine(routes, req, res, path, q < 0 ? "" : url.slice(q + 1));
    return true;
  };
}
