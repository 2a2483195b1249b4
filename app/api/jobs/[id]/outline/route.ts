// GET /api/jobs/<id>/outline: every span's shape without payloads, as compact columns (lib/trajectory/outline.ts).
import { connection } from "next/server";
import { db } from "@/lib/db/client";
import { getOutlineRows } from "@/lib/db/runs";
import { encodeOutline } from "@/lib/trajectory/outline";
import { authorizeRequest } from "@/lib/auth/session";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeRequest(req, "viewer");
  if (!auth.ok) return auth.response;
  await connection();
  const { id } = await params;
  const rows = await getOutlineRows(db(), id);
  if (!rows) return Response.json({ error: "no such job" }, { status: 404 });
  // A running job keeps growing: never serve a stale outline.
  return Response.json(encodeOutline(rows), { headers: { "Cache-Control": "no-store" } });
}
