// A span's large texts read and written in slices: what whole-run exports (lib/runs/export.ts, lib/otlp/export.ts) and a
// whole span (GET /api/jobs/<id>/spans/<seq>?full=1) write. A span may carry 8 MB of text (a 4 MB Prompt and a 3.9 MB
// Reply); read in one row, decoded, JSON-escaped and written at once, one such span held the event loop 200-500 ms.
// Here a text over EXPORT_SLICE_BYTES is left out of the span's row and read apart in pieces of that many UTF-8 bytes
// (cut as bytes, as lib/runs/outline-cache.ts cuts the outline, since substr of text walks the characters from the
// start for every piece; each cut moved to a character's start), each escaped and written in a turn of its own; the
// answer's bytes are the same as writing the whole text at once.
//
// The same reading serves any long text of a span's rows (textPieces: a span as received over OTLP, lib/otlp/export.ts).
//
// How a writer uses it: select the texts with `spanTextsSql` (the small ones inline, the names of the large ones in
// `sliced`), make the span's JSON as before from `markTexts(row)` (every text replaced by a marker), and hand that JSON
// to `withTexts`, which writes each text where its marker is, escaped as the `Placement` says.
import "server-only";
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { Prisma } from "@/lib/generated/prisma/client";
import { EXPORT_SLICE_BYTES } from "@/lib/limits";
import { nextTurn } from "@/lib/turn";

/** The span columns read in slices when large, with the SQL that reads each as text (Args and Results: the JSON text stored). */
const COLUMNS = {
  error: "error",
  args: "args::text",
  results: "results::text",
  instruction: "instruction",
  prompt: "prompt",
  reply: "reply",
  thoughts: "thoughts",
} as const;
export type TextColumn = keyof typeof COLUMNS;
const TEXT_COLUMNS = Object.keys(COLUMNS) as TextColumn[];

/** A span row's texts: each inline (null when absent or large) and the columns left out for being large. */
export type SpanTexts = Record<TextColumn, string | null> & { sliced: TextColumn[] };

/**
 * SQL select-list items for span alias `s`: each text column under its own name when it is at most
 * EXPORT_SLICE_BYTES (octet_length reads a TOASTed value's size from its header), else null; and `sliced`, the
 * names of the columns left out (text[]), which `withTexts` reads in pieces.
 */
export function spanTextsSql(s: string): Prisma.Sql {
  const expr = (c: TextColumn) => `${s}.${COLUMNS[c]}`;
  const inline = TEXT_COLUMNS.map((c) => `CASE WHEN octet_length(${expr(c)}) <= ${EXPORT_SLICE_BYTES} THEN ${expr(c)} END AS ${c}`);
  const large = TEXT_COLUMNS.map((c) => `CASE WHEN octet_length(${expr(c)}) > ${EXPORT_SLICE_BYTES} THEN '${c}' END`);
  return Prisma.raw(`${inline.join(", ")}, array_remove(ARRAY[${large.join(", ")}]::text[], NULL) AS sliced`);
}

/** A marker no stored text can hold (PostgreSQL's text has no NUL) and no client can guess (a per-process nonce). */
const NONCE = randomUUID();
const marker = (c: TextColumn) => `\u0000${NONCE}${c}\u0000`;

/** The row with every non-empty text (inline or sliced) replaced by its marker: what a writer makes its JSON of. */
export function markTexts<R extends SpanTexts>(row: R): R {
  const out = { ...row };
  for (const c of TEXT_COLUMNS) if (row.sliced.includes(c) || (row[c] !== null && row[c] !== "")) (out as SpanTexts)[c] = marker(c);
  return out;
}

/** A JSON string's contents: `s` as JSON.stringify escapes it, without the quotes. */
const escaped = (s: string) => JSON.stringify(s).slice(1, -1);

/**
 * Where a text sits in the writer's JSON, so how its slices are written: "json", a JSON text spliced as is (the
 * marker spliced as is); "string", a JSON string's value; "string-in-string", a string inside a JSON text that is
 * itself a string value (OTLP's gen_ai.input.messages). Escaping is per character (a surrogate pair kept whole, and
 * pieces never split one), so the slices written one by one make the same bytes as the whole text escaped at once.
 */
