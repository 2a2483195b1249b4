// One job as the API gives it: the job with its verdict and totals, and its trajectory in the trajectory-file shape.
import "server-only";
import type { Db } from "@/lib/db/client";
import { rowToSpan } from "@/lib/trajectory/span-rows";
import { isJobId } from "@/lib/trajectory/job-id";
import type { Span } from "@/lib/trajectory/span";
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
  return { ...job, durationMs: job.durationMs == null ? null : Number(job.durationMs), mainVerdict };
}

/** The stored trajectory as a trajectory file (formats doc §1): spans by Seq, empty keys left out. Null for an unknown job. */
export async function getTrajectory(db: Db, id: string): Promise<Span[] | null> {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({ where: { id }, select: { spans: { orderBy: { seq: "asc" } } } });
  return job ? job.spans.map(rowToSpan) : null;
}
