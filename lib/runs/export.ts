// One job as the API gives it: the job with its verdict and totals, and its trajectory in the trajectory-file shape.
import "server-only";
import type pg from "pg";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { readerPool } from "@/lib/db/pools";
import { exportedSpanJson, rowToSpan, type ExportedSpanRow } from "@/lib/trajectory/span-rows";
import type { SpanPayload } from "@/lib/trajectory/truncate";
import { isoMicros, jobNumbers } from "@/lib/db/sql";
import { isJobId } from "@/lib/trajectory/job-id";
import { verdictWords } from "@/lib/workflows/verdict";
import { EXPORT_SLICE_BYTES, MAX_URL_SEQ } from "@/lib/limits";
import { collectText, spanPageCte, spanPages } from "@/lib/db/span-pages";
import {
  inSlices,
  markTexts,
  moreMarker,
  spanTextsSql,
  textPieces,
  withTexts,
  type MoreText,
  type Placement,
  type SpanTexts,
  type TextColumn,
} from "@/lib/db/span-texts";

/**
 * The job without its spans: fields, verdict, totals, and its rerun lineage. `verdict` is the main yes/no;
 * `mainVerdict` says it in the workflow's terms, {field: "WorthFuzzing", value, text: "worth fuzzing", tone}
 * (lib/workflows), null without a verdict or for a workflow this viewer does not know.
 */
