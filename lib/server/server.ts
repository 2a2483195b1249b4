// The app's HTTP server (npm start, npm run dev, the end-to-end tests): one Node server on one port. Every request
// passes the front door first (lib/server/front-door.ts: the connection's address, TRACE, the log line, and the machine
// routes — POST /api — answered with plain Node HTTP, never through Next's request routing); every other request goes
// to Next through its documented custom-server API (next({ dev, dir, hostname, port }).getRequestHandler()), a few at
// a time (lib/server/admission.ts).
import "server-only";
import http from "node:http";
import next from "next";
import { appConfig } from "@/lib/config";
import { startRollupCompaction } from "@/lib/history/rollups";
import { admission } from "./admission";
import { answerBusyPagesAs503 } from "./busy-pages";
import { guardWrites } from "./abandoned-writes";
import { frontDoor } from "./front-door";
import { MACHINE_ROUTES } from "./machine-routes";
import { requestLogger } from "./request-log";
import { startWorkers } from "@/lib/workers/pool";

export interface ServerOptions {
  /** Next's development mode (npm run dev) */
  dev: boolean;
  /** the project folder (next.config.js, app/) */
  dir: string;
  hostname: string;
  port: number;
}

/**
 * Starts Next (prepare: a production build is loaded, or the dev compiler started), the worker threads, and the server on
 * `hostname:port`. Resolves with the listening server. Throws when Next cannot start (no build) or the port is taken.
 */
export async function startServer(o: ServerOptions): Promise<http.Server> {
  const app = next({ dev: o.dev, dir: o.dir, hostname: o.hostname, port: o.port });
  const handle = app.getRequestHandler();
  // The worker threads that decode large bodies (lib/workers) start with the app: a thread that cannot load fails the
  // start, not the first large request.
  await Promise.all([app.prepare(), startWorkers()]);
  const door = frontDoor(MACHINE_ROUTES, requestLogger(appConfig().LOG_FORMAT));
  const turns = admission();
  const server = http.createServer((req, res) => {
    if (door(req, res)) return;
    answerBusyPagesAs503(req, res);
    guardWrites(res);
    turns
      .admit(req, res, () => handle(req, res))
      .catch((e: unknown) => {
        console.error(`${req.method} ${req.url?.split("?")[0]}:`, e);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.hostname, () => (server.off("error", reject), resolve()));
  });
  // The history's per-day rollups are appended to by every write of a run; this process folds them in now and then.
  server.once("close", startRollupCompaction());
  return server;
}
