// Settles what a job keeps about its spans after an agent streamed them: parents, totals, models, search vector.
import "server-only";
import type { Sql } from "@/lib/db/pool";
import { writeDigest } from "@/lib/ingest/digest";
import { digestOfFacts } from "@/lib/ingest/job-digest";
import { resultWordsOfText } from "@/lib/history/search-fields";
import { defineTask, runTask } from "@/lib/workers/pool";
import { HttpError } from "@/lib/http/errors";
import { bytePieces, intArrayLiteral } from "@/lib/db/sql";
import { joinPieces } from "@/lib/db/utf8-pieces";

/** What of the stored results the search text takes, from their JSON text: on a worker thread when they are large. */
export const RESULT_WORDS_TASK = defineTask("lib/history/search-fields.ts", "resultWordsOfText", resultWordsOfText);
/** A run's parents and digest from its spans' facts: on a worker thread for a large run. */
export const DIGEST_TASK = defineTask("lib/ingest/job-digest.ts", "digestOfFacts", digestOfFacts);

/** A time column as µs since the epoch, to the millisecond (as node-postgres reads it into a Date: the digest's precision). */
const MS_AS_US = (column: string) => `(floor(extract(epoch FROM ${column}) * 1000) * 1000)::float8`;

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
  // The spans' facts as JSON, their parents and the digest made from it off the main thread when it is large (a
  // 200,000-span run's held the event loop 1-2.5 s when rows were read and digested here). The text comes as UTF-8
  // bytes in pieces of a MB (decoding one 30 MB value held the loop) and its memory is moved to the thread, not copied.
  const { rows } = await sql.query<{ piece: Buffer | null }>(
    `WITH f AS (SELECT convert_to(json_agg(json_build_array(seq, nesting, parent_seq, type, name, model, ${MS_AS_US("started_at")},
         ${MS_AS_US("finished_at")}, error, input_tokens, output_tokens, output_thoughts_tokens) ORDER BY seq)::text, 'UTF8') AS t
       FROM spans WHERE job_id = $1)
     SELECT piece FROM (${bytePieces("f", "t")}) p WHERE piece IS NOT NULL ORDER BY g`,
    [jobId],
  );
  const factsJson = rows.length ? await joinPieces(rows.map((r) => r.piece!)) : null;
  const input = {
    job: { workflow: job.workflow, description: job.description, link: job.link, results: null, error: job.error },
    factsJson,
    words,
  };
  const size = factsJson?.byteLength ?? 0;
  const { digest, changedSeqs, changedParents } = await runTask(DIGEST_TASK, input, size, factsJson ? [factsJson] : []).catch(
    (e: unknown) => {
      if (e instanceof HttpError && e.code === "TooManyRequests") return digestOfFacts(input);
      throw e;
    },
  );
  if (changedSeqs.length) {
    await sql.query(
      `UPDATE spans s SET parent_seq = u.parent FROM unnest($2::int[], $3::int[]) AS u(seq, parent) WHERE s.job_id = $1 AND s.seq = u.seq`,
      [jobId, intArrayLiteral(changedSeqs), intArrayLiteral(changedParents)],
    );
  }
  await writeDigest(sql, jobId, digest);
}
