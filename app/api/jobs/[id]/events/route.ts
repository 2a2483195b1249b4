// GET /api/jobs/<id>/events?after=<seq>&open=<seq,…>: server-sent events of a live run — its status and the spans
// that are new or changed since the watcher's position; `reload` ({status}) instead when the run had ended before the
// watcher came and it is more than a page behind, or its catch-up would pass LIVE_CATCHUP_MAX_BYTES (the outline serves
// that). lib/live/watch-run.ts serves the stream.
import { z } from "zod";
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { LIVE_MAX_OPEN_SEQS } from "@/lib/limits";
import { watchRun } from "@/lib/live/watch-run";
import type { Watcher } from "@/lib/live/watchers";
import { authenticate } from "@/lib/agents/keys";
import { clientAddress } from "@/lib/auth/client-address";

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
  const stream = await watchRun(id, after, open, await watcherOf(req, user?.id ?? null), req.signal);
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
