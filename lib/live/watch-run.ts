// One watcher of a live run, as GET /api/jobs/<id>/events serves it: its slot (lib/live/watchers.ts), its place among
// the hub's listeners (hub.ts), its catch-up from its position a page at a time as it reads, and its bounded stream
// (stream.ts). `reload` ({status}) instead of the catch-up when the run had ended before the watcher came and it is
// more than a page behind, or when its catch-up would pass LIVE_CATCHUP_MAX_BYTES (the outline serves that: cached,
// built once for all its readers, gzip-able; the page then follows from where the outline stands).
import "server-only";
import { noSuchRun } from "@/lib/http/errors";
import { changeBytes, liveHub, loadCatchUpPage, type RunChange, type RunDelta, type RunPosition } from "./run-changes";
import { eventStream } from "./stream";
import { takeWatcherSlot, type Watcher } from "./watchers";
import { isLive } from "@/lib/runs/status";
import { LIVE_CATCHUP_MAX_BYTES } from "@/lib/limits";

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
  /** Bytes of catch-up pages sent to this watcher so far. */
  let caughtUp = 0;
  const reload = (status: string) => {
    catchingUp = false;
    events.send("reload", JSON.stringify({ status }), true);
    events.close();
    return false;
  };
  const nextPage = async (): Promise<boolean> => {
    const page = await loadCatchUpPage(jobId, position);
    if (!page) {
      missing = true;
      return (catchingUp = false);
    }
    // A run that had ended before the watcher came: more than a page behind, the watcher reloads its outline (one
    // request, cached) instead of being paged through it here (100,000 spans: ~6 s of CPU per watcher, issue 21).
    if (connecting && page.more && !isLive(page.change.status)) return reload(page.change.status);
    // A catch-up past LIVE_CATCHUP_MAX_BYTES is not streamed span by span either: 20 anonymous watchers of a live run
    // of 100,000 long names were each sent its ~170 MB (attack6 N6). Judged on the first page by its bytes per span
    // times the seqs behind (the run's highest less the watcher's: one read of the primary key), and on every page by
    // the bytes sent so far.
    const bytes = changeBytes(page.change).byteLength;
    const rows = page.change.delta.seq.length;
    const behind = Math.max(0, page.lastSeq - position.maxSeq);
    if (connecting && page.more && rows > 0 && (bytes / rows) * behind > LIVE_CATCHUP_MAX_BYTES) return reload(page.change.status);
    if (caughtUp + bytes > LIVE_CATCHUP_MAX_BYTES) return reload(page.change.status);
    caughtUp += bytes;
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
