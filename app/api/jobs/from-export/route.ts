// POST /api/jobs/from-export: start a job from a dashboard's inputs export {ID, Workflow, Args} (operators); 201 with the
// new pending job's id.
import { route } from "@/lib/api/route";
import { db } from "@/lib/db/client";
import { actorOf } from "@/lib/audit/log";
import { jobExportSchema } from "@/lib/import/job-export";
import { EXPORT_START_MAX_BYTES } from "@/lib/limits";
import { startFromExport } from "@/lib/runs/start-from-export";

export const POST = route(
  { access: "operator", body: { schema: jobExportSchema, maxBytes: EXPORT_START_MAX_BYTES } },
  async ({ body, user }) => {
    const { id } = await startFromExport(db(), body, actorOf(user!));
    return Response.json({ id }, { status: 201 });
  },
);
