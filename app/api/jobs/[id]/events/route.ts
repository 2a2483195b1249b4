// GET /api/jobs/<id>/events?after=<seq>&open=<seq,…>: server-sent events of a live run — its status and the spans
// that are new or changed since the watcher's position (lib/live); `reload` ({status}) instead when the run had ended
// before the watcher came and it is more than a page behind (the outline serves that). One database listener per process serves them all;
// each watcher's queue is bounded and its catch-up paged (lib/live/stream.ts).
import { z } from "zod";
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { noSuchRun } from "@/lib/http/errors";
import { LIVE_MAX_OPEN_SEQS } from "@/lib/limits";
import { changeBytes, liveHub, loadCatchUpPage, type RunChange, type RunDelta, type RunPosition } from "@/lib/live/run-changes";
import { eventStream } from "@/lib/live/stream";
import { takeWatcherSlot, type Watcher } from "@/lib/live/watchers";
import { authenticate } from "@/lib/agents/keys";
import { clientAddress } from "@/lib/auth/client-address";
import { isLive } from "@/lib/runs/status";

const seq = z.coerce.number().int().min(-1).max(2_147_483_647);
const query = z.object({
  /** the highest seq the watcher has (-1: none) */
  after: seq.default(-1),
  /** seqs the watcher has that had not finished, comma-separated */
  open: z
    .string()
    .regex(/^(\d{1,10}(,\d{1,10})*)?$/, "expected span seqs separated by commas")
    .default("")
    .transform((s) => (s ? s.split(",").map(Number) : []))
    .refine((seqs) => seqs.length <= LIVE_MAX_OPEN_SEQS, `more than ${LIVE_MAX_OPEN_SEQS} unfinished spans: reload the page`),
});

const HEARTBEAT_MS = 15_000;

/** Whose allowance a stream counts against: the user's, an agent key's (checked: a wrong key is 401), else the address's. */
async function watcherOf(req: Request, userId: string | null): Promise<Watcher> {
  if (userId) return { user: userId };
  const client = req.headers.get("x-agent-client");
  if (client) {
    await authenticate(client, req.headers.get("x-agent-key") ?? "");
    return { agentKey: client };
  }
  return { address: clientAddress(req.headers) };
}

export const GET = route({ access: "viewer", params: runParams, query }, async ({ req, params: { id }, query: { after, open }, user }) => {
  const release = takeWatcherSlot(await watcherOf(req, user?.id ?? null));
  const cleanups: (() => void)[] = [release];
  // The catch-up from the watcher's position, a page at a time as the watcher reads (lib/live/stream.ts: pull); the
  // first page is read below, before the answer, so an unknown run is a 404.
  let position: RunPosition = { status: "", maxSeq: after, open };
  let catchingUp = true;
  let ended = false;
  let missing = false;
  let firstRead!: () => void;
  const first = new Promise<void>((resolve) => (firstRead = resolve));
  let connecting = true;
  const nextPage = async (): Promise<boolean> => {
    const page = await loadCatchUpPage(id, position);
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
    cleanups.push(await liveHub().watch(id, send));
    await nextPage();
    connecting = false;
    if (missing) throw noSuchRun(id);
  } catch (e) {
    events.close();
    throw e;
  } finally {
    firstRead();
  }
  req.signal.addEventListener("abort", () => events.close());
  return new Response(events.stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
