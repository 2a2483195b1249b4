// GET /api/experiments: the experiments, newest first, with their reruns counted by state.
// POST /api/experiments: start one (operators): { selection, setup, name, note?, limit? } → 201 { id, runs }.
import { route } from "@/lib/api/route";
import { db } from "@/lib/db/client";
import { noteWrite, readDb } from "@/lib/db/read-your-writes";
import { actorOf } from "@/lib/audit/log";
import { listExperiments } from "@/lib/experiments/queries";
import { startExperiment, startInputSchema } from "@/lib/experiments/start";

export const GET = route({ access: "viewer" }, async () => ({ experiments: await listExperiments(await readDb()) }));

export const POST = route({ access: "operator", body: { schema: startInputSchema, maxBytes: 256 * 1024 } }, async ({ body, user }) => {
  const started = await startExperiment(db(), body, actorOf(user!));
  await noteWrite();
  return Response.json(started, { status: 201 });
});
