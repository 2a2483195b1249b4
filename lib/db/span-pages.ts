// A run's spans a page at a time, by seq (keyset), each page bounded in spans and in stored bytes: what whole-run
// exports read (lib/runs/export.ts, lib/otlp/export.ts), so no reader ever holds a whole run; lib/http/text-stream.ts
// writes each page as the client reads.
import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { EXPORT_PAGE_BYTES, EXPORT_PAGE_SPANS } from "@/lib/limits";

/**
 * SQL for a CTE `page(seq)`: the seqs of run `id`'s next page after `after` — up to EXPORT_PAGE_SPANS spans, ending
 * at the first span whose stored text (payloads, texts, extra: octet_length reads a TOASTed value's size from its
 * header, not the value) takes the page past EXPORT_PAGE_BYTES. Join it to spans (`s.seq = page.seq`).
 */
export function spanPageCte(id: string, after: number): Prisma.Sql {
  return Prisma.sql`page AS (
    SELECT seq FROM (
      SELECT seq, sum(size) OVER (ORDER BY seq) - size AS before FROM (
        SELECT seq, coalesce(octet_length(args::text), 0) + coalesce(octet_length(results::text), 0)
          + coalesce(octet_length(instruction), 0) + coalesce(octet_length(prompt), 0) + coalesce(octet_length(reply), 0)
          + coalesce(octet_length(thoughts), 0) + coalesce(octet_length(error), 0) + coalesce(octet_length(extra::text), 0) AS size
        FROM spans WHERE job_id = ${id}::uuid AND seq > ${after} ORDER BY seq LIMIT ${EXPORT_PAGE_SPANS}
      ) sized
    ) t WHERE before < ${EXPORT_PAGE_BYTES}
  )`;
}

/** Pages of rows (in seq order) from `load(after)`, which reads the page after seq `after` (-1: the first); ends on an empty page. */
export async function* spanPages<R extends { seq: number }>(load: (after: number) => Promise<R[]>): AsyncGenerator<R[]> {
  for (let after = -1; ;) {
    const rows = await load(after);
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)!.seq;
  }
}

/** All of `chunks` as one string: for tests and tools that want the whole export at once (small runs). */
export async function collectText(chunks: AsyncIterable<string> | null): Promise<string | null> {
  if (chunks === null) return null;
  let text = "";
  for await (const c of chunks) text += c;
  return text;
}
