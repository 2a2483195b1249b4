// Recomputes what a job keeps about its spans (totals, models, search text, parents) after an agent streamed them.
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { jobDigest, writeSearchVector } from "@/lib/ingest/digest";
import { MAX_TOKEN_TOTAL } from "@/lib/limits";
import { parentSeqs } from "@/lib/trajectory/tree";

type Tx = Prisma.TransactionClient;

export async function recomputeJob(tx: Tx, jobId: string): Promise<void> {
  const job = await tx.job.findUniqueOrThrow({ where: { id: jobId }, select: { workflow: true, description: true, link: true, results: true, error: true } });
  const spans = await tx.span.findMany({
    where: { jobId },
    orderBy: { seq: "asc" },
    select: {
      seq: true, nesting: true, type: true, name: true, model: true, startedAt: true, finishedAt: true, error: true,
      inputTokens: true, outputTokens: true, outputThoughtsTokens: true, parentSeq: true,
    },
  });
  const parents = parentSeqs(spans);
  const changed = spans.flatMap((s, i) => (s.parentSeq !== parents[i] ? [{ seq: s.seq, parent: parents[i] ?? null }] : []));
  if (changed.length) {
    // Spans may arrive out of order, so parents are settled here, in one statement.
    await tx.$executeRaw`UPDATE spans s SET parent_seq = u.parent
      FROM unnest(${changed.map((c) => c.seq)}::int[], ${changed.map((c) => c.parent)}::int[]) AS u(seq, parent)
      WHERE s.job_id = ${jobId}::uuid AND s.seq = u.seq`;
  }
  const digest = jobDigest(job, spans);
  const f = digest.fields;
  // Only reachable past 21 calls at the per-span cap; the job keeps the cap rather than failing to finish.
  const cap = (n: number) => Math.min(n, MAX_TOKEN_TOTAL);
  await tx.job.update({
    where: { id: jobId },
    data: { ...f, inputTokens: cap(f.inputTokens), outputTokens: cap(f.outputTokens), thoughtsTokens: cap(f.thoughtsTokens), totalTokens: cap(f.totalTokens) },
  });
  await writeSearchVector(tx, jobId, digest.searchText);
}
