// GET /api/jobs/<id>/outline: every span's shape without payloads, as compact columns (lib/trajectory/outline.ts).
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { readDb, readsPrimary } from "@/lib/db/read-your-writes";
import { getOutlineBytes } from "@/lib/runs/outline-cache";
import { noSuchRun } from "@/lib/http/errors";

export const GET = route({ access: "viewer", params: runParams }, async ({ params: { id } }) => {
  // PostgreSQL writes the wire form itself: the app passes the bytes through (kept per run and version, built once
  // for every reader who asks meanwhile), a piece of about a MB at a time, instead of parsing and re-encoding them.
  const pieces = await getOutlineBytes(await readDb(), id, { primary: await readsPrimary() });
  if (pieces == null) throw noSuchRun(id);
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < pieces.length) controller.enqueue(pieces[next++]!);
      else controller.close();
    },
  });
  const length = pieces.reduce((n, p) => n + p.length, 0);
  // A running job keeps growing: the browser never keeps an outline (the server knows when it changed).
  return new Response(body, {
    headers: { "Content-Type": "application/json", "Content-Length": String(length), "Cache-Control": "no-store" },
  });
});
