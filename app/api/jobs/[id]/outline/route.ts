// GET /api/jobs/<id>/outline: every span's shape without payloads, as compact columns (lib/trajectory/outline.ts).
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { readDb } from "@/lib/db/read-your-writes";
import { getOutlineJson } from "@/lib/runs/queries";
import { noSuchRun } from "@/lib/http/errors";

export const GET = route({ access: "viewer", params: runParams }, async ({ params: { id } }) => {
  // PostgreSQL writes the wire form itself: the app passes the text through instead of parsing and re-encoding it.
  const json = await getOutlineJson(await readDb(), id);
  if (json == null) throw noSuchRun(id);
  // A running job keeps growing: never serve a stale outline.
  return new Response(json, { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
});
