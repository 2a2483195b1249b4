// GET /api/jobs/<id>/trajectory: the run's spans as a trajectory file, which POST /api/import takes back. Streamed a
// page of spans at a time as the client reads (lib/db/span-pages.ts), a few such exports per process at once.
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { readDb, readPool } from "@/lib/db/read-your-writes";
import { trajectoryChunks } from "@/lib/runs/export";
import { streamedExport } from "@/lib/http/text-stream";
import { noSuchRun } from "@/lib/http/errors";
import { requesterOf } from "@/lib/auth/client-address";

export const GET = route({ access: "viewer", params: runParams }, async ({ req, params: { id }, user }) => {
  // ?download=1 saves it as a file instead of showing it.
  const download = new URL(req.url).searchParams.get("download") === "1";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (download) headers["content-disposition"] = `attachment; filename="trajectory-${id}.json"`;
  const db = await readDb("expensive");
  const pool = await readPool("expensive");
  const res = await streamedExport(() => trajectoryChunks(db, id, pool), headers, requesterOf(req.headers, user?.id ?? null));
  if (res === null) throw noSuchRun(id);
  return res;
});
