// GET /api/jobs/<id>/trajectory: the run's spans as a trajectory file, which POST /api/import takes back.
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { readDb } from "@/lib/db/read-your-writes";
import { getTrajectory } from "@/lib/runs/export";
import { noSuchRun } from "@/lib/http/errors";

export const GET = route({ access: "viewer", params: runParams }, async ({ req, params: { id } }) => {
  const json = await getTrajectory(await readDb("expensive"), id);
  if (json === null) throw noSuchRun(id);
  // ?download=1 saves it as a file instead of showing it.
  const download = new URL(req.url).searchParams.get("download") === "1";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (download) headers["content-disposition"] = `attachment; filename="trajectory-${id}.json"`;
  return new Response(json, { headers });
});
