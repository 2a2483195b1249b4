// Queries of one run for the run page: its header, its outline's head and changed rows (no payloads; the whole outline is
// lib/runs/outline-cache.ts), one span, and search in its spans.
import { jobNumbers } from "@/lib/db/sql";
import "server-only";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { isJobId } from "@/lib/trajectory/job-id";
import { MAX_SPAN_SEARCH_SCAN_BYTES, MAX_SPAN_SEARCH_WORK, MAX_URL_SEQ, OUTLINE_TEXT_HEAD_CHARS } from "@/lib/limits";
import { searchPattern } from "@/lib/text/search";
import { encodeOutline, OUTLINE_CUT_MARK, type OutlineJson, type OutlineRow } from "@/lib/trajectory/outline";
import { REAL_TIME_AFTER_US, REAL_TIME_FROM_ISO, ZERO_TIME_ISO, ZERO_TIME_US } from "@/lib/trajectory/timing";
import { epochMicros, intArrayLiteral, intsOfList, isoMicros } from "@/lib/db/sql";
import type { SpanFields, SpanPayload } from "@/lib/trajectory/truncate";
import { rowToSpan, type ExportedSpanRow } from "@/lib/trajectory/span-rows";
import { workflowSpec } from "@/lib/workflows/catalog";
import { displayBudget, readJobJson } from "@/lib/runs/stored-json";

/** One run with its whole trajectory (imports and tests compare what was stored). */
export async function getRun(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    include: {
      spans: { orderBy: { seq: "asc" } },
      rerunOf: { select: { id: true } },
      reruns: { select: { id: true, createdAt: true }, orderBy: { createdAt: "asc" } },
      reviewedBy: { select: { email: true } },
    },
  });
  if (!job) return null;
  return jobNumbers(job);
}

/**
 * One run without its spans: the page header reads the totals kept on the job, never the spans. Args and Results are
 * what the page shows of them (lib/runs/stored-json.ts): each list and object read up to the display budget, cut ones
 * marked with their stored counts, the workflow's fields always read; the whole values are at GET /api/jobs/<id>.
 */
export async function getRunHeader(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    omit: { args: true, results: true },
    include: {
      rerunOf: { select: { id: true } },
      reruns: { select: { id: true, createdAt: true }, orderBy: { createdAt: "asc" } },
      reviewedBy: { select: { email: true } },
    },
  });
  if (!job) return null;
  const spec = workflowSpec(job.workflow, job.workflowType);
  const [args, results] = await readJobJson(id, ["args", "results"], [displayBudget(spec?.inputs), displayBudget(spec?.outputs)]);
  return jobNumbers({ ...job, args, results });
}

export type Run = NonNullable<Awaited<ReturnType<typeof getRunHeader>>>;

/** Sources whose runs are OpenTelemetry traces (received at /v1/traces or imported as OTLP JSON): no workflow results. */
export const OTLP_SOURCES: readonly string[] = ["otlp", "otlp-file"];

/**
 * The seq of a run's final model output: its last llm step with a reply, else its last llm step; null when it has
 * none. For runs without workflow results (OpenTelemetry traces), whose answer is the last thing the model said.
 */
export async function finalLlmSeq(db: Db, jobId: string): Promise<number | null> {
  if (!isJobId(jobId)) return null;
  const [row] = await db.$queryRaw<{ seq: number }[]>`
    SELECT seq FROM spans WHERE job_id = ${jobId}::uuid AND type = 'llm' ORDER BY (reply IS NOT NULL) DESC, seq DESC LIMIT 1`;
  return row ? row.seq : null;
}

/** What a run's page title names: its workflow and description; null when there is no such run. */
export async function getRunTitle(db: Db, id: string): Promise<{ workflow: string; description: string } | null> {
  if (!isJobId(id)) return null;
  return db.job.findUnique({ where: { id }, select: { workflow: true, description: true } });
}

/** Characters of an error kept in the outline: enough for a tooltip and for search by error text. */
export const ERROR_HEAD = 300;

