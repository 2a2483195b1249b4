// GET /api/jobs/<id>/outline: every span's shape without payloads, as compact columns (lib/trajectory/outline.ts).
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { readDb, readsPrimary } from "@/lib/db/read-your-writes";
import { getOutlineBytes } from "@/lib/runs/queries";
import { noSuchRun } from "@/lib/http/errors";

export const GET = route({ access: "viewer", params: runParams }, async ({ params: { id } }) => {
  // PostgreSQL writes the wire form itself: the app passes the bytes through (kept per run and version, built once
  // for every reader who asks meanwhile) instead of parsing and re-encoding them.
  const bytes = await getOutlineBytes(await readDb(), id, { primary: await readsPrimary() });
  if (bytes == null) throw noSuchRun(id);
  // A running job keeps growing: the browser never keeps an outline (the server knows when it changed).
  return new Response(bytes, {
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
});
