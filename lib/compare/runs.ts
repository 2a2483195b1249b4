// Loads two runs for the compare page: job fields, totals and the span fields a step comparison reads.
import { jobNumbers } from "@/lib/db/sql";
import "server-only";
import type { Db } from "@/lib/db/client";
import { isJobId } from "@/lib/trajectory/job-id";

/** Beyond this many steps a comparison is cut, so two huge runs cannot stall the page. */
export const MAX_COMPARED_SPANS = 5000;

export async function loadForCompare(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    select: {
      id: true, workflow: true, workflowType: true, status: true, description: true, results: true, error: true, verdict: true,
      createdAt: true, startedAt: true, agentName: true, rerunOfId: true, spanCount: true,
      inputTokens: true, outputTokens: true, thoughtsTokens: true, llmCalls: true, toolCalls: true, toolErrors: true, durationMs: true,
      spans: {
        orderBy: { seq: "asc" },
        take: MAX_COMPARED_SPANS,
        select: { seq: true, nesting: true, type: true, name: true, error: true, args: true, results: true },
      },
    },
  });
  return job && jobNumbers(job);
}

export type ComparedRun = NonNullable<Awaited<ReturnType<typeof loadForCompare>>>;
