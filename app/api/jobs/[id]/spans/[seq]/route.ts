// GET /api/jobs/<id>/spans/<seq>: one span for reading (lib/trajectory/truncate.ts SpanPayload: Args/Results as the
// JSON text stored, long texts cut); ?full=1 uncut; ?path=Results.PatchDiff one whole value as text.
import { route } from "@/lib/api/route";
import { spanParams } from "@/lib/api/params";
import { readDb } from "@/lib/db/read-your-writes";
import { getSpan } from "@/lib/runs/queries";
import { spanTextAtPath } from "@/lib/runs/span-text";
import { truncateSpan, type SpanPayload } from "@/lib/trajectory/truncate";
import { notFound } from "@/lib/http/errors";

export const GET = route({ access: "viewer", params: spanParams }, async ({ req, params: { id, seq } }) => {
  const found = await getSpan(await readDb(), id, seq);
  if (!found) throw notFound(`no span ${seq} in run ${id}`);
  const search = new URL(req.url).searchParams;
  const path = search.get("path");
  if (path) {
    const text = await spanTextAtPath(found.span, found.json, path);
    if (text === undefined) throw notFound(`span ${seq} has no field ${path.slice(0, 200)}`);
    // text/plain (and nosniff, set for every answer): a payload shown in the browser can never run as a page.
    return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  }
  const body: SpanPayload = search.get("full") === "1" ? { ...found, truncated: [] } : truncateSpan(found.span, found.json);
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});
