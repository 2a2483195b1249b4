// Queries of one run and its trajectory, for the run page.
import "server-only";
import type { Db } from "@/lib/db/client";

/** One run with its whole trajectory, for the run page. */
export async function getRun(db: Db, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    include: {
      spans: { orderBy: { seq: "asc" } },
      rerunOf: { select: { id: true } },
      reruns: { select: { id: true, createdAt: true }, orderBy: { createdAt: "asc" } },
    },
  });
  if (!job) return null;
  return { ...job, durationMs: job.durationMs == null ? null : Number(job.durationMs) };
}

export type Run = NonNullable<Awaited<ReturnType<typeof getRun>>>;
export type RunSpan = Run["spans"][number];
