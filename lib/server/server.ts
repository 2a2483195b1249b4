// The app's HTTP server (npm start, npm run dev, the end-to-end tests): one Node server on one port that answers the
// machine routes (lib/server/machine-routes.ts: POST /api) itself and hands every other request to Next through its
// documented custom-server API (next({ dev, dir, hostname, port }).getRequestHandler()). It also does, for every
// request, what the old preloads patched into Next's server: it stamps the connection's address (x-peer-address, read
// by lib/auth/client-address.ts) and answers TRACE with 405 (Next would answer it 500); and it writes one log line.
import "server-only";
import http from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import next from "next";
import { checkHost, failureOf, otherMethod } from "@/lib/api/rules";
import { appConfig } from "@/lib/config";
import type { HttpError } from "@/lib/http/errors";
import type { BodySource } from "@/lib/http/multipart";
import answerHeaders from "@/lib/http/answer-headers.json";
import { MACHINE_ROUTES, type MachineReply, type MachineRoute } from "./machine-routes";
import { requestLogger } from "./request-log";

/** Tells lib/auth/client-address.ts that x-peer-address is this server's (a client's own is replaced). */
(globalThis as Record<symbol, unknown>)[Symbol.for("trajectory-viewer.peer-address-stamped")] = true;

/** Methods some route of the app takes; anything else (TRACE) is refused here, before Next builds a Request for it. */
const APP_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
const UNSUPPORTED = new Set(["TRACE"]);

/** Security headers of every machine answer: data, never a document (the same as Next's API answers). */
const MACHINE_HEADERS: Record<string, string> = { ...answerHeaders.every, ...answerHeaders.api };

export interface ServerOptions {
  /** Next's development mode (npm run dev) */
  dev: boolean;
  /** the project folder (next.config.js, app/) */
  dir: string;
  hostname: string;
  port: number;
}

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
  const errors = routes[0]!.errors;
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
    let failure: HttpError;
    try {
      failure = failureOf(e);
    } catch {
      console.error(`${req.method} ${path}:`, e);
      reply = { status: 500, headers: { "content-type": "text/plain; charset=utf-8" }, body: "internal error" };
      return send(res, reply);
    }
    reply = failureReply(failure, errors);
  }
  send(res, reply);
}

/**
 * Starts Next (prepare: a production build is loaded, or the dev compiler started) and the server on
 * `hostname:port`. Resolves with the listening server. Throws when Next cannot start (no build) or the port is taken.
 */
export async function startServer(o: ServerOptions): Promise<http.Server> {
  const app = next({ dev: o.dev, dir: o.dir, hostname: o.hostname, port: o.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const byPath = new Map<string, MachineRoute[]>();
  for (const r of MACHINE_ROUTES) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  const log = requestLogger(appConfig().LOG_FORMAT);

  const server = http.createServer((req, res) => {
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
      return;
    }
    const routes = byPath.get(path);
    if (routes) return void serveMachine(routes, req, res, path, q < 0 ? "" : url.slice(q + 1));
    handle(req, res).catch((e: unknown) => {
      console.error(`${req.method} ${path}:`, e);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.hostname, () => (server.off("error", reject), resolve()));
  });
  return server;
}
