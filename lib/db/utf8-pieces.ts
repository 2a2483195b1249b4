// Large stored text read as UTF-8 bytes in pieces of a MB, one row each: node-postgres decodes a row at a time, so
// the event loop turns between pieces (decoding one 30 MB value held it; a 7 MB Results read as one text held it
// 100-400 ms on a loaded machine), and the bytes, joined into one buffer, can be moved to a worker thread whole.
import "server-only";
import type { Sql } from "@/lib/db/pool";
import { bytePieces } from "@/lib/db/sql";
import { nextTurn } from "@/lib/turn";

/**
 * Each of `columns` (trusted SQL text expressions over the rows `from` selects: one row) as UTF-8 bytes, read in
 * pieces of TEXT_PIECE_BYTES (bytePieces); null for a SQL NULL. `from` is trusted SQL with $n parameters given in `params`.
 */
export async function readUtf8(
  sql: Sql,
  columns: readonly string[],
  from: string,
  params: readonly unknown[],
): Promise<(Uint8Array<ArrayBuffer> | null)[]> {
  const texts = columns.map((c, k) => `convert_to(${c}, 'UTF8') AS c${k}`).join(", ");
  const pieces = columns
    .map((_, k) => `SELECT ${k} AS col, p.g, p.piece FROM (${bytePieces("f", `c${k}`)}) p WHERE p.piece IS NOT NULL`)
    .join(" UNION ALL ");
  const { rows } = await sql.query<{ col: number; piece: Buffer }>(
    `WITH f AS MATERIALIZED (SELECT ${texts} ${from}) ${pieces} ORDER BY col, g`,
    params as unknown[],
  );
  const out: (Uint8Array<ArrayBuffer> | null)[] = [];
  for (let k = 0; k < columns.length; k++) {
    const own = rows.filter((r) => r.col === k).map((r) => r.piece);
    out.push(own.length ? await joinPieces(own) : null);
  }
  return out;
}

/** The pieces in one buffer of their own (movable to a thread whole), copied a piece a turn. */
export async function joinPieces(pieces: readonly Uint8Array[]): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.byteLength;
    await nextTurn();
  }
  return out;
}
