// Bulk insert of span rows: one INSERT … SELECT FROM unnest per batch, far fewer round trips than row-by-row ORMs.
import "server-only";
import type { Sql } from "@/lib/db/pool";
import type { SpanRow } from "@/lib/trajectory/span-rows";

/** Rows per statement: arrays are one bind parameter each, so a batch is bounded by memory, not 65,535 parameters. */
const BATCH = 5000;

/**
 * Inserts rows (times as µs text, Args/Results as JSON text stored as json, verbatim) in batches on `sql`, which should
 * be a transaction's client: a failing batch (a duplicate seq, say) throws and the caller rolls everything back.
 */
export async function insertSpans(sql: Sql, rows: Iterable<SpanRow>): Promise<void> {
  // Rows are made a batch at a time, so a 500,000-span run never holds all its rows at once.
  let b: SpanRow[] = [];
  for (const row of rows) {
    b.push(row);
    if (b.length === BATCH) {
      await insertBatch(sql, b);
      b = [];
    }
  }
  if (b.length) await insertBatch(sql, b);
}

async function insertBatch(sql: Sql, b: SpanRow[]): Promise<void> {
  {
    const col = <T>(f: (r: SpanRow) => T) => b.map(f);
    await sql.query(
      `INSERT INTO spans (job_id, seq, nesting, parent_seq, type, name, model, started_at, finished_at, error,
         args, results, instruction, prompt, reply, thoughts, input_tokens, output_tokens, output_thoughts_tokens, search_text, extra, summary)
       SELECT u.job_id, u.seq, u.nesting, u.parent_seq, u.type, u.name, u.model, u.started_at, u.finished_at, u.error,
         u.args::json, u.results::json, u.instruction, u.prompt, u.reply, u.thoughts, u.input_tokens, u.output_tokens,
         u.output_thoughts_tokens, u.search_text, u.extra::json, u.summary
       FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
         $9::timestamptz[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
         $17::int[], $18::int[], $19::int[], $20::text[], $21::text[], $22::text[])
         AS u(job_id, seq, nesting, parent_seq, type, name, model, started_at, finished_at, error, args, results,
           instruction, prompt, reply, thoughts, input_tokens, output_tokens, output_thoughts_tokens, search_text, extra, summary)`,
      [
        col((r) => r.jobId),
        col((r) => r.seq),
        col((r) => r.nesting),
        col((r) => r.parentSeq),
        col((r) => r.type),
        col((r) => r.name),
        col((r) => r.model),
        col((r) => r.startedAt),
        col((r) => r.finishedAt),
        col((r) => r.error),
        col((r) => r.args),
        col((r) => r.results),
        col((r) => r.instruction),
        col((r) => r.prompt),
        col((r) => r.reply),
        col((r) => r.thoughts),
        col((r) => r.inputTokens),
        col((r) => r.outputTokens),
        col((r) => r.outputThoughtsTokens),
        col((r) => r.searchText),
        col((r) => r.extra),
        col((r) => r.summary),
      ],
    );
  }
}
