// The conversation view's payloads: a run's spans in seq order, a page at a time, each with its long texts cut
// (truncateSpan), so an agent with thousands of steps is read as it is scrolled, never all at once.
import "server-only";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { isJobId } from "@/lib/trajectory/job-id";
import { isoMicros } from "@/lib/db/sql";
import { rowToSpan, type ExportedSpanRow } from "@/lib/trajectory/span-rows";
import { truncateSpan, type SpanPayload } from "@/lib/trajectory/truncate";
import { CONVERSATION_JSON_CHARS, CONVERSATION_PAGE_SPANS, CONVERSATION_TEXT_CHARS } from "@/lib/limits";

/** The span's text columns, cut in the query, and their field names in the span. */
const TEXT_COLUMNS = [
  ["error", "Error"],
  ["instruction", "Instruction"],
  ["prompt", "Prompt"],
  ["reply", "Reply"],
  ["thoughts", "Thoughts"],
] as const;
type TextSizes = { [K in (typeof TEXT_COLUMNS)[number][0] as `${K}Chars` | `${K}Bytes`]: number | null };

export interface ConversationPage {
  spans: SpanPayload[];
  /** the Seq to ask for next (the page was full), or null when the range is done */
  next: number | null;
}

/**
 * The spans with `from` ≤ Seq ≤ `to` of run `id`, in seq order, at most CONVERSATION_PAGE_SPANS, each text cut to
 * CONVERSATION_TEXT_CHARS characters and Args/Results over CONVERSATION_JSON_CHARS left out (SpanPayload.truncated
 * says what was cut or left out, a whole field by its name). Null when the run does not exist.
 */
export async function getConversationPage(db: Db, id: string, from: number, to: number): Promise<ConversationPage | null> {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({ where: { id }, select: { id: true } });
  if (!job) return null;
  // Nothing here reads a whole long value. A text comes as its first CONVERSATION_TEXT_CHARS characters (left() reads
  // a slice of a TOASTed value, compressed or not); whether it was cut is the length of its first N + 1 characters; a
  // cut text's size is its octet_length in bytes, read from the TOAST header. Counting a text's characters made
  // PostgreSQL decompress it whole: 52 spans of 8 MB texts cost ~2 s of a reader connection per page (issue 21, N8).
  // Args and Results over CONVERSATION_JSON_CHARS stay in the database (their size in bytes comes).
  const cut = (column: string) => {
    const c = Prisma.raw(column);
    return Prisma.sql`left(${c}, ${CONVERSATION_TEXT_CHARS}) AS ${c}, length(left(${c}, ${CONVERSATION_TEXT_CHARS + 1})) AS ${Prisma.raw(`"${column}Chars"`)},
      octet_length(${c}) AS ${Prisma.raw(`"${column}Bytes"`)}`;
  };
  const json = (value: string, as: string) => {
    const within = Prisma.sql`length(left(${Prisma.raw(value)}, ${CONVERSATION_JSON_CHARS + 1})) <= ${CONVERSATION_JSON_CHARS}`;
    return Prisma.sql`CASE WHEN ${within} THEN ${Prisma.raw(value)} END AS ${Prisma.raw(as)},
      CASE WHEN NOT ${within} THEN octet_length(${Prisma.raw(value)}) END AS ${Prisma.raw(`"${as}Bytes"`)}`;
  };
  const rows = await db.$queryRaw<(ExportedSpanRow & { argsBytes: number | null; resultsBytes: number | null } & TextSizes)[]>`
    SELECT seq, nesting, type, name, model, ${isoMicros("started_at")} AS "startedAt", ${isoMicros("finished_at")} AS "finishedAt",
      ${json("t.a", "args")}, ${json("t.r", "results")},
      ${Prisma.join(TEXT_COLUMNS.map(([column]) => cut(column)))},
      input_tokens AS "inputTokens", output_tokens AS "outputTokens", output_thoughts_tokens AS "outputThoughtsTokens"
    FROM spans s, LATERAL (SELECT s.args::text AS a, s.results::text AS r) t
    WHERE job_id = ${id}::uuid AND seq >= ${from} AND seq <= ${to}
    ORDER BY seq LIMIT ${CONVERSATION_PAGE_SPANS + 1}`;
  const more = rows.length > CONVERSATION_PAGE_SPANS;
  const spans = rows.slice(0, CONVERSATION_PAGE_SPANS).map((r) => {
    const { args, results, argsBytes, resultsBytes, ...rest } = r;
    const fields: Record<string, unknown> = { ...rest };
    const json: SpanPayload["json"] = {};
    const left: SpanPayload["truncated"] = [];
    for (const [column, path] of TEXT_COLUMNS) {
      const chars = fields[`${column}Chars`] as number | null;
      const bytes = fields[`${column}Bytes`] as number | null;
      delete fields[`${column}Chars`];
      delete fields[`${column}Bytes`];
      if (chars !== null && bytes !== null && chars > CONVERSATION_TEXT_CHARS) left.push({ path, length: bytes, unit: "bytes" });
    }
    if (args != null && args !== "null") json.Args = args;
    else if (argsBytes != null) left.push({ path: "Args", length: argsBytes, unit: "bytes" });
    if (results != null && results !== "null") json.Results = results;
    else if (resultsBytes != null) left.push({ path: "Results", length: resultsBytes, unit: "bytes" });
    const row = fields as unknown as ExportedSpanRow;
    const payload = truncateSpan(rowToSpan({ ...row, args: null, results: null }, String), json, CONVERSATION_TEXT_CHARS);
    // A text cut here already (its size the whole text's) is not cut again under its shorter length.
    return { ...payload, truncated: [...left, ...payload.truncated.filter((t) => !left.some((l) => l.path === t.path))] };
  });
  return { spans, next: more ? rows[CONVERSATION_PAGE_SPANS]!.seq : null };
}
