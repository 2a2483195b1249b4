// GET /api/jobs/<id>/outline: every span's shape without payloads, as compact columns (lib/trajectory/outline.ts).
import { connection } from "next/server";
import { db } from "@/lib/db/client";
import { getOutlineJson } from "@/lib/db/runs";
import { authorizeRequest } from "@/lib/auth/session";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeRequest(req, "viewer");
  if (!auth.ok) return auth.response;
  await connection();
  const { id } = await params;
  // PostgreSQL writes the wire form itself: the app passes the text through instead of parsing and re-encoding it.
  const json = await getOutlineJson(db(), id);
  if (json == null) return Response.json({ error: "no such job" }, { status: 404 });
  // A running job keeps growing: never serve a stale outline.
  return new Response(json, { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
}
