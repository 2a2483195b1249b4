// GET /api/jobs/<id>/events: server-sent events while a run is pending or running, one per change.
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { isLive, liveState } from "@/lib/runs/live";
import { noSuchRun } from "@/lib/http/errors";

const POLL_MS = 1000;

export const GET = route({ access: "viewer", params: runParams }, async ({ req, params: { id } }) => {
  const first = await liveState(db(), id);
  if (!first) throw noSuchRun(id);

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let last = "";
      const send = (state: object) => controller.enqueue(encoder.encode(`event: change\ndata: ${JSON.stringify(state)}\n\n`));
      try {
        while (!req.signal.aborted) {
          const state = await liveState(db(), id);
          if (!state) break;
          const key = JSON.stringify(state);
          if (key !== last) {
            send(state);
            last = key;
          }
          if (!isLive(state.status)) break;
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
      } catch {
        // the watcher went away mid-write; nothing to clean up
      }
      try {
        controller.close();
      } catch {
        // already closed by a watcher that left
      }
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
