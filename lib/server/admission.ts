// How many requests Next works on at once in this process. Every request Next renders or routes is work on the one
// event loop; 200 anonymous page loads at once ran their renders' continuations back to back and held it 600-760 ms
// (issue 21). Past NEXT_MAX_CONCURRENT the others wait their turn, first come first served (p-limit's queue); past
// NEXT_MAX_WAITING the server answers 503 with Retry-After at once rather than queue without end. Long-lived answers
// that have caps of their own (a live run's event stream: lib/live/watchers.ts; whole-run exports:
// lib/http/text-stream.ts) take a turn only until their head is written: a stream would hold a turn for its whole
// life, but its start (authentication, the first page read) is a page's work, and 200 live watchers connecting at once
// unqueued held the event loop 0.6-1.4 s. Next's static files and the liveness check pass by: a load balancer must
// hear the process answer while it is busy.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import pLimit from "p-limit";
import { NEXT_MAX_CONCURRENT, NEXT_MAX_WAITING, STREAM_HEAD_TURN_MS } from "@/lib/limits";

/** Paths whose requests do not take a turn: static files, liveness. */
const PASS_BY = [/^\/_next\/static\//, /^\/api\/health$/];

/** Streams with caps of their own: they hold a turn only until their head is written (see `headWritten`). */
const STREAMS = /^\/api\/jobs\/[^/]+\/(events|trajectory|otlp)$/;

/**
 * Resolves once `res`'s head is written (Node writes it through `writeHead`, also when Next flushes it or writes a
 * first chunk), the answer ends or the connection closes, or after STREAM_HEAD_TURN_MS at the latest: a stream that
 * is slow to start must not keep a turn from the pages.
 */
function headWritten(res: ServerResponse): Promise<void> {
  if (res.headersSent || res.writableEnded) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, STREAM_HEAD_TURN_MS);
    const writeHead = res.writeHead;
    function done() {
      clearTimeout(timer);
      res.off("finish", done);
      res.off("close", done);
      resolve();
    }
    res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
      res.writeHead = writeHead;
      done();
      return writeHead.apply(this, args);
    } as ServerResponse["writeHead"];
    res.once("finish", done);
    res.once("close", done);
  });
}

/**
 * Signing in (better-auth's routes, the sign-in form's post) takes turns of its own: it waits on password hashing's
 * turns (lib/auth/password-turns.ts), and a storm of sign-ins must hold neither the pages' turns meanwhile nor the
 * event loop (100 refused at once, unqueued, held it 437 ms).
 */
const signingIn = (method: string | undefined, path: string) => path.startsWith("/api/auth/") || (method === "POST" && path === "/sign-in");

/** Seconds a client refused for a full queue is asked to wait. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Admission for Next's requests: `admit(req, res, handle)` runs `handle` (Next's request handler for this request)
 * now or when a turn is free, or answers 503 (plain text, Retry-After) when NEXT_MAX_WAITING requests already wait.
 * `limits` are for tests. The returned `stats` say how many run and wait.
 */
export function admission(limits = { concurrent: NEXT_MAX_CONCURRENT, waiting: NEXT_MAX_WAITING }) {
  const turns = pLimit(limits.concurrent);
  const signInTurns = pLimit(limits.concurrent);
  return {
    admit(req: IncomingMessage, res: ServerResponse, handle: () => Promise<void>): Promise<void> {
      const path = (req.url ?? "/").split("?")[0]!;
      if (PASS_BY.some((p) => p.test(path))) return handle();
      const lane = signingIn(req.method, path) ? signInTurns : turns;
      if (lane.pendingCount >= limits.waiting) {
        res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": String(RETRY_AFTER_SECONDS) });
        res.end(`the server is busy: ${limits.waiting} requests wait already; retry in ${RETRY_AFTER_SECONDS} s\n`);
        return Promise.resolve();
      }
      // A client that went away while waiting is not rendered for.
      if (!STREAMS.test(path)) return lane(() => (req.destroyed || res.writableEnded ? Promise.resolve() : handle()));
      // A stream: its turn ends with its head, its answer goes on outside the turns.
      let answered!: Promise<void>;
      return lane(() => {
        if (req.destroyed || res.writableEnded) return Promise.resolve();
        const head = headWritten(res);
        answered = handle();
        return Promise.race([head, answered]);
      }).then(() => answered);
    },
    stats: () => ({ running: turns.activeCount, waiting: turns.pendingCount }),
  };
}
