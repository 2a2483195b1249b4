// GET /api/jobs/<id>/spans/<seq>: one span for reading (lib/trajectory/truncate.ts SpanPayload: Args/Results as the
// JSON text stored, long texts cut); ?full=1 uncut; ?path=Results.PatchDiff one whole value as text.
import { route } from "@/lib/api/route";
import { spanParams } from "@/lib/api/params";
import { readDb, readPool } from "@/lib/db/read-your-writes";
import { getSpan } from "@/lib/runs/queries";
import { spanJsonChunks } from "@/lib/runs/export";
import { textStream } from "@/lib/http/text-stream";
import { spanTextAtPath } from "@/lib/runs/span-text";
import { truncateSpan } from "@/lib/trajectory/truncate";
import { notFound } from "@/lib/http/errors";

export const GET = route({ access: "viewer", params: spanParams }, async ({ req, params: { id, seq } }) => {
  const search = new URL(req.url).searchParams;
  const db = await readDb();
  if (search.get("full") === "1") {
    // Streamed, its large texts a slice at a time (lib/db/span-texts.ts): 8 MB of text at once held the event loop.
    const chunks = await spanJsonChunks(db, id, seq, await readPool());
    if (!chunks) throw notFound(`no span ${seq} in run ${id}`);
    return new Response(textStream(chunks), { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
  }
  const found = await getSpan(db, id, seq);
  if (!found) throw notFound(`no span ${seq} in run ${id}`);
  const path = search.get("path");
  if (path) {
    const text = await spanTextAtPath(found.span, found.json, path);
    if (text === undefined) throw notFound(`span ${seq} has no field ${path.slice(0, 200)}`);
    // text/plain (and nosniff, set for every answer): a payload shown in the browser can never run as a page.
    return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  }
  return Response.json(truncateSpan(found.span, found.json), { headers: { "Cache-Control": "no-store" } });
});
