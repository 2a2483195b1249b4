// Bulk insert of span rows: one INSERT … SELECT FROM json_to_recordset per batch, far fewer round trips than
// row-by-row ORMs. A batch is bounded by rows and by text: its one JSON parameter is made on the caller's thread
// (JSON.stringify, native), and a bounded batch keeps that, and the event loop's hold, short whatever a request holds
// (node-postgres' array parameters escaped 15 MB of OTLP text for 2 s on the main thread).
import "server-only";
import type { Sql } from "@/lib/db/pool";
import type { SpanRow } from "@/lib/trajectory/span-rows";

/** Rows per statement at most. */
const BATCH_ROWS = 5000;
/** Characters of text per statement at most (one item over it is a statement of its own). */
export const STATEMENT_MAX_CHARS = 1_000_000;

/**
 * `items` in consecutive chunks of at most `maxRows` items and `maxChars` characters by `chars(item)` (an item larger
 * than that is a chunk of its own): the statements of a bulk write, each sent as one JSON parameter made on the
 * caller's thread, so no statement's JSON.stringify holds the event loop long.
 */
export function* boundedChunks<T>(
  items: Iterable<T>,
  chars: (item: T) => number,
  maxRows = BATCH_ROWS,
  maxChars = STATEMENT_MAX_CHARS,
): Generator<T[]> {
  let chunk: T[] = [];
  let total = 0;
  for (const item of items) {
    const size = chars(item);
    if (chunk.length > 0 && (chunk.length === maxRows || total + size > maxChars)) {
      yield chunk;
      chunk = [];
      total = 0;
    }
    chunk.push(item);
    total += size;
  }
  if (chunk.length) yield chunk;
}

/**
 * Inserts rows (times as µs text, Args/Results/Extra as JSON text stored as json, verbatim) in batches on `sql`, which
 * should be a transaction's client: a failing batch (a duplicate seq, say) throws and the caller rolls everything back.
 */
export async function insertSpans(sql: Sql, rows: Iterable<SpanRow>): Promise<void> {
  // Rows are made a batch at a time (rows may be a generator), so a 500,000-span run never holds all its rows at once.
  for (const b of boundedChunks(rows, rowChars)) await insertBatch(sql, b);
}

function rowChars(r: SpanRow): number {
  let n = 200 + r.name.length + r.searchText.length;
  for (const t of [r.error, r.args, r.results, r.instruction, r.prompt, r.reply, r.thoughts, r.extra, r.summary]) n += t?.length ?? 0;
  return n;
}

const INSERT_SQL = `INSERT INTO spans (job_id, seq, nesting, parent_seq, type, name, model, started_at, finished_at, error,
   args, results, instruction, prompt, reply, thoughts, input_tokens, output_tokens, output_thoughts_tokens, search_text, extra, summary)
 SELECT u."jobId", u.seq, u.nesting, u."parentSeq", u.type, u.name, u.model, u."startedAt", u."finishedAt", u.error,
   u.args::json, u.results::json, u.instruction, u.prompt, u.reply, u.thoughts, u."inputTokens", u."outputTokens",
   u."outputThoughtsTokens", u."searchText", u.extra::json, u.summary
 FROM json_to_recordset($1::json) AS u("jobId" uuid, seq int, nesting int, "parentSeq" int, type text, name text, model text,
   "startedAt" timestamptz, "finishedAt" timestamptz, error text, args text, results text, instruction text, prompt text,
   reply text, thoughts text, "inputTokens" int, "outputTokens" int, "outputThoughtsTokens" int, "searchText" text,
   extra text, summary text)`;

async function insertBatch(sql: Sql, b: SpanRow[]): Promise<void> {
  // SpanRow's own keys are the record's columns; text is storable (no NUL, no lone surrogate: lib/trajectory/storable).
  await sql.query({ name: "insert_spans", text: INSERT_SQL, values: [JSON.stringify(b)] });
}
