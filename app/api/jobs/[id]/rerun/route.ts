// POST /api/jobs/<id>/rerun: queue a rerun (operators); 201 with the new job, 200 when one was already queued.
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { noteWrite } from "@/lib/db/read-your-writes";
import { actorOf } from "@/lib/audit/log";
import { rerunJob } from "@/lib/runs/rerun";
import { assertRerunInputs } from "@/lib/runs/rerun-readiness";

export const POST = route({ access: "operator", params: runParams }, async ({ params: { id }, user }) => {
  await assertRerunInputs(db(), id);
  const { id: rerunId, created } = await rerunJob(db(), id, actorOf(user!));
  await noteWrite();
  return Response.json({ id: rerunId, created }, { status: created ? 201 : 200 });
});
