// SQL pieces every topic shares: timestamps read back with PostgreSQL's full precision (microseconds), not a JS Date's.
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * A timestamptz column as UTC RFC 3339 text with microseconds, e.g. 2026-03-02T10:00:00.000250Z (years 0001-9999).
 * JS Dates hold milliseconds only, so reading through Prisma's DateTime would cut what agents sent.
 * `column` is trusted SQL (a column name), never user input.
 */
export function isoMicros(column: string): Prisma.Sql {
  return Prisma.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
}

/** A timestamptz column as integer microseconds since the Unix epoch (int8; negative before 1970, year 1 included). */
export function epochMicros(column: string): Prisma.Sql {
  // extract(epoch) is numeric in PostgreSQL 14+, exact to the microsecond.
  return Prisma.raw(`(extract(epoch FROM ${column}) * 1000000)::int8`);
}

/** The job columns stored as int8 (BigInt in Prisma): duration in ms and the token totals. */
const JOB_INT8_COLUMNS = ["durationMs", "inputTokens", "outputTokens", "thoughtsTokens", "totalTokens"] as const;
type JobInt8Column = (typeof JOB_INT8_COLUMNS)[number];

/** A row with its int8 job columns as numbers: BigInt does not cross into client components or JSON. */
export type WithNumbers<T> = { [K in keyof T]: K extends JobInt8Column ? (null extends T[K] ? number | null : number) : T[K] };

/** The row with durationMs and the token totals (int8) as numbers; exact below 2^53, far beyond any real run. */
export function jobNumbers<T extends object>(row: T): WithNumbers<T> {
  const out = { ...row } as Record<string, unknown>;
  for (const k of JOB_INT8_COLUMNS) if (typeof out[k] === "bigint") out[k] = Number(out[k]);
  return out as WithNumbers<T>;
}

/** UTF-8 bytes per piece when a large text is read in byte pieces (see `bytePieces`). */
export const TEXT_PIECE_BYTES = 1024 * 1024;

/**
 * SQL that cuts the bytea column `column` of the one-row relation `from` into pieces of `bytes`, one row each: `g`
 * (0, 1, …) and `piece` (bytea). node-postgres decodes each row as it arrives, so a text of tens of MB never holds the
 * event loop for its whole length (one value of 25 MB held it ~200 ms). Bytes, not characters: substr of text walks
 * the characters from the start for every piece, quadratic in the length. Make the column with
 * `convert_to(<text>, 'UTF8')`; an empty or null value gives one row with a null or empty piece.
 * `from` and `column` are trusted SQL (names), never user input.
 */
export function bytePieces(from: string, column: string, bytes = TEXT_PIECE_BYTES): string {
  const v = `${from}.${column}`;
  return `SELECT g, substring(${v} FROM g * ${bytes} + 1 FOR ${bytes}) AS piece
    FROM ${from}, generate_series(0, greatest(length(${v}) - 1, 0) / ${bytes}) g`;
}

/**
 * A PostgreSQL array literal of integers (`{1,2,NULL}`) to pass as one `$n::int[]` parameter: node-postgres and Prisma
 * escape an array parameter element by element, ~1-2 µs each on the event loop (100 ms per 100,000).
 */
export function intArrayLiteral(values: readonly (number | null)[]): string {
  return `{${values.map((v) => (v === null ? "NULL" : String(Math.trunc(v)))).join(",")}}`;
}

/**
 * The integers of `string_agg(<int>::text, ',')` (null: none). Read as one text, not an int[] column: the array
 * parser under node-postgres and Prisma takes a character at a time, ~130 ms per 100,000 elements in one turn.
 */
export function intsOfList(list: string | null): number[] {
  return list ? list.split(",").map(Number) : [];
}