/**
 * SQL of `column` (a trusted column name or expression) as the outline carries it, by outlineHead's rule
 * (lib/trajectory/outline.ts): its first OUTLINE_TEXT_HEAD_CHARS characters and OUTLINE_CUT_MARK when it is longer.
 * Every query that makes outline rows cuts names, types, models and summaries here, so no reader is sent (and no
 * build aggregates) more than a display head of each (a run of 100,000 unique 1,000-character names: attack6 N7).
 */
export function outlineHeadSql(column: string): Prisma.Sql {
  const c = Prisma.raw(column);
  return Prisma.sql`(CASE WHEN char_length(${c}) > ${OUTLINE_TEXT_HEAD_CHARS}::int
    THEN left(${c}, ${OUTLINE_TEXT_HEAD_CHARS}::int) || ${OUTLINE_CUT_MARK}::text ELSE ${c} END)`;
}

/** The outline as PostgreSQL aggregates it: one array per column, so 100,000 spans cross as one value, not 100,000 rows. */
interface OutlineColumns {
  seq: number[];
  nesting: number[];
  type: string[];
  name: string[];
  model: (string | null)[];
  start: number[];
  finish: (number | null)[];
  error: (string | null)[];
  tin: (number | null)[];
  tout: (number | null)[];
  tth: (number | null)[];
  size: number[];
  summary: (string | null)[];
}

/** Every span's shape and sizes without its payloads, in seq order; null when the job does not exist. */
export async function getOutlineRows(db: Db, id: string): Promise<OutlineRow[] | null> {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({ where: { id }, select: { id: true } });
  if (!job) return null;
  // Sizes without reading payloads: octet_length of text reads the TOAST header only; pg_column_size of
  // JSON is its stored (possibly compressed) size, an estimate that costs nothing to get.
  const [result] = await db.$queryRaw<{ outline: string | null }[]>`
    SELECT json_build_object(
      'seq', json_agg(seq ORDER BY seq), 'nesting', json_agg(nesting ORDER BY seq),
      'type', json_agg(${outlineHeadSql("type")} ORDER BY seq), 'name', json_agg(${outlineHeadSql("name")} ORDER BY seq),
      'model', json_agg(${outlineHeadSql("model")} ORDER BY seq),
      'start', json_agg(${epochMicros("started_at")} ORDER BY seq),
      'finish', json_agg(${epochMicros("finished_at")} ORDER BY seq),
      'error', json_agg(left(error, ${ERROR_HEAD}) ORDER BY seq),
      'tin', json_agg(input_tokens ORDER BY seq), 'tout', json_agg(output_tokens ORDER BY seq),
      'tth', json_agg(output_thoughts_tokens ORDER BY seq),
      'size', json_agg(coalesce(pg_column_size(args), 0) + coalesce(pg_column_size(results), 0)
        + coalesce(octet_length(instruction), 0) + coalesce(octet_length(prompt), 0) + coalesce(octet_length(reply), 0)
        + coalesce(octet_length(thoughts), 0) + coalesce(octet_length(error), 0) ORDER BY seq),
      'summary', json_agg(${outlineHeadSql("summary")} ORDER BY seq)
    )::text AS outline
    FROM spans WHERE job_id = ${id}::uuid`;
  if (!result?.outline) return [];
  const c = JSON.parse(result.outline) as OutlineColumns;
  if (!c.seq) return [];
  return c.seq.map((seq, i) => ({
    seq,
    nesting: c.nesting[i]!,
    type: c.type[i]!,
    name: c.name[i]!,
    model: c.model[i] ?? null,
    startUs: c.start[i]!,
    finishUs: c.finish[i] ?? null,
    error: c.error[i] ?? null,
    inputTokens: c.tin[i] ?? null,
    outputTokens: c.tout[i] ?? null,
    thoughtsTokens: c.tth[i] ?? null,
    size: c.size[i]!,
    summary: c.summary[i] ?? null,
  }));
}

