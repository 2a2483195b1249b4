// GET /api/jobs/<id>: one run with its verdict, totals and reruns (no spans; see ./trajectory).
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { readDb } from "@/lib/db/read-your-writes";
import { getJobSummary, jobSummaryResponse } from "@/lib/runs/export";
import { noSuchRun } from "@/lib/http/errors";

export const GET = route({ access: "viewer", params: runParams }, async ({ params: { id } }) => {
  const job = await getJobSummary(await readDb(), id);
  if (!job) throw noSuchRun(id);
  return jobSummaryResponse(job);
});
