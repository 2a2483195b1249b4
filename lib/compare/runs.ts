// Loads two runs for the compare page: job fields, totals and the span fields a step comparison reads (Args and
// Results as the JSON text stored, so the comparison sees the agent's key order and number text).
import { jobNumbers } from "@/lib/db/sql";
import "server-only";
import type { Db } from "@/lib/db/client";
import { isJobId } from "@/lib/trajectory/job-id";
import type { ComparableSpan } from "@/lib/compare/align";

/** Beyond this many steps a comparison is cut, so two huge runs cannot stall the page. */
export const MAX_COMPARED_SPANS = 5000;

export async function loadForCompare(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    select: {
      id: true,
      workflow: true,
      workflowType: true,
      status: true,
      source: true,
      description: true,
      results: true,
      error: true,
      verdict: true,
      createdAt: true,
      startedAt: true,
      agentName: true,
      rerunOfId: true,
      spanCount: true,
      inputTokens: true,
      outputTokens: true,
      thoughtsTokens: true,
      llmCalls: true,
      toolCalls: true,
      toolErrors: true,
      durationMs: true,
    },
  });
  if (!job) return null;
  const spans = await db.$queryRaw<ComparableSpan[]>`
    SELECT seq, nesting, type, name, error, nullif(args::text, 'null') AS args, nullif(results::text, 'null') AS results
    FROM spans WHERE job_id = ${id}::uuid ORDER BY seq LIMIT ${MAX_COMPARED_SPANS}`;
  return { ...jobNumbers(job), spans };
}

export type ComparedRun = NonNullable<Awaited<ReturnType<typeof loadForCompare>>>;