/**
 * The run's bound of real starts as a timestamptz, by realTimeAfter's rule (lib/trajectory/timing.ts): with any start
 * from 1970-01-02 on, earlier starts are placeholders; on a stub-clock run (every start before 1970) only the zero
 * time is. An uncorrelated subquery: PostgreSQL computes it once per statement.
 */
export function realAfterSql(id: string): Prisma.Sql {
  return Prisma.sql`(SELECT CASE WHEN max(started_at) >= ${REAL_TIME_FROM_ISO}::timestamptz
      THEN ${REAL_TIME_FROM_ISO}::timestamptz - interval '1 microsecond' ELSE ${ZERO_TIME_ISO}::timestamptz END
    FROM spans WHERE job_id = ${id}::uuid)`;
}

/**
 * The first `limit` spans (in seq order, which is tree order) in the outline's wire form, with the whole run's time
 * span so their bars keep the run's scale: enough for the first screen of the tree, rendered with the page's HTML.
 * Reads `limit` rows by the primary key and one aggregate over the run's start and finish times.
 */
export async function getOutlineHead(db: Db, id: string, limit: number): Promise<OutlineJson> {
  if (!isJobId(id)) return encodeOutline([]);
  const [head, [bounds]] = await Promise.all([
    outlineRows(db, spansOf(id, Prisma.sql`TRUE`, limit), limit),
    // The whole run's window by outlineWindow's rule: spans with a real start and no finish before it.
    db.$queryRaw<{ t0: number | null; t1: number | null; any_real: number | null; stub: boolean | null }[]>`
      SELECT min(${epochMicros("started_at")}) FILTER (WHERE on_axis)::float8 AS t0,
        max(${epochMicros("coalesce(finished_at, started_at)")}) FILTER (WHERE on_axis)::float8 AS t1,
        min(${epochMicros("started_at")}) FILTER (WHERE is_real)::float8 AS any_real,
        bool_and(started_at < ${REAL_TIME_FROM_ISO}::timestamptz) AS stub
      FROM (SELECT started_at, finished_at, started_at > after AS is_real,
          started_at > after AND (finished_at IS NULL OR finished_at >= started_at) AS on_axis
        FROM spans, ${realAfterSql(id)} AS a(after) WHERE job_id = ${id}::uuid) s`,
  ]);
  const t0 = bounds?.t0 ?? bounds?.any_real ?? 0;
  const after = bounds?.stub ? ZERO_TIME_US : REAL_TIME_AFTER_US;
  return encodeOutline(head, head.length ? { t0, t1: Math.max(t0, bounds?.t1 ?? t0), after } : undefined);
}

/**
 * The outline rows of a live run that changed since a watcher last heard: spans after `afterSeq`, and the spans in
 * `seqs` (those that had not finished then) — only those that have finished since when `finishedOnly`. In seq order,
 * the first `limit` of them (all when none is given). Reads only those rows by the primary key.
 */
export async function getOutlineRowsChanged(
  db: Db,
  id: string,
  afterSeq: number,
  seqs: readonly number[],
  opts: { limit?: number; finishedOnly?: boolean } = {},
): Promise<OutlineRow[]> {
  if (!isJobId(id)) return [];
  const finished = opts.finishedOnly ? Prisma.sql`AND finished_at IS NOT NULL` : Prisma.empty;
  // The seqs as one array literal: a run may have 100,000 open spans, and an array parameter costs Prisma ~2 µs an element.
  const list = intArrayLiteral(seqs);
  // Two index range reads, each in seq order and stopping at `limit`: as one `seq > … OR seq = ANY(…)` PostgreSQL read
  // every later span and sorted them, so a watcher paging through 100,000 spans read them 200 times (30 ms a page).
  const rows = Prisma.sql`(${spansOf(id, Prisma.sql`seq > ${afterSeq}`, opts.limit)})
    UNION ALL (${spansOf(id, Prisma.sql`seq = ANY(${list}::int[]) AND seq <= ${afterSeq} ${finished}`, opts.limit)})`;
  return outlineRows(db, rows, opts.limit);
}

