// GET /api/jobs/<id>/cost: the run's cost in USD per agent and model (tokens × model prices), with its total.
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { noSuchRun } from "@/lib/http/errors";
import { runCost } from "@/lib/costs/run-cost";

export const GET = route({ access: "viewer", params: runParams }, async ({ params: { id } }) => {
  const exists = await db().job.findUnique({ where: { id }, select: { id: true } });
  if (!exists) throw noSuchRun(id);
  return runCost(db(), id);
});
