// A response body read from an async source a chunk at a time, only as the client reads (ReadableStream's pull):
// what the server holds is one chunk, and the event loop is free between chunks. Whole-run exports use it, so a run
// of 100,000 spans is never built, nor stringified, at once.
import "server-only";
import { EXPORT_MAX_CONCURRENT, EXPORT_STALLED_CUT_MS, EXPORTS_PER_CLIENT } from "@/lib/limits";
import { concurrencyGate } from "./concurrency-gate";
import { tooManyRequests } from "./errors";

const encoder = new TextEncoder();

/** A streamed answer as its owner sees it: how long its client has left it unread, and how to cut it. */
export interface StreamWatch {
  /** ms since the client last asked for a chunk; 0 while one is being made for it, or once the stream ended */
  idleMs(): number;
  /** Ends the stream with `reason` (the client's connection fails) and runs its `onClose`. */
  cut(reason: Error): void;
}

/**
 * A byte stream of `chunks` (UTF-8), each produced when the reader has taken the one before. `onClose` runs once,
 * however the stream ends: read to the end, failed, cut (`watch`), or cancelled by the client (it then stops the
 * source). `watch` receives the stream's StreamWatch.
 */
export function textStream(
  chunks: AsyncIterator<string>,
  onClose: () => void = () => {},
  watch: (w: StreamWatch) => void = () => {},
): ReadableStream<Uint8Array> {
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    onClose();
  };
  // When the reader last asked for a chunk and was given it; a chunk being made counts as no idle time.
  let making = false;
  let servedAt = performance.now();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        watch({
          idleMs: () => (making || done ? 0 : performance.now() - servedAt),
          cut(reason) {
            if (done) return;
            finish();
            controller.error(reason);
            void Promise.resolve(chunks.return?.()).catch(() => {});
          },
        });
      },
      async pull(controller) {
        making = true;
        try {
          // Skip empty chunks: enqueueing nothing would not call pull again.
          for (;;) {
            const next = await chunks.next();
            if (done) return; // cut meanwhile
            if (next.done) {
              finish();
              controller.close();
              return;
            }
            if (next.value) {
              controller.enqueue(encoder.encode(next.value));
              return;
            }
          }
        } catch (e) {
          if (done) return;
          finish();
          controller.error(e);
        } finally {
          making = false;
          servedAt = performance.now();
        }
      },
      async cancel() {
        finish();
        await chunks.return?.();
      },
    },
    // One chunk read ahead at most: the source runs at the client's pace.
    { highWaterMark: 1 },
  );
}

const exports_ = concurrencyGate(
  EXPORT_MAX_CONCURRENT,
  (held) =>
    tooManyRequests(`this server is streaming ${held} whole-run exports, its limit (${EXPORT_MAX_CONCURRENT}); try again shortly`, 5),
  {
    max: EXPORTS_PER_CLIENT,
    refuse: (mine) =>
      tooManyRequests(
        `you are downloading ${mine} whole-run exports already, the limit is ${EXPORTS_PER_CLIENT} at once; try again when one ends`,
        5,
      ),
  },
);

/** The exports streaming now: when every slot is taken, one whose client has left it unread longest may be cut. */
const streaming = new Set<StreamWatch>();

/**
 * Cuts the export whose client has left it unread longest, when that is EXPORT_STALLED_CUT_MS or more: every slot
 * taken by stalled readers kept everyone else's exports refused for up to SEND_TIMEOUT_MS, renewable (attack7 G3).
 */
function cutStalledExport(): void {
  let stalled: StreamWatch | null = null;
  for (const w of streaming) if (w.idleMs() >= EXPORT_STALLED_CUT_MS && (!stalled || w.idleMs() > stalled.idleMs())) stalled = w;
  stalled?.cut(new Error(`export cut: its client read nothing for ${EXPORT_STALLED_CUT_MS / 1000} s while others waited for a slot`));
}

/**
 * A whole-run export as a streamed answer: takes one of the process's EXPORT_MAX_CONCURRENT export slots, at most
 * EXPORTS_PER_CLIENT of them for `requester` (lib/auth/client-address.ts requesterOf; throws HttpError 429 with
 * Retry-After past either), then `open()`'s chunks as the client reads them; the slot is held until the answer ends or
 * the client goes (a client that stops reading is cut: lib/server/abandoned-writes.ts), or, when every slot is taken
 * and another client asks, until its client has read nothing for EXPORT_STALLED_CUT_MS. Null (slot given back) when
 * `open` finds no such run.
 */
export async function streamedExport(
  open: () => Promise<AsyncGenerator<string> | null>,
  headers: Record<string, string>,
  requester: string,
): Promise<Response | null> {
  if (exports_.held() >= EXPORT_MAX_CONCURRENT) cutStalledExport();
  const release = exports_.take(requester);
  try {
    const chunks = await open();
    if (chunks === null) {
      release();
      return null;
    }
    let watched: StreamWatch | null = null;
    const body = textStream(
      chunks,
      () => {
        if (watched) streaming.delete(watched);
        release();
      },
      (w) => streaming.add((watched = w)),
    );
    return new Response(body, { headers });
  } catch (e) {
    release();
    throw e;
  }
}
