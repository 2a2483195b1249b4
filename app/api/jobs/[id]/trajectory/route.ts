// GET /api/jobs/<id>/trajectory: the run's spans as a trajectory file, which POST /api/import takes back.
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { getTrajectory } from "@/lib/runs/export";
import { noSuchRun } from "@/lib/http/errors";

export const GET = route({ access: "viewer", params: runParams }, async ({ req, params: { id } }) => {
  const spans = await getTrajectory(db(), id);
  if (!spans) throw noSuchRun(id);
  // ?download=1 saves it as a file instead of showing it.
  const download = new URL(req.url).searchParams.get("download") === "1";
  return Response.json(spans, download ? { headers: { "Content-Disposition": `attachment; filename="trajectory-${id}.json"` } } : undefined);
});