/** SQL of run `id`'s spans rows matching `where` (trusted SQL built with Prisma.sql), in seq order, at most `limit`. */
function spansOf(id: string, where: Prisma.Sql, limit?: number): Prisma.Sql {
  return Prisma.sql`SELECT * FROM spans WHERE job_id = ${id}::uuid AND ${where} ORDER BY seq ${limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}`;
}

/** Outline rows of the spans rows `spans` (SQL from spansOf), in seq order, at most `limit`. */
async function outlineRows(db: Db, spans: Prisma.Sql, limit?: number): Promise<OutlineRow[]> {
  const rows = await db.$queryRaw<
    {
      seq: number;
      nesting: number;
      type: string;
      name: string;
      model: string | null;
      start: number;
      finish: number | null;
      error: string | null;
      tin: number | null;
      tout: number | null;
      tth: number | null;
      size: number;
      summary: string | null;
    }[]
  >`
    SELECT seq, nesting, ${outlineHeadSql("type")} AS type, ${outlineHeadSql("name")} AS name,
      ${outlineHeadSql("nullif(model, '')")} AS model, left(error, ${ERROR_HEAD}) AS error,
      ${outlineHeadSql("nullif(summary, '')")} AS summary,
      ${epochMicros("started_at")}::float8 AS start, ${epochMicros("finished_at")}::float8 AS finish,
      input_tokens AS tin, output_tokens AS tout, output_thoughts_tokens AS tth,
      (coalesce(pg_column_size(args), 0) + coalesce(pg_column_size(results), 0)
        + coalesce(octet_length(instruction), 0) + coalesce(octet_length(prompt), 0) + coalesce(octet_length(reply), 0)
        + coalesce(octet_length(thoughts), 0) + coalesce(octet_length(error), 0))::float8 AS size
    FROM (${spans}) spans ORDER BY seq ${limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}`;
  return rows.map((r) => ({
    seq: r.seq,
    nesting: r.nesting,
    type: r.type,
    name: r.name,
    model: r.model,
    startUs: r.start,
    finishUs: r.finish,
    error: r.error,
    inputTokens: r.tin,
    outputTokens: r.tout,
    thoughtsTokens: r.tth,
    size: r.size,
    summary: r.summary,
  }));
}

/**
 * One span for reading: its fields in the wire shape (formats doc §1) with Started/Finished at full precision
 * (RFC 3339 with microseconds, UTC), and Args/Results as the JSON text stored (args::text: the agent's key order and
 * number text, as far as the column keeps them). Null when there is no such span.
 */
export async function getSpan(db: Db, id: string, seq: number): Promise<{ span: SpanFields; json: SpanPayload["json"] } | null> {
  // spans.seq is an int: a larger number in the URL is no span, not a database error.
  if (!isJobId(id) || !Number.isInteger(seq) || seq < 0 || seq > MAX_URL_SEQ) return null;
  const [r] = await db.$queryRaw<ExportedSpanRow[]>`
    SELECT seq, nesting, type, name, model, ${isoMicros("started_at")} AS "startedAt", ${isoMicros("finished_at")} AS "finishedAt",
      error, args::text AS args, results::text AS results, instruction, prompt, reply, thoughts,
      input_tokens AS "inputTokens", output_tokens AS "outputTokens", output_thoughts_tokens AS "outputThoughtsTokens",
      extra::text AS extra
    FROM spans WHERE job_id = ${id}::uuid AND seq = ${seq}`;
  if (!r) return null;
  // Empty keys are left out, as the engine omits them; Args, Results and Extra travel apart, as the JSON text stored.
  const { args, results, extra, ...fields } = r;
  const span: SpanFields = rowToSpan({ ...fields, args: null, results: null }, String);
  const json: SpanPayload["json"] = {};
  // A JSON null is no value, as the engine omits empty Args/Results.
  if (args != null && args !== "null") json.Args = args;
  if (results != null && results !== "null") json.Results = results;
  if (extra != null && extra !== "null") json.Extra = extra;
  return { span, json };
}

