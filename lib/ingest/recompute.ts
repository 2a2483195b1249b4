// Settles what a job keeps about its spans after an agent streamed them: parents, totals, models, search vector.
import "server-only";
import type { Sql } from "@/lib/db/pool";
import { jobDigest, writeDigest } from "@/lib/ingest/digest";
import { parentSeqs } from "@/lib/trajectory/tree";
import { resultWordsOfText } from "@/lib/history/search-fields";
import { defineTask, runTask } from "@/lib/workers/pool";
import { HttpError } from "@/lib/http/errors";

/** What of the stored results the search text takes, from their JSON text: on a worker thread when they are large. */
export const RESULT_WORDS_TASK = defineTask("lib/history/search-fields.ts", "resultWordsOfText", resultWordsOfText);

interface SpanFacts {
  seq: number;
  nesting: number;
  parent_seq: number | null;
  type: string;
  name: string;
  model: string | null;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  output_thoughts_tokens: number | null;
}

/**
 * Recomputes parent_seq of every span (lib/trajectory/tree.ts parentSeqs: spans arrive out of order, so parents are
 * only right once all are in) and the job's digest, on `sql` (the caller's transaction). Called when a job ends
 * (done, abort) and for a span that arrives after that.
 */
export async function recomputeJob(sql: Sql, jobId: string): Promise<void> {
  // The row lock orders concurrent recomputes of one job: the later one reads every span the earlier one did.
  // Results come as their JSON text (node-postgres would parse a 7 MB one on the event loop: ~750 ms at load ~10) and
  // only the words the search text takes are read out of them, off the main thread when they are large.
  const job = (
    await sql.query<{ workflow: string; description: string; link: string; results: string | null; error: string | null }>(
      `SELECT workflow, description, link, results::text AS results, error FROM jobs WHERE id = $1 FOR UPDATE`,
      [jobId],
    )
  ).rows[0];
  if (!job) return;
  const wordsInput = { workflow: job.workflow, description: job.description, link: job.link, resultsText: job.results };
  const words = await runTask(RESULT_WORDS_TASK, wordsInput, job.results?.length ?? 0).catch((e: unknown) => {
    // Every thread busy with large bodies: this run's results are read here rather than failing its end.
    if (e instanceof HttpError && e.code === "TooManyRequests") return resultWordsOfText(wordsInput);
    throw e;
  });
  const { rows: spans } = await sql.query<SpanFacts>(
    `SELECT seq, nesting, parent_seq, type, name, model, started_at, finished_at, error, input_tokens, output_tokens, output_thoughts_tokens
     FROM spans WHERE job_id = $1 ORDER BY seq`,
    [jobId],
  );
  const parents = parentSeqs(spans);
  const changed = spans.flatMap((s, i) => (s.parent_seq !== parents[i] ? [{ seq: s.seq, parent: parents[i] ?? null }] : []));
  if (changed.length) {
    await sql.query(
      `UPDATE spans s SET parent_seq = u.parent FROM unnest($2::int[], $3::int[]) AS u(seq, parent) WHERE s.job_id = $1 AND s.seq = u.seq`,
      [jobId, changed.map((c) => c.seq), changed.map((c) => c.parent)],
    );
  }
  const digest = jobDigest(
    { workflow: job.workflow, description: job.description, link: job.link, results: null, error: job.error },
    spans.map((s) => ({
      seq: s.seq,
      nesting: s.nesting,
      type: s.type,
      name: s.name,
      model: s.model,
      startedAt: s.started_at,
      finishedAt: s.finished_at,
      error: s.error,
      inputTokens: s.input_tokens,
      outputTokens: s.output_tokens,
      outputThoughtsTokens: s.output_thoughts_tokens,
    })),
    words,
  );
  await writeDigest(sql, jobId, digest);
}
