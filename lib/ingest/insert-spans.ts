// Bulk insert of span rows: one INSERT … SELECT FROM json_to_recordset per batch, far fewer round trips than
// row-by-row ORMs. A batch is bounded by rows and by text: its one JSON parameter is made on the caller's thread
// (JSON.stringify, native), and a bounded batch keeps that, and the event loop's hold, short whatever a request holds
// (node-postgres' array parameters escaped 15 MB of OTLP text for 2 s on the main thread).
import "server-only";
import type { Sql } from "@/lib/db/pool";
import type { RowPlace, SpanRow } from "@/lib/trajectory/span-rows";

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

/** The spans columns a bulk insert writes, in the order INSERT_SQL's SELECT gives them. */
export const INSERT_SPANS_COLUMNS = `job_id, seq, nesting, parent_seq, type, name, model, started_at, finished_at, error,
   args, results, instruction, prompt, reply, thoughts, input_tokens, output_tokens, output_thoughts_tokens, search_text, extra, summary`;

/**
 * A row's fields past its place (jobId, seq, nesting, parentSeq), as a record of `u` reads them: `columns` defines
 * `u` (json_to_record(set)'s column list), `select` lists them in INSERT_SPANS_COLUMNS' order. SpanRow's keys, and the
 * JSON rowJsonWithoutPlace writes.
 */
export const INSERT_SPANS_RECORD = {
  columns: `type text, name text, model text, "startedAt" timestamptz, "finishedAt" timestamptz, error text, args text,
   results text, instruction text, prompt text, reply text, thoughts text, "inputTokens" int, "outputTokens" int,
   "outputThoughtsTokens" int, "searchText" text, extra text, summary text`,
  select: `u.type, u.name, u.model, u."startedAt", u."finishedAt", u.error, u.args::json, u.results::json, u.instruction,
   u.prompt, u.reply, u.thoughts, u."inputTokens", u."outputTokens", u."outputThoughtsTokens", u."searchText", u.extra::json, u.summary`,
};

const INSERT_SQL = `INSERT INTO spans (${INSERT_SPANS_COLUMNS})
 SELECT u."jobId", u.seq, u.nesting, u."parentSeq", ${INSERT_SPANS_RECORD.select}
 FROM json_to_recordset($1::json) AS u("jobId" uuid, seq int, nesting int, "parentSeq" int, ${INSERT_SPANS_RECORD.columns})`;

async function insertBatch(sql: Sql, b: SpanRow[]): Promise<void> {
  // SpanRow's own keys are the record's columns; text is storable (no NUL, no lone surrogate: lib/trajectory/storable).
  await sql.query({ name: "insert_spans", text: INSERT_SQL, values: [JSON.stringify(b)] });
}

/** A span's row as rowJsonWithoutPlace made it (UTF-8 JSON text, lib/trajectory/span-rows.ts) and the place it is stored at. */
export interface PlacedRowJson {
  place: Omit<RowPlace, "jobId">;
  /** `{"type":…,…}` without jobId, seq, nesting, parentSeq */
  json: Uint8Array;
}

/**
 * Inserts rows made as JSON text where they were decoded (a worker thread, for a large request) in batches, as
 * insertSpans does: each statement's parameter is the rows' bytes with their place spliced in front, concatenated
 * (memory copies outside the JavaScript heap) and sent as bytes (node-postgres sends a Buffer as is), so the main
 * thread builds no row, no string and nothing to garbage-collect per byte of payload.
 */
export async function insertRowsJson(sql: Sql, jobId: string, rows: readonly PlacedRowJson[]): Promise<void> {
  for (const b of boundedChunks(rows, (r) => r.json.byteLength + 100)) {
    await sql.query({
      name: "insert_spans",
      text: INSERT_SQL,
      values: [jsonArray(b.map((r) => ({ head: { jobId, ...r.place }, rest: r.json })))],
    });
  }
}

const OPEN = Buffer.from("[");
const CLOSE = Buffer.from("]");

/**
 * A JSON array of objects as UTF-8 bytes: each `head`'s keys, then the keys of `rest` (a JSON object's text, whose
 * opening brace is dropped), then `values` (JSON texts) under their keys. The bulk of the bytes is copied, never decoded.
 */
export function jsonArray(items: readonly { head: object; rest?: Uint8Array; values?: Record<string, Uint8Array> }[]): Buffer {
  const parts: Uint8Array[] = [OPEN];
  items.forEach((item, i) => {
    const head = JSON.stringify(item.head);
    let text = (i ? "," : "") + head.slice(0, -1);
    let fields = head.length > 2;
    for (const [key, value] of Object.entries(item.values ?? {})) {
      parts.push(Buffer.from(`${text}${fields ? "," : ""}${JSON.stringify(key)}:`));
      parts.push(value);
      text = "";
      fields = true;
    }
    const rest = item.rest && item.rest.byteLength > 2 ? item.rest.subarray(1) : null;
    parts.push(Buffer.from(rest ? `${text}${fields ? "," : ""}` : `${text}}`));
    if (rest) parts.push(rest);
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
