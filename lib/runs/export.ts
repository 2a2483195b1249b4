// One job as the API gives it: the job with its verdict and totals, and its trajectory in the trajectory-file shape.
import "server-only";
import type { Db } from "@/lib/db/client";
import { exportedSpanJson, type ExportedSpanRow } from "@/lib/trajectory/span-rows";
import { isoMicros, jobNumbers } from "@/lib/db/sql";
import { isJobId } from "@/lib/trajectory/job-id";
import { verdictWords } from "@/lib/workflows/verdict";
import { collectText, spanPageCte, spanPages } from "@/lib/db/span-pages";

/**
 * The job without its spans: fields, verdict, totals, and its rerun lineage. `verdict` is the main yes/no;
 * `mainVerdict` says it in the workflow's terms, {field: "WorthFuzzing", value, text: "worth fuzzing", tone}
 * (lib/workflows), null without a verdict or for a workflow this viewer does not know.
 */
export async function getJobSummary(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    omit: { sourceHash: true, args: true, results: true },
    include: { reruns: { select: { id: true, createdAt: true, status: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
  });
  if (!job) return null;
  // Args and Results as the JSON text stored, never parsed here: a 7 MB Results of a million strings parsed and
  // written again held the event loop up to 590 ms per GET.
  const [texts] = await db.$queryRaw<{ args: string | null; results: string | null }[]>`
    SELECT args::text AS args, results::text AS results FROM jobs WHERE id = ${id}::uuid`;
  const mainVerdict = job.verdict == null ? null : verdictWords(job.workflow, job.verdict, job.workflowType);
  return { ...jobNumbers(job), mainVerdict, argsJson: texts?.args ?? null, resultsJson: texts?.results ?? null };
}

/**
 * A run's summary (getJobSummary) as the JSON answer of GET /api/jobs/<id>: its fields, then `args` and `results` with
 * the stored JSON text spliced in as is (the agent's key order and number text kept, nothing parsed or re-encoded).
 */
export function jobSummaryResponse(summary: NonNullable<Awaited<ReturnType<typeof getJobSummary>>>): Response {
  const { argsJson, resultsJson, ...fields } = summary;
  const head = JSON.stringify(fields);
  const body = `${head.slice(0, -1)}${head.length > 2 ? "," : ""}"args":${argsJson ?? "null"},"results":${resultsJson ?? "null"}}`;
  return new Response(body, { headers: { "Content-Type": "application/json" } });
}

/**
 * The stored trajectory as a trajectory file (formats doc §1) in JSON text: spans by Seq, empty keys left out, times
 * with microseconds in Go's RFC3339Nano form, Args/Results as the JSON text that was stored (never reparsed: key order,
 * integer-like keys and big integers come back as sent). Null for an unknown job; else its text in chunks, one page of
 * spans each (lib/runs/span-pages.ts), read from the database as the caller takes them: the whole run is never held.
 */
export async function trajectoryChunks(db: Db, id: string): Promise<AsyncGenerator<string> | null> {
  if (!isJobId(id)) return null;
  const exists = await db.job.findUnique({ where: { id }, select: { id: true } });
  if (!exists) return null;
  const load = (after: number) => db.$queryRaw<ExportedSpanRow[]>`
    WITH ${spanPageCte(id, after)}
    SELECT s.seq, s.nesting, s.type, s.name, s.model, ${isoMicros("s.started_at")} AS "startedAt", ${isoMicros("s.finished_at")} AS "finishedAt",
      s.error, s.args::text AS args, s.results::text AS results, s.instruction, s.prompt, s.reply, s.thoughts,
      s.input_tokens AS "inputTokens", s.output_tokens AS "outputTokens", s.output_thoughts_tokens AS "outputThoughtsTokens",
      s.extra::text AS extra
    FROM page JOIN spans s ON s.job_id = ${id}::uuid AND s.seq = page.seq ORDER BY s.seq`;
  return (async function* () {
    yield "[";
    let first = true;
    for await (const rows of spanPages(load)) {
      yield (first ? "" : ",") + rows.map(exportedSpanJson).join(",");
      first = false;
    }
    yield "]";
  })();
}

/** The trajectory file's whole text (trajectoryChunks joined), or null: for tests and tools, on runs of any size that fit. */
export async function getTrajectory(db: Db, id: string): Promise<string | null> {
  return collectText(await trajectoryChunks(db, id));
}
