// A response body read from an async source a chunk at a time, only as the client reads (ReadableStream's pull):
// what the server holds is one chunk, and the event loop is free between chunks. Whole-run exports use it, so a run
// of 100,000 spans is never built, nor stringified, at once.
import "server-only";
import { EXPORT_MAX_CONCURRENT, EXPORTS_PER_CLIENT } from "@/lib/limits";
import { concurrencyGate } from "./concurrency-gate";
import { tooManyRequests } from "./errors";

const encoder = new TextEncoder();

/**
 * A byte stream of `chunks` (UTF-8), each produced when the reader has taken the one before. `onClose` runs once,
 * however the stream ends: read to the end, failed, or cancelled by the client (it then stops the source).
 */
export function textStream(chunks: AsyncIterator<string>, onClose: () => void = () => {}): ReadableStream<Uint8Array> {
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    onClose();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // Skip empty chunks: enqueueing nothing would not call pull again.
          for (;;) {
            const next = await chunks.next();
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
          finish();
          controller.error(e);
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

/**
 * A whole-run export as a streamed answer: takes one of the process's EXPORT_MAX_CONCURRENT export slots, at most
 * EXPORTS_PER_CLIENT of them for `requester` (lib/auth/client-address.ts requesterOf; throws HttpError 429 with
 * Retry-After past either), then `open()`'s chunks as the client reads them; the slot is held until the answer ends or
 * the client goes (a client that stops reading is cut: lib/server/abandoned-writes.ts). Null (slot given back) when
 * `open` finds no such run.
 */
export async function streamedExport(
  open: () => Promise<AsyncGenerator<string> | null>,
  headers: Record<string, string>,
  requester: string,
): Promise<Response | null> {
  const release = exports_.take(requester);
  try {
    const chunks = await open();
    if (chunks === null) {
      release();
      return null;
    }
    return new Response(textStream(chunks, release), { headers });
  } catch (e) {
    release();
    throw e;
  }
}
