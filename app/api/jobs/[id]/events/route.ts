// GET /api/jobs/<id>/events?after=<seq>&open=<seq,…>: server-sent events of a live run — its status and the spans
// that are new or changed since the watcher's position (lib/live). One database listener per process serves them all.
import { z } from "zod";
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { noSuchRun } from "@/lib/http/errors";
import { LIVE_MAX_OPEN_SEQS } from "@/lib/limits";
import { liveHub, runChangeLoader, type RunChange, type RunDelta } from "@/lib/live/run-changes";
import { takeWatcherSlot } from "@/lib/live/watchers";
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

export const GET = route({ access: "viewer", params: runParams, query }, async ({ req, params: { id }, query: { after, open }, user }) => {
  const release = takeWatcherSlot(user?.id ?? null);
  const encoder = new TextEncoder();
  const cleanups: (() => void)[] = [release];
  let closed = false;
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const f of cleanups) f();
    try {
      controller?.close();
    } catch {
      // the watcher already left
    }
  };
  const send = (change: RunChange<RunDelta>) => {
    if (closed || !controller) return;
    controller.enqueue(encoder.encode(`event: change\ndata: ${JSON.stringify({ status: change.status, spans: change.delta })}\n\n`));
    if (!isLive(change.status)) close();
  };
  // start() runs inside the constructor, so `send` works from here on.
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      const beat = setInterval(() => {
        if (!closed) c.enqueue(encoder.encode(": ping\n\n"));
      }, HEARTBEAT_MS);
      cleanups.push(() => clearInterval(beat));
    },
    cancel: close,
  });
  try {
    // Register first, then read the watcher's own catch-up: a change committed in between comes either way
    // (the client applies spans as upserts by seq, and status only forward).
    cleanups.push(await liveHub().watch(id, send));
    const caughtUp = await runChangeLoader.load(id, { status: "", maxSeq: after, open });
    if (!caughtUp) throw noSuchRun(id);
    send(caughtUp.change);
  } catch (e) {
    close();
    throw e;
  }
  req.signal.addEventListener("abort", close);
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
