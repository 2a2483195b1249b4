// GET /api/jobs/<id>/spans/<seq>: one span with long texts cut (?full=1 uncut; &path=Results.PatchDiff one value as text).
import { connection } from "next/server";
import { db } from "@/lib/db/client";
import { getSpan } from "@/lib/db/runs";
import { truncateSpan, valueAtPath } from "@/lib/trajectory/truncate";
import { authorizeRequest } from "@/lib/auth/session";

export async function GET(req: Request, { params }: { params: Promise<{ id: string; seq: string }> }) {
  const auth = await authorizeRequest(req, "viewer");
  if (!auth.ok) return auth.response;
  await connection();
  const { id, seq } = await params;
  const span = await getSpan(db(), id, Number(seq));
  if (!span) return Response.json({ error: "no such span" }, { status: 404 });
  const search = new URL(req.url).searchParams;
  const path = search.get("path");
  if (path) {
    const v = valueAtPath(span, path);
    if (v === undefined) return Response.json({ error: "no such field" }, { status: 404 });
    // text/plain (and nosniff, set for every answer): a payload shown in the browser can never run as a page.
    const text = typeof v === "string" ? v : JSON.stringify(v, null, 2);
    return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  }
  if (search.get("full") === "1") return Response.json({ span, truncated: [] }, { headers: { "Cache-Control": "no-store" } });
  return Response.json(truncateSpan(span), { headers: { "Cache-Control": "no-store" } });
}
