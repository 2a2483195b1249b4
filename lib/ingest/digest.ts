// What a job keeps about its spans — totals, models, agents, search text — computed the same way for imports and agents.
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { searchFields, type SearchFieldsInput } from "@/lib/history/search-fields";
import { runTotals, type SummarySpan } from "@/lib/trajectory/summary";
import { MAX_TOKEN_TOTAL } from "@/lib/limits";


export function jobDigest(job: Omit<SearchFieldsInput, "spans">, spans: readonly SummarySpan[]) {
  const totals = runTotals(spans);
  const search = searchFields({
    ...job,
    spans: spans.map((s) => ({ Type: s.type, Name: s.name, Model: s.model ?? undefined, Error: s.error ?? undefined })),
  });
  const totalTokens = totals.inputTokens + totals.outputTokens + totals.thoughtsTokens;
  return {
    fields: {
      ...totals,
      durationMs: totals.durationMs == null ? null : BigInt(totals.durationMs),
      totalTokens,
      models: search.models,
      agents: search.agents,
    },
    searchText: search.searchText,
    /** why the totals cannot be stored, or null */
    overflow: totalTokens > MAX_TOKEN_TOTAL ? `the run's token total ${totalTokens.toLocaleString("en-US")} is more than ${MAX_TOKEN_TOTAL.toLocaleString("en-US")}` : null,
  };
}

/** Prisma cannot write a tsvector column; the text goes in as a bound parameter. */
export async function writeSearchVector(tx: Prisma.TransactionClient, jobId: string, searchText: string): Promise<void> {
  await tx.$executeRaw`UPDATE jobs SET search_vector = to_tsvector('simple', ${searchText}) WHERE id = ${jobId}::uuid`;
}
