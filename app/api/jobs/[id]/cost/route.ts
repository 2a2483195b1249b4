// GET /api/jobs/<id>/cost: the run's cost in USD per agent and model (tokens × model prices), with its total.
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { readDb } from "@/lib/db/read-your-writes";
import { noSuchRun } from "@/lib/http/errors";
import { runCost } from "@/lib/costs/run-cost";

export const GET = route({ access: "viewer", params: runParams }, async ({ params: { id } }) => {
  const reader = await readDb();
  const exists = await reader.job.findUnique({ where: { id }, select: { id: true } });
  if (!exists) throw noSuchRun(id);
  return runCost(reader, id);
});
