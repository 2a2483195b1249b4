// GET /api/jobs/<id>/events: server-sent events while a run is pending or running, one per change.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { isLive, liveState } from "@/lib/jobs/live";
import { authorizeRequest } from "@/lib/auth/session";

const POLL_MS = 1000;

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeRequest(req, "viewer");
  if (!auth.ok) return auth.response;
  const id = z.string().uuid().safeParse((await params).id);
  if (!id.success) return Response.json({ error: "not a run id" }, { status: 400 });
  const first = await liveState(db(), id.data);
  if (!first) return Response.json({ error: `no run ${id.data}` }, { status: 404 });

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let last = "";
      const send = (state: object) => controller.enqueue(encoder.encode(`event: change\ndata: ${JSON.stringify(state)}\n\n`));
      try {
        // Polling the job row is cheap and needs no listener connection per watcher.
        while (!req.signal.aborted) {
          const state = await liveState(db(), id.data);
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
      } catch {}
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
