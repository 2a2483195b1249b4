// How many requests Next works on at once in this process. Every request Next renders or routes is work on the one
// event loop; 200 anonymous page loads at once ran their renders' continuations back to back and held it 600-760 ms
// (issue 21). Past NEXT_MAX_CONCURRENT the others wait their turn; past NEXT_MAX_WAITING the server answers 503 with
// Retry-After at once rather than queue without end, and past NEXT_WAITING_PER_CLIENT waiting from one address that
// address gets 429, so one client's burst cannot fill the queue for everyone.
//
// A turn is work on the event loop, not a lease a client can keep (attack6 G1, G2: eight anonymous sockets that
// trickled a POST body, or stopped reading a large answer, held every turn for 300 s, and turns whose client had gone
// were never given back). So the turns are shared fairly between client addresses (lib/fair-turns.ts: one address
// holds at most NEXT_TURNS_PER_CLIENT, and a freed turn goes to the waiting address that holds the fewest), and a turn
// ends when its answer ends, when its connection closes, when the request only waits on its client (a body that
// stopped coming, an answer the client does not read), or after NEXT_TURN_MAX_MS, whichever comes first: the request
// goes on outside the turns. A request's body arrives before it takes a turn (NEXT_BODY_WAIT_MS, then 408): 200
// addresses that each trickled one body made every other client wait 56 s for the turns (attack7 G1b).
//
// Long-lived answers that have caps of their own (a live run's event stream: lib/live/watchers.ts; whole-run exports:
// lib/http/text-stream.ts) take a turn only until their head is written: a stream would hold a turn for its whole
// life, but its start (authentication, the first page read) is a page's work, and 200 live watchers connecting at once
// unqueued held the event loop 0.6-1.4 s. Next's static files and the liveness check pass by: a load balancer must
// hear the process answer while it is busy.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FairTurns } from "@/lib/fair-turns";
import { clientAddress } from "@/lib/auth/client-address";
import { servingClient } from "@/lib/served-client";
import {
  NEXT_BODY_WAIT_MS,
  NEXT_MAX_CONCURRENT,
  NEXT_MAX_WAITING,
  NEXT_TURN_IDLE_CHECK_MS,
  NEXT_TURN_MAX_MS,
  NEXT_TURNS_PER_CLIENT,
  NEXT_WAITING_PER_CLIENT,
  STREAM_HEAD_TURN_MS,
} from "@/lib/limits";

/** Paths whose requests do not take a turn: static files, liveness. */
const PASS_BY = [/^\/_next\/static\//, /^\/api\/health$/];

/** Streams with caps of their own: they hold a turn only until their head is written (see `headWritten`). */
const STREAMS = /^\/api\/jobs\/[^/]+\/(events|trajectory|otlp)$/;

/**
 * Signing in (better-auth's routes, the sign-in form's post) takes turns of its own: it waits on password hashing's
 * turns (lib/auth/password-turns.ts), and a storm of sign-ins must hold neither the pages' turns meanwhile nor the
 * event loop (100 refused at once, unqueued, held it 437 ms).
 */
const signingIn = (method: string | undefined, path: string) => path.startsWith("/api/auth/") || (method === "POST" && path === "/sign-in");

/** Seconds a client refused for a full queue is asked to wait. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Resolves once `res`'s head is written (Node writes it through `writeHead`, also when Next flushes it or writes a
 * first chunk); `ended` resolves on the others (answer ended, connection closed, time cap).
 */
function headWritten(res: ServerResponse): Promise<void> {
  if (res.headersSent) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
      res.writeHead = writeHead;
      resolve();
      return writeHead.apply(this, args);
    } as ServerResponse["writeHead"];
  });
}

/** Resolves when the answer has ended or its connection closed (a client that left, or one cut by the server). */
function ended(res: ServerResponse): Promise<void> {
  if (res.writableEnded || res.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    res.once("finish", () => resolve());
    res.once("close", () => resolve());
  });
}

/** True when `req` announces a body (Content-Length above 0, or chunked). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * True once `req`'s body is in Node's buffer (the request is complete) or that buffer is full: a client that sends as
 * fast as it is read. Nothing is read from the body: Next reads it.
 */
function bodyIn(req: IncomingMessage): boolean {
  return req.complete || req.readableLength >= req.readableHighWaterMark;
}

/**
 * Resolves true when `req`'s body is in (bodyIn), false after `ms` or when the client leaves first. Looks at once, then
 * after 5, 10, 20 … ms up to `pollMs` apart: an honest body is in within a few ms of its headers.
 */
function bodyArrival(req: IncomingMessage, ms: number, pollMs: number): Promise<boolean> {
  if (!hasBody(req) || bodyIn(req)) return Promise.resolve(true);
  const deadline = performance.now() + ms;
  return new Promise<boolean>((resolve) => {
    let wait = 5;
    const look = () => {
      if (bodyIn(req)) return resolve(true);
      if (req.destroyed || performance.now() >= deadline) return resolve(false);
      setTimeout(look, wait);
      wait = Math.min(pollMs, wait * 2);
    };
    setImmediate(look);
  });
}