export type Placement = "json" | "string" | "string-in-string";
const PLACEMENTS: Record<Placement, { render: (m: string) => string; write: (s: string) => string }> = {
  json: { render: (m) => m, write: (s) => s },
  string: { render: escaped, write: escaped },
  "string-in-string": { render: (m) => escaped(escaped(m)), write: (s) => escaped(escaped(s)) },
};

/**
 * Reads the `columns` of span (`jobId`, `seq`) in pieces (textPieces). Throws when the span or a column is gone.
 */
function readPieces(pool: pg.Pool, jobId: string, seq: number, columns: TextColumn[]): Promise<string[][]> {
  return textPieces(
    pool,
    { table: "spans", jobId, seq },
    columns.map((c) => ({ name: c, sql: COLUMNS[c] })),
  );
}

/** A row texts are read from in pieces: a span's (spans) or the span as received over OTLP (otlp_spans), by run and seq. */
export interface PieceSource {
  table: "spans" | "otlp_spans";
  jobId: string;
  seq: number;
}

/**
 * Reads `texts` (SQL text expressions over the row's columns, written by the caller, never from a request) of the
 * row `source` as pieces of EXPORT_SLICE_BYTES of UTF-8 (up to 3 bytes more: each ends where a character does), one
 * row each, in one statement (so in one snapshot); node-postgres decodes each piece as it arrives. Resolves to each
 * text's pieces in the order asked; throws naming the text when the row or a text is gone (changed since it was
 * listed).
 */
export async function textPieces(pool: pg.Pool, source: PieceSource, texts: { name: string; sql: string }[]): Promise<string[][]> {
  const { table, jobId, seq } = source;
  const selected = texts.map((t, i) => `convert_to(${t.sql}, 'UTF8') AS t${i}`).join(", ");
  const values = texts.map((_, i) => `(${i}, s.t${i})`).join(", ");
  // Cut as bytes, each cut moved past continuation bytes (10xxxxxx) to a character's start, and sent as text: bytea
  // would come as hex (twice the bytes, decoded twice: a third of an export's CPU), and node-postgres reads a binary
  // result's values as UTF-8 text, breaking a character a cut goes through.
  const { rows } = await pool.query<{ i: number; piece: string }>(
    `WITH s AS MATERIALIZED (SELECT ${selected} FROM ${table} WHERE job_id = $1::uuid AND seq = $2),
     c AS (SELECT c.i, c.bytes, length(c.bytes) AS n FROM s, LATERAL (VALUES ${values}) AS c(i, bytes) WHERE c.bytes IS NOT NULL)
     SELECT c.i, convert_from(substring(c.bytes FROM cut.at + 1 FOR cut.next - cut.at), 'UTF8') AS piece
     FROM c, LATERAL (
       SELECT g, at, lead(at) OVER (ORDER BY g) AS next FROM (
         SELECT g, least(c.n, (
           SELECT min(g * $3 + k) FROM generate_series(0, 3) AS k
           WHERE g * $3 + k >= c.n OR get_byte(c.bytes, g * $3 + k) & 192 <> 128)) AS at
         FROM generate_series(0, (c.n - 1) / $3 + 1) AS g
       ) starts
     ) cut
     WHERE cut.next > cut.at ORDER BY c.i, cut.g`,
    [jobId, seq, EXPORT_SLICE_BYTES],
  );
  const pieces: string[][] = texts.map(() => []);
  for (const r of rows) pieces[r.i]!.push(r.piece);
  const gone = texts.find((_, i) => pieces[i]!.length === 0);
  if (gone) throw new Error(`span ${seq} of run ${jobId} changed while it was written: its ${gone.name} is gone`);
  return pieces;
}

