// One job as the API gives it: the job with its verdict and totals, and its trajectory in the trajectory-file shape.
import "server-only";
import type { Db } from "@/lib/db/client";
import { rowToSpan } from "@/lib/trajectory/span-rows";
import { isJobId } from "@/lib/trajectory/job-id";
import type { Span } from "@/lib/trajectory/span";

/** The job without its spans: fields, verdict, totals, and its rerun lineage. */
export async function getJobSummary(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    omit: { sourceHash: true },
    include: { reruns: { select: { id: true, createdAt: true, status: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
  });
  if (!job) return null;
  return { ...job, durationMs: job.durationMs == null ? null : Number(job.durationMs) };
}

/** The stored trajectory as a trajectory file (formats doc §1): spans by Seq, empty keys left out. Null for an unknown job. */
export async function getTrajectory(db: Db, id: string): Promise<Span[] | null> {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({ where: { id }, select: { spans: { orderBy: { seq: "asc" } } } });
  return job ? job.spans.map(rowToSpan) : null;
}