export async function getJobSummary(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    omit: { sourceHash: true, args: true, results: true },
    include: { reruns: { select: { id: true, createdAt: true, status: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
  });
  if (!job) return null;
  // Args and Results as the JSON text stored, never parsed here: a 7 MB Results of a million strings parsed and
  // written again held the event loop up to 590 ms per GET.
  const [texts] = await db.$queryRaw<{ args: string | null; results: string | null }[]>`
    SELECT args::text AS args, results::text AS results FROM jobs WHERE id = ${id}::uuid`;
  const mainVerdict = job.verdict == null ? null : verdictWords(job.workflow, job.verdict, job.workflowType);
  return { ...jobNumbers(job), mainVerdict, argsJson: texts?.args ?? null, resultsJson: texts?.results ?? null };
}

/**
 * A run's summary (getJobSummary) as the JSON answer of GET /api/jobs/<id>: its fields, then `args` and `results` with
 * the stored JSON text spliced in as is (the agent's key order and number text kept, nothing parsed or re-encoded).
 */
export function jobSummaryResponse(summary: NonNullable<Awaited<ReturnType<typeof getJobSummary>>>): Response {
  const { argsJson, resultsJson, ...fields } = summary;
  const head = JSON.stringify(fields);
  const body = `${head.slice(0, -1)}${head.length > 2 ? "," : ""}"args":${argsJson ?? "null"},"results":${resultsJson ?? "null"}}`;
  return new Response(body, { headers: { "Content-Type": "application/json" } });
}

/** A span as the exports read it: ExportedSpanRow, its large texts left out to be read in slices (lib/db/span-texts.ts). */
type Row = ExportedSpanRow & SpanTexts & { extraLarge: boolean };

/** The columns of Row, for span alias `s`. */
const rowColumns = Prisma.sql`s.seq, s.nesting, s.type, s.name, s.model, ${isoMicros("s.started_at")} AS "startedAt",
  ${isoMicros("s.finished_at")} AS "finishedAt", ${spanTextsSql("s")},
  s.input_tokens AS "inputTokens", s.output_tokens AS "outputTokens", s.output_thoughts_tokens AS "outputThoughtsTokens",
  CASE WHEN octet_length(s.extra::text) <= ${EXPORT_SLICE_BYTES} THEN s.extra::text END AS extra,
  coalesce(octet_length(s.extra::text) > ${EXPORT_SLICE_BYTES}, false) AS "extraLarge"`;

/**
 * A span's Extra over EXPORT_SLICE_BYTES (read as null, `extraLarge`): a stand-in for its JSON text in the span's JSON
 * and the text that replaces it, read in pieces (lib/db/span-texts.ts textPieces), so no turn parses, holds or escapes
 * it whole: "members", its members after the span's own (exportedSpanJson: the text without its braces); "string",
 * its JSON text as a string value (getSpan's `json.Extra`).
 */
function largeExtra(source: { pool: pg.Pool; jobId: string; seq: number }, as: "members" | "string"): { stand: string; more: MoreText } {
  const read = async (sql: string) =>
    (await textPieces(source.pool, { table: "spans", jobId: source.jobId, seq: source.seq }, [{ name: "Extra", sql }]))[0]!;
  if (as === "string") {
    const rendered = JSON.stringify(moreMarker(0));
    return {
      stand: moreMarker(0),
      more: {
        rendered,
        async *parts() {
          yield '"';
          for (const piece of await read("extra::text")) yield JSON.stringify(piece).slice(1, -1);
          yield '"';
        },
      },
    };
  }
  // The members as exportedSpanJson writes them: the text without its braces and the whitespace around them.
  const rendered = `${JSON.stringify(moreMarker(0))}:0`;
  return {
    stand: `{${rendered}}`,
    more: {
      rendered,
      async *parts() {
        yield* await read(String.raw`regexp_replace(extra::text, '^\s*\{\s*|\s*\}\s*$', '', 'g')`);
      },
    },
  };
}

/** Where a trajectory file's span has its texts: Args and Results the JSON text stored, the others strings. */
const TRAJECTORY_TEXTS: Record<TextColumn, Placement> = {
  error: "string",
  args: "json",
  results: "json",
  instruction: "string",
  prompt: "string",
  reply: "string",
  thoughts: "string",
};

/**
 * The stored trajectory as a trajectory file (formats doc §1) in JSON text: spans by Seq, empty keys left out, times
 * with microseconds in Go's RFC3339Nano form, Args/Results as the JSON text that was stored (never reparsed: key order,
 * integer-like keys and big integers come back as sent). Null for an unknown job; else its text in chunks of about
 * EXPORT_SLICE_BYTES, read from the database a page of spans at a time (lib/db/span-pages.ts) as the caller takes them,
 * a span's large texts in slices (lib/db/span-texts.ts, from `pool`): the whole run, or one whole span, is never held.
 */
export async function trajectoryChunks(
  db: Db,
  id: string,
  pool: pg.Pool = readerPool("expensive"),
): Promise<AsyncGenerator<string> | null> {
  if (!isJobId(id)) return null;
  const exists = await db.job.findUnique({ where: { id }, select: { id: true } });
  if (!exists) return null;
  const load = (after: number) => db.$queryRaw<Row[]>`
    WITH ${spanPageCte(id, after)}
    SELECT ${rowColumns}
    FROM page JOIN spans s ON s.job_id = ${id}::uuid AND s.seq = page.seq ORDER BY s.seq`;
  return inSlices(
    (async function* () {
      yield "[";
      let first = true;
      for await (const rows of spanPages(load)) {
        for (const r of rows) {
          if (!first) yield ",";
          first = false;
          const source = { pool, jobId: id, seq: r.seq };
          const { extraLarge, ...marked } = markTexts(r);
          const large = extraLarge ? largeExtra(source, "members") : null;
          const json = exportedSpanJson(large ? { ...marked, extra: large.stand } : marked);
          yield* withTexts(json, r, TRAJECTORY_TEXTS, source, large ? [large.more] : []);
        }
      }
      yield "]";
    })(),
  );
}

/**
 * One whole span as GET /api/jobs/<id>/spans/<seq>?full=1 answers it: the JSON text of getSpan's `{span, json}` with
 * `truncated: []`, the same bytes, written in chunks of about EXPORT_SLICE_BYTES with its large texts read in slices
 * (lib/db/span-texts.ts, from `pool`). Null when there is no such span.
 */
export async function spanJsonChunks(
  db: Db,
  id: string,
  seq: number,
  pool: pg.Pool = readerPool("read"),
): Promise<AsyncGenerator<string> | null> {
  // spans.seq is an int: a larger number in the URL is no span, not a database error.
  if (!isJobId(id) || !Number.isInteger(seq) || seq < 0 || seq > MAX_URL_SEQ) return null;
  const [r] = await db.$queryRaw<Row[]>`SELECT ${rowColumns} FROM spans s WHERE s.job_id = ${id}::uuid AND s.seq = ${seq}`;
  if (!r) return null;
  // getSpan's shape: Args, Results and Extra travel apart, as the JSON text stored; a JSON null is no value.
  const { args, results, extra, extraLarge, ...fields } = markTexts(r);
  const large = extraLarge ? largeExtra({ pool, jobId: id, seq }, "string") : null;
  const span = rowToSpan({ ...fields, args: null, results: null }, String);
  const json: SpanPayload["json"] = {};
  const texts: Partial<Record<TextColumn, Placement>> = {
    error: "string",
    instruction: "string",
    prompt: "string",
    reply: "string",
    thoughts: "string",
  };
  if (args != null && r.args !== "null") [json.Args, texts.args] = [args, "string"];
  if (results != null && r.results !== "null") [json.Results, texts.results] = [results, "string"];
  if (large) json.Extra = large.stand;
  else if (extra != null && extra !== "null") json.Extra = extra;
  const payload: SpanPayload = { span, json, truncated: [] };
  return inSlices(withTexts(JSON.stringify(payload), r, texts, { pool, jobId: id, seq }, large ? [large.more] : []));
}

/** The trajectory file's whole text (trajectoryChunks joined), or null: for tests and tools, on runs of any size that fit. */
export async function getTrajectory(db: Db, id: string): Promise<string | null> {
  return collectText(await trajectoryChunks(db, id));
}