/**
 * Resolves when the request only waits on its client, seen on two looks `everyMs` apart with no bytes moved between
 * them: its body has stopped coming (not complete, nothing unread in Node's buffer), or its answer waits for the
 * client to read (backpressured). `stop()` ends the looking.
 */
function waitingOnClient(req: IncomingMessage, res: ServerResponse, everyMs: number): { idle: Promise<void>; stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<void>((resolve) => {
    let last = -1;
    const look = () => {
      const socket = req.socket;
      const moved = socket.bytesRead + socket.bytesWritten;
      const bodyStalled = !req.complete && req.readableLength === 0;
      if ((bodyStalled || res.writableNeedDrain) && moved === last) return resolve();
      last = moved;
      timer = setTimeout(look, everyMs);
    };
    timer = setTimeout(look, everyMs);
  });
  return { idle, stop: () => clearTimeout(timer) };
}

/** The client's address as the app counts it (lib/auth/client-address.ts), from a Node request. */
function addressOf(req: IncomingMessage): string {
  const pick = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(",") : (v ?? "");
  };
  return clientAddress(new Headers({ "x-forwarded-for": pick("x-forwarded-for"), "x-peer-address": pick("x-peer-address") }));
}

/** Answers at once with `status`, a plain-text reason and Retry-After (RETRY_AFTER_SECONDS). */
function refuse(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "retry-after": String(RETRY_AFTER_SECONDS) });
  res.end(`${reason}; retry in ${RETRY_AFTER_SECONDS} s\n`);
}

/**
 * Admission for Next's requests: `admit(req, res, handle)` runs `handle` (Next's request handler for this request)
 * now or when a turn is free for the client's address, or answers 503 (plain text, Retry-After) when NEXT_MAX_WAITING
 * requests already wait, or 429 when `perClientWaiting` (NEXT_WAITING_PER_CLIENT) of this address's already wait, or 408
 * when its body has not arrived within `bodyWaitMs` (NEXT_BODY_WAIT_MS). The returned promise settles with `handle`'s; the turn may have ended before (see above).
 * `limits` are for tests. The returned `stats` say how many run and wait.
 */
export function admission(
  limits = {
    concurrent: NEXT_MAX_CONCURRENT,
    waiting: NEXT_MAX_WAITING,
    perClient: NEXT_TURNS_PER_CLIENT,
    perClientWaiting: NEXT_WAITING_PER_CLIENT,
    turnMs: NEXT_TURN_MAX_MS,
    streamHeadMs: STREAM_HEAD_TURN_MS,
    bodyWaitMs: NEXT_BODY_WAIT_MS,
    idleCheckMs: NEXT_TURN_IDLE_CHECK_MS,
  },
) {
  const turns = new FairTurns(limits.concurrent, limits.perClient);
  const signInTurns = new FairTurns(limits.concurrent, limits.perClient);
  /** Requests per client address whose body is still coming (they count as that address's waiting). */
  const bodiesAwaited = new Map<string, number>();
  return {
    async admit(req: IncomingMessage, res: ServerResponse, handle: () => Promise<void>): Promise<void> {
      const path = (req.url ?? "/").split("?")[0]!;
      if (PASS_BY.some((p) => p.test(path))) return handle();
      const lane = signingIn(req.method, path) ? signInTurns : turns;
      if (lane.pending >= limits.waiting) return refuse(res, 503, `the server is busy: ${limits.waiting} requests wait already`);
      const address = addressOf(req);
      if (lane.pendingFor(address) + (bodiesAwaited.get(address) ?? 0) >= limits.perClientWaiting) {
        return refuse(res, 429, `too many requests at once: ${limits.perClientWaiting} of yours wait already (NEXT_WAITING_PER_CLIENT)`);
      }
      // The body arrives outside the turns (waiting for a client's bytes is no work on the event loop), counted as
      // this address's waiting.
      bodiesAwaited.set(address, (bodiesAwaited.get(address) ?? 0) + 1);
      const arrived = await bodyArrival(req, limits.bodyWaitMs, limits.idleCheckMs);
      const left = bodiesAwaited.get(address)! - 1;
      if (left) bodiesAwaited.set(address, left);
      else bodiesAwaited.delete(address);
      if (!arrived) {
        if (req.destroyed) return;
        res.setHeader("connection", "close");
        return refuse(res, 408, `the request's body did not arrive within ${limits.bodyWaitMs / 1000} s (NEXT_BODY_WAIT_MS)`);
      }
      const release = await lane.take(address);
      // A client that went away while waiting is not rendered for.
      if (req.destroyed || res.writableEnded) return release();
      const stream = STREAMS.test(path);
      const head = stream ? headWritten(res) : null;
      let timer: NodeJS.Timeout | undefined;
      const capped = new Promise<void>((resolve) => (timer = setTimeout(resolve, stream ? limits.streamHeadMs : limits.turnMs)));
      const answered = servingClient(address, handle);
      const client = waitingOnClient(req, res, limits.idleCheckMs);
      void Promise.race([answered.catch(() => undefined), ended(res), capped, client.idle, ...(head ? [head] : [])]).then(() => {
        clearTimeout(timer);
        client.stop();
        release();
      });
      return answered;
    },
    stats: () => ({ running: turns.active, waiting: turns.pending }),
  };
}
