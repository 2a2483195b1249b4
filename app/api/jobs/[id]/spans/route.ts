// GET /api/jobs/<id>/spans?q=text: seqs of the spans whose name, error or payloads contain the text.
import { connection } from "next/server";
import { db } from "@/lib/db/client";
import { searchSpans } from "@/lib/db/runs";
import { MAX_SPAN_SEARCH_CHARS } from "@/lib/limits";
import { authorizeRequest } from "@/lib/auth/session";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeRequest(req, "viewer");
  if (!auth.ok) return auth.response;
  await connection();
  const { id } = await params;
  const q = (new URL(req.url).searchParams.get("q") ?? "").slice(0, MAX_SPAN_SEARCH_CHARS);
  // PostgreSQL cannot compare text with U+0000, so no span can contain one.
  if (q.includes("\u0000")) return Response.json({ error: "q: contains a NUL character" }, { status: 400 });
  const seqs = await searchSpans(db(), id, { q });
  return Response.json({ q, seqs }, { headers: { "Cache-Control": "no-store" } });
}