/** Slices of `s` from `from` to `to` of at most EXPORT_SLICE_BYTES UTF-16 units, never splitting a surrogate pair. */
function* stringSlices(s: string, from = 0, to = s.length): Generator<string> {
  for (let i = from; i < to;) {
    let end = Math.min(to, i + EXPORT_SLICE_BYTES);
    const last = s.charCodeAt(end - 1);
    if (end < to && last >= 0xd800 && last <= 0xdbff) end--;
    yield s.slice(i, end);
    i = end;
  }
}

/**
 * Another text of a span's JSON than its columns' (a writer's own, e.g. a large value of its Extra): the JSON text
 * `rendered` (unique in the JSON: a writer's marker) is replaced by `parts`, written as they are, each a part of its own.
 */
export interface MoreText {
  rendered: string;
  parts: () => AsyncIterable<string> | Iterable<string>;
}

/** A marker of a writer's own for a MoreText (see `marker`): `\u0000<nonce>more<n>\u0000`. */
export const moreMarker = (n: number) => `\u0000${NONCE}more${n}\u0000`;

/**
 * The span's JSON: `json` (made of `markTexts(row)`) with each text of `placements` written where its marker is, a
 * slice at a time (the inline ones from `row`, the sliced ones read from `pool`, from the span `jobId`/`seq`). Yields
 * parts of at most about EXPORT_SLICE_BYTES of text each; `inSlices` joins them into turns. Throws when a marked text
 * has no marker in `json` (a writer's mistake) or when a sliced text is gone (see readPieces). `more`: the writer's
 * own texts, written where their markers are.
 */
export async function* withTexts(
  json: string,
  row: SpanTexts,
  placements: Partial<Record<TextColumn, Placement>>,
  source: { pool: pg.Pool; jobId: string; seq: number },
  more: MoreText[] = [],
): AsyncGenerator<string> {
  const holes: { c: TextColumn | MoreText; at: number; length: number; write: (s: string) => string }[] = [];
  for (const c of Object.keys(placements) as TextColumn[]) {
    if (!row.sliced.includes(c) && (row[c] === null || row[c] === "")) continue;
    const p = PLACEMENTS[placements[c]!];
    const rendered = p.render(marker(c));
    const at = json.indexOf(rendered);
    if (at < 0) throw new Error(`the span's JSON has no place for its ${c}`);
    holes.push({ c, at, length: rendered.length, write: p.write });
  }
  for (const m of more) {
    const at = json.indexOf(m.rendered);
    if (at < 0) throw new Error("the span's JSON has no place for one of its texts");
    holes.push({ c: m, at, length: m.rendered.length, write: (s) => s });
  }
  // The JSON between the texts is written in slices too: a span's Extra (unread attributes and events) may be
  // megabytes, and a whole span in one part was one chunk encoded and written in one turn.
  if (holes.length === 0) {
    yield* stringSlices(json);
    return;
  }
  holes.sort((a, b) => a.at - b.at);
  const large = holes.flatMap((h) => (typeof h.c === "string" && row.sliced.includes(h.c) ? [h.c] : []));
  const pieces = large.length ? await readPieces(source.pool, source.jobId, source.seq, large) : [];
  let from = 0;
  for (const h of holes) {
    yield* stringSlices(json, from, h.at);
    from = h.at + h.length;
    if (typeof h.c !== "string") {
      yield* h.c.parts();
      continue;
    }
    const inline = row[h.c];
    if (!row.sliced.includes(h.c)) {
      for (const s of stringSlices(inline!)) yield h.write(s);
      continue;
    }
    const own = pieces[large.indexOf(h.c)]!;
    while (own.length) yield h.write(own.shift()!);
  }
  yield* stringSlices(json, from);
}

/**
 * `parts` joined into chunks of about EXPORT_SLICE_BYTES characters (a part's text more), each made in a turn of the
 * event loop of its own: what a streamed answer (lib/http/text-stream.ts) reads, so no turn handles more than a slice.
 */
export async function* inSlices(parts: AsyncIterable<string>): AsyncGenerator<string> {
  let out = "";
  for await (const p of parts) {
    out += p;
    if (out.length < EXPORT_SLICE_BYTES) continue;
    yield out;
    out = "";
    await nextTurn();
  }
  if (out) yield out;
}