export interface SpanSearch {
  /** text to find in names, models, errors and payloads (case-insensitive) */
  q: string;
  limit?: number;
}

export interface SpanSearchResult {
  /** seqs of the matching spans, ascending */
  seqs: number[];
  /** set when the run holds more text than one search may read: the bytes read and the first span not searched */
  stopped: { bytes: number; atSeq: number } | null;
}

/** Bytes one search of `q` may read: MAX_SPAN_SEARCH_SCAN_BYTES, less for long patterns (LIKE's worst case grows with them). */
export function spanSearchBudget(q: string): number {
  return Math.min(MAX_SPAN_SEARCH_SCAN_BYTES, Math.floor(MAX_SPAN_SEARCH_WORK / Math.max(1, [...q].length)));
}

/**
 * Seqs of the spans whose name, model, error, any payload or a note on it contains the text, reading the run's spans in seq order
 * until spanSearchBudget(q) bytes: a run of long hostile text costs a bounded second, never minutes (issue 21). Sizes
 * come from octet_length / pg_column_size, which read no TOASTed value.
 */
export async function searchSpansBounded(db: Db, id: string, { q, limit = 100_000 }: SpanSearch): Promise<SpanSearchResult> {
  if (!isJobId(id) || !q) return { seqs: [], stopped: null };
  const folded = searchPattern(q);
  const budget = spanSearchBudget(q);
  // Rows stored before search_text existed fall back to a plain case-insensitive match of their stored text.
  const plain = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const [row] = await db.$queryRaw<{ seqs: string | null; total: bigint | null; stopped_at: number | null }[]>`
    WITH scan AS MATERIALIZED (
      SELECT seq, search_text, name, model, error, args, results, instruction, prompt, reply, thoughts,
        sum(size) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) - size AS before, size
      FROM (
        SELECT s.*, coalesce(octet_length(search_text), octet_length(name) + coalesce(octet_length(model), 0)
          + coalesce(octet_length(error), 0) + coalesce(pg_column_size(args), 0) + coalesce(pg_column_size(results), 0)
          + coalesce(octet_length(instruction), 0) + coalesce(octet_length(prompt), 0) + coalesce(octet_length(reply), 0)
          + coalesce(octet_length(thoughts), 0))::int8 AS size
        FROM spans s WHERE job_id = ${id}::uuid
      ) sized
    ),
    hits AS (
      SELECT seq FROM scan WHERE CASE WHEN before >= ${budget} THEN false ELSE (
        left(search_text, (${budget} - before)::int) LIKE ${folded}
        OR (search_text IS NULL AND (
          name ILIKE ${plain} OR model ILIKE ${plain} OR error ILIKE ${plain}
          OR args::text ILIKE ${plain} OR results::text ILIKE ${plain}
          OR instruction ILIKE ${plain} OR prompt ILIKE ${plain} OR reply ILIKE ${plain} OR thoughts ILIKE ${plain}))) END
        -- Notes on a step (lib/notes) are part of what the reader sees of it; each is short (MAX_NOTE_CHARS).
        OR seq IN (SELECT n.seq FROM span_notes n WHERE n.job_id = ${id}::uuid AND n.body ILIKE ${plain})
      ORDER BY seq LIMIT ${limit}
    )
    SELECT (SELECT string_agg(seq::text, ',' ORDER BY seq) FROM hits) AS seqs, (SELECT sum(size) FROM scan) AS total,
      (SELECT min(seq) FROM scan WHERE before + size > ${budget}) AS stopped_at`;
  const total = Number(row?.total ?? 0);
  return {
    seqs: intsOfList(row?.seqs ?? null),
    stopped: total > budget && row?.stopped_at != null ? { bytes: budget, atSeq: row.stopped_at } : null,
  };
}

/** The seqs of searchSpansBounded alone (tests and tools that search small runs). */
export async function searchSpans(db: Db, id: string, search: SpanSearch): Promise<number[]> {
  return (await searchSpansBounded(db, id, search)).seqs;
}
