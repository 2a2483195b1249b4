// One watcher's server-sent event stream, with backpressure. A watcher that stops reading must not make the server
// keep every change for it: 50 stalled watchers of a run logging 2,000 spans once held 1.6 GB. So the stream's queue
// is bounded in bytes (LIVE_WATCHER_QUEUE_BYTES; ReadableStream's desiredSize says how full it is) and so is the
// sum over the process's watchers (LIVE_QUEUED_BYTES_PER_PROCESS). A change that does not fit is not queued: the
// watcher's queue is dropped at once and its connection cut (the browser's EventSource reconnects from the position
// in its URL and catches up). The catch-up — what a watcher missed before it connected — is read in
// pages of LIVE_CATCHUP_PAGE_SPANS as the watcher reads (`pull`), never the whole run at once.
import "server-only";
import { LIVE_QUEUED_BYTES_PER_PROCESS, LIVE_WATCHER_QUEUE_BYTES } from "@/lib/limits";

const encoder = new TextEncoder();

/** Events as framed for the wire, by event name and data: one change sent to 200 watchers is framed once. */
const framed = new Map<string, WeakMap<Uint8Array, Uint8Array>>();

/**
 * `data` as a server-sent event named `event`. Bytes are framed once and the same frame enqueued to every watcher
 * (an 8,000-span change is ~1 MB: copied per watcher, 200 watchers made 200 MB of copies in one turn); the frame lives
 * as long as `data` does. Streams never write into what they are given, so sharing is safe.
 */
function frame(event: string, data: Uint8Array | string): Uint8Array {
  if (typeof data === "string") return concat(encoder.encode(`event: ${event}\ndata: `), encoder.encode(data));
  let byData = framed.get(event);
  if (!byData) framed.set(event, (byData = new WeakMap()));
  let out = byData.get(data);
  if (!out) byData.set(data, (out = concat(encoder.encode(`event: ${event}\ndata: `), data)));
  return out;
}

function concat(head: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + body.length + 2);
  out.set(head);
  out.set(body, head.length);
  out.set([10, 10], head.length + body.length);
  return out;
}

/** Bytes queued for all of this process's watchers, as last measured by each (see `send`). */
let queuedInProcess = 0;

/** For tests and benchmarks: the bytes this process holds for its watchers' queues. */
export function liveQueuedBytes(): number {
  return queuedInProcess;
}

export interface EventStream {
  stream: ReadableStream<Uint8Array>;
  /**
   * Queues one event; false when it did not fit: the watcher was too far behind and was cut (the stream has ended).
   * `pulled`: the event answers the watcher's read (a catch-up page from `more`), which comes only when its queue has
   * room, so it is always queued and counts apart from pushed changes (see `fits`).
   */
  send(event: string, data: Uint8Array | string, pulled?: boolean): boolean;
  /** Queues a comment line (a heartbeat), only when the queue is empty. */
  ping(): void;
  close(): void;
  readonly closed: boolean;
}

/**
 * A server-sent event stream. `more` is called whenever the watcher has read what was queued and there is room
 * (ReadableStream's pull): it may send the next catch-up page and returns false when there is nothing more to send.
 * `onClose` runs once, however the stream ends (closed, cut, or cancelled by the watcher).
 */
export function eventStream(options: { more?: () => Promise<boolean>; onClose?: () => void; queueBytes?: number }): EventStream {
  const limit = options.queueBytes ?? LIVE_WATCHER_QUEUE_BYTES;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let counted = 0;
  /**
   * An upper bound of the bytes of pushed changes (the hub's, not catch-up pages) still in the queue: the queue is
   * first in, first out, so no more of them can be queued than the queue holds.
   */
  let pushed = 0;
  let moreLeft = options.more !== undefined;
  /** Bytes in this stream's queue now (the strategy counts bytes; desiredSize is highWaterMark minus them). */
  const queued = () => (closed ? 0 : Math.max(0, limit - (controller.desiredSize ?? limit)));
  const recount = () => {
    const now = queued();
    queuedInProcess += now - counted;
    counted = now;
  };
  const finish = (cut: boolean) => {
    if (closed) return;
    try {
      if (cut) controller.error(new Error("the watcher did not read its changes"));
      else controller.close();
    } catch {
      // already ended by the watcher
    }
    closed = true;
    queuedInProcess -= counted;
    counted = 0;
    options.onClose?.();
  };
  const fits = (bytes: number) => {
    recount();
    pushed = Math.min(pushed, queued());
    // An empty queue always takes one change: a watcher that reads is never cut for one big batch. Pushed changes
    // have their own `limit` beside the catch-up pages the watcher asked for (a page read while a status change came
    // must not cut a watcher that reads), so a watcher holds at most twice its limit and one page.
    return pushed === 0 || (pushed + bytes <= limit && queuedInProcess + bytes <= LIVE_QUEUED_BYTES_PER_PROCESS);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull() {
        if (!moreLeft || closed) return;
        moreLeft = await options.more!().catch(() => false);
        recount();
      },
      cancel: () => finish(false),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: limit }),
  );
  const api: EventStream = {
    stream,
    send(event, data, pulled = false) {
      if (closed) return false;
      const bytes = frame(event, data);
      if (pulled || fits(bytes.length)) {
        controller.enqueue(bytes);
        if (!pulled) pushed += bytes.length;
        recount();
        return true;
      }
      // Too far behind: its queue is dropped now and the connection cut. The browser's EventSource reconnects from
      // the position in its URL and gets what it missed as a paged catch-up, so a slow watcher costs a reconnect.
      finish(true);
      return false;
    },
    ping() {
      if (!closed && queued() === 0) controller.enqueue(encoder.encode(": ping\n\n"));
    },
    close: () => finish(false),
    get closed() {
      return closed;
    },
  };
  return api;
}
