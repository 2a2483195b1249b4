// Recomputes what a job keeps about its spans (totals, parents) after spans arrived one by one from an agent.
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { parentSeqs } from "@/lib/trajectory/tree";
import { runTotals } from "@/lib/trajectory/summary";

type Tx = Prisma.TransactionClient;

export async function recomputeJob(tx: Tx, jobId: string): Promise<void> {
  const spans = await tx.span.findMany({
    where: { jobId },
    orderBy: { seq: "asc" },
    select: {
      seq: true, nesting: true, type: true, name: true, startedAt: true, finishedAt: true, error: true,
      inputTokens: true, outputTokens: true, outputThoughtsTokens: true, parentSeq: true,
    },
  });
  const parents = parentSeqs(spans);
  const changed = spans.filter((s, i) => s.parentSeq !== parents[i]);
  if (changed.length) {
    // Spans may arrive out of order, so parents are settled here, in one statement.
    const seqs = changed.map((s) => s.seq);
    const ps = changed.map((s) => parents[spans.indexOf(s)] ?? null);
    await tx.$executeRaw`UPDATE spans s SET parent_seq = u.parent
      FROM unnest(${seqs}::int[], ${ps}::int[]) AS u(seq, parent)
      WHERE s.job_id = ${jobId}::uuid AND s.seq = u.seq`;
  }
  const t = runTotals(spans);
  await tx.job.update({
    where: { id: jobId },
    data: { ...t, durationMs: t.durationMs == null ? null : BigInt(t.durationMs) },
  });
}
