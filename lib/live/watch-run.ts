// One watcher of a live run, as GET /api/jobs/<id>/events serves it: its slot (lib/live/watchers.ts), its place among
// the hub's listeners (hub.ts), its catch-up from its position a page at a time as it reads, and its bounded stream
// (stream.ts). `reload` ({status}) instead of the catch-up when the run had ended before the watcher came and it is
// more than a page behind (the outline serves that).
import "server-only";
import { noSuchRun } from "@/lib/http/errors";
import { changeBytes, liveHub, loadCatchUpPage, type RunChange, type RunDelta, type RunPosition } from "./run-changes";
import { eventStream } from "./stream";
import { takeWatcherSlot, type Watcher } from "./watchers";
import { isLive } from "@/lib/runs/status";

const HEARTBEAT_MS = 15_000;

/**
 * Opens the server-sent event stream of run `jobId` for `who`, from the position `after` (the highest seq it has, -1:
 * none) and `open` (the seqs it has that had not finished). The stream ends when `signal` aborts, when the run ends
 * and the catch-up has been read, or when the watcher falls too far behind (stream.ts). Throws HttpError 429 when
 * `who` holds its share of live connections (watchers.ts) and 404 when the run does not exist.
 */
export async function watchRun(
  jobId: string,
  after: number,
  open: number[],
  who: Watcher,
  signal?: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const release = takeWatcherSlot(who);
  const cleanups: (() => void)[] = [release];
  // The catch-up from the watcher's position, a page at a time as the watcher reads (stream.ts: pull); the first page
  // is read below, before the answer, so an unknown run is a 404.
  let position: RunPosition = { status: "", maxSeq: after, open };
  let catchingUp = true;
  let ended = false;
  let missing = false;
  let firstRead!: () => void;
  const first = new Promise<void>((resolve) => (firstRead = resolve));
  let connecting = true;
  const nextPage = async (): Promise<boolean> => {
    const page = await loadCatchUpPage(jobId, position);
    if (!page) {
      missing = true;
      return (catchingUp = false);
    }
    if (connecting && page.more && !isLive(page.change.status)) {
      // A run that had ended before the watcher came: more than a page behind, the watcher reloads its outline (one
      // request, cached) instead of being paged through it here (100,000 spans: ~6 s of CPU per watcher, issue 21).
      catchingUp = false;
      events.send("reload", JSON.stringify({ status: page.change.status }), true);
      events.close();
      return false;
    }
    position = page.next;
    catchingUp = page.more;
    send(page.change, true);
    return page.more;
  };
  const events = eventStream({
    more: async () => {
      await first;
      return catchingUp && !events.closed ? nextPage() : false;
    },
    onClose: () => {
      firstRead();
      for (const f of cleanups) f();
    },
  });
  // Every change, the hub's and the catch-up's: encoded once for all watchers; a watcher too far behind is cut.
  // An ended run sends no more changes: the stream ends once the catch-up has been read.
  const send = (change: RunChange<RunDelta>, pulled = false) => {
    if (events.closed) return;
    events.send("change", changeBytes(change), pulled);
    if (!isLive(change.status)) ended = true;
    if (ended && !catchingUp) events.close();
  };
  const beat = setInterval(() => events.ping(), HEARTBEAT_MS);
  cleanups.push(() => clearInterval(beat));
  try {
    // Register first, then read the watcher's own catch-up: a change committed in between comes either way
    // (the client applies spans as upserts by seq, and status only forward).
    cleanups.push(await liveHub().watch(jobId, send));
    await nextPage();
    connecting = false;
    if (missing) throw noSuchRun(jobId);
  } catch (e) {
    events.close();
    throw e;
  } finally {
    firstRead();
  }
  signal?.addEventListener("abort", () => events.close());
  return events.stream;
}
