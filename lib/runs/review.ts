// An operator's mark on a run — correct, incorrect, or cleared — kept with who and when, and audited.
import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit, type Actor } from "@/lib/audit/log";

export const reviewRequestSchema = z
  .object({
    correct: z.boolean({ error: "correct: true (correct), false (incorrect) or null (clear the mark)" }).nullable(),
  })
  .strict();

export type Review = { correct: boolean | null; reviewedBy: string | null; reviewedAt: Date | null };

/** Null when there is no such run. */
export async function reviewJob(db: Db, jobId: string, correct: boolean | null, actor: Actor): Promise<Review | null> {
  return db.$transaction(async (tx) => {
    const found = await tx.job.findUnique({ where: { id: jobId }, select: { correct: true } });
    if (!found) return null;
    const job = await tx.job.update({
      where: { id: jobId },
      data: { correct, reviewedById: correct === null ? null : actor.id, reviewedAt: correct === null ? null : new Date() },
      select: { correct: true, reviewedAt: true, reviewedBy: { select: { email: true } } },
    });
    await recordAudit(tx, actor, "review", jobId, { from: found.correct, to: correct });
    return { correct: job.correct, reviewedBy: job.reviewedBy?.email ?? null, reviewedAt: job.reviewedAt };
  });
}
