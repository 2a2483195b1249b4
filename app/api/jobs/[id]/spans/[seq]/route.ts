// GET /api/jobs/<id>/spans/<seq>: one span with long texts cut (?full=1 uncut; &path=Results.PatchDiff one value as text).
import { route } from "@/lib/api/route";
import { spanParams } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { getSpan } from "@/lib/runs/queries";
import { truncateSpan, valueAtPath } from "@/lib/trajectory/truncate";
import { notFound } from "@/lib/http/errors";

export const GET = route({ access: "viewer", params: spanParams }, async ({ req, params: { id, seq } }) => {
  const span = await getSpan(db(), id, seq);
  if (!span) throw notFound(`no span ${seq} in run ${id}`);
  const search = new URL(req.url).searchParams;
  const path = search.get("path");
  if (path) {
    const v = valueAtPath(span, path);
    if (v === undefined) throw notFound(`span ${seq} has no field ${path.slice(0, 200)}`);
    // text/plain (and nosniff, set for every answer): a payload shown in the browser can never run as a page.
    const text = typeof v === "string" ? v : JSON.stringify(v, null, 2);
    return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  }
  if (search.get("full") === "1") return Response.json({ span, truncated: [] }, { headers: { "Cache-Control": "no-store" } });
  return Response.json(truncateSpan(span), { headers: { "Cache-Control": "no-store" } });
});
