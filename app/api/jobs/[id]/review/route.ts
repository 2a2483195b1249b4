// PUT /api/jobs/<id>/review {"correct": true|false|null}: an operator marks the run correct, incorrect, or clears it.
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { noteWrite } from "@/lib/db/read-your-writes";
import { actorOf } from "@/lib/audit/log";
import { reviewJob, reviewRequestSchema } from "@/lib/runs/review";
import { noSuchRun } from "@/lib/http/errors";

export const PUT = route(
  { access: "operator", params: runParams, body: { schema: reviewRequestSchema, maxBytes: 1000 } },
  async ({ params: { id }, body, user }) => {
    const review = await reviewJob(db(), id, body.correct, actorOf(user!));
    if (!review) throw noSuchRun(id);
    await noteWrite();
    return review;
  },
);
