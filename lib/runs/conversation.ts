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
type TextLengths = { [K in (typeof TEXT_COLUMNS)[number][0] as `${K}Chars`]: number | null };

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
  // Args and Results over CONVERSATION_JSON_CHARS stay in the database: only their length comes (the text's
  // characters, as JavaScript counts them, for "N characters" and the on-demand read). The texts come cut to
  // CONVERSATION_TEXT_CHARS, with their lengths: a page of 50 spans of 8 MB prompts read whole was 400 MB a request.
  const cut = (column: string) =>
    Prisma.sql`left(${Prisma.raw(column)}, ${CONVERSATION_TEXT_CHARS}) AS ${Prisma.raw(column)}, length(${Prisma.raw(column)}) AS ${Prisma.raw(`"${column}Chars"`)}`;
  const rows = await db.$queryRaw<(ExportedSpanRow & { argsChars: number | null; resultsChars: number | null } & TextLengths)[]>`
    SELECT seq, nesting, type, name, model, ${isoMicros("started_at")} AS "startedAt", ${isoMicros("finished_at")} AS "finishedAt",
      CASE WHEN length(t.a) <= ${CONVERSATION_JSON_CHARS} THEN t.a END AS args, length(t.a) AS "argsChars",
      CASE WHEN length(t.r) <= ${CONVERSATION_JSON_CHARS} THEN t.r END AS results, length(t.r) AS "resultsChars",
      ${Prisma.join(TEXT_COLUMNS.map(([column]) => cut(column)))},
      input_tokens AS "inputTokens", output_tokens AS "outputTokens", output_thoughts_tokens AS "outputThoughtsTokens"
    FROM spans s, LATERAL (SELECT s.args::text AS a, s.results::text AS r) t
    WHERE job_id = ${id}::uuid AND seq >= ${from} AND seq <= ${to}
    ORDER BY seq LIMIT ${CONVERSATION_PAGE_SPANS + 1}`;
  const more = rows.length > CONVERSATION_PAGE_SPANS;
  const spans = rows.slice(0, CONVERSATION_PAGE_SPANS).map((r) => {
    const { args, results, argsChars, resultsChars, errorChars, instructionChars, promptChars, replyChars, thoughtsChars, ...fields } = r;
    const json: SpanPayload["json"] = {};
    const left: SpanPayload["truncated"] = [];
    const chars = { errorChars, instructionChars, promptChars, replyChars, thoughtsChars };
    for (const [column, path] of TEXT_COLUMNS) {
      const length = chars[`${column}Chars`];
      if (length !== null && length > CONVERSATION_TEXT_CHARS) left.push({ path, length });
    }
    if (args != null && args !== "null") json.Args = args;
    else if (args == null && argsChars != null) left.push({ path: "Args", length: argsChars });
    if (results != null && results !== "null") json.Results = results;
    else if (results == null && resultsChars != null) left.push({ path: "Results", length: resultsChars });
    const payload = truncateSpan(rowToSpan({ ...fields, args: null, results: null }, String), json, CONVERSATION_TEXT_CHARS);
    // A text cut here already (its length the whole text's) is not cut again under its shorter length.
    return { ...payload, truncated: [...left, ...payload.truncated.filter((t) => !left.some((l) => l.path === t.path))] };
  });
  return { spans, next: more ? rows[CONVERSATION_PAGE_SPANS]!.seq : null };
}
