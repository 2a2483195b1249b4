// One job as the API gives it: the job with its verdict and totals, and its trajectory in the trajectory-file shape.
import "server-only";
import type { Db } from "@/lib/db/client";
import { exportedSpanJson, type ExportedSpanRow } from "@/lib/trajectory/span-rows";
import { isoMicros, jobNumbers } from "@/lib/db/sql";
import { isJobId } from "@/lib/trajectory/job-id";
import { verdictWords } from "@/lib/workflows/verdict";

/**
 * The job without its spans: fields, verdict, totals, and its rerun lineage. `verdict` is the main yes/no;
 * `mainVerdict` says it in the workflow's terms, {field: "WorthFuzzing", value, text: "worth fuzzing", tone}
 * (lib/workflows), null without a verdict or for a workflow this viewer does not know.
 */
export async function getJobSummary(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    omit: { sourceHash: true },
    include: { reruns: { select: { id: true, createdAt: true, status: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
  });
  if (!job) return null;
  const mainVerdict = job.verdict == null ? null : verdictWords(job.workflow, job.verdict, job.workflowType);
  return { ...jobNumbers(job), mainVerdict };
}

/**
 * The stored trajectory as a trajectory file (formats doc §1) in JSON text: spans by Seq, empty keys left out, times
 * with microseconds in Go's RFC3339Nano form, Args/Results as the JSON text that was stored (never reparsed: key order,
 * integer-like keys and big integers come back as sent). Null for an unknown job.
 */
export async function getTrajectory(db: Db, id: string): Promise<string | null> {
  if (!isJobId(id)) return null;
  const exists = await db.job.findUnique({ where: { id }, select: { id: true } });
  if (!exists) return null;
  const rows = await db.$queryRaw<ExportedSpanRow[]>`
    SELECT seq, nesting, type, name, model, ${isoMicros("started_at")} AS "startedAt", ${isoMicros("finished_at")} AS "finishedAt",
      error, args::text AS args, results::text AS results, instruction, prompt, reply, thoughts,
      input_tokens AS "inputTokens", output_tokens AS "outputTokens", output_thoughts_tokens AS "outputThoughtsTokens",
      extra::text AS extra
    FROM spans WHERE job_id = ${id}::uuid ORDER BY seq`;
  return `[${rows.map(exportedSpanJson).join(",")}]`;
}
