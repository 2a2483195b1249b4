// SQL pieces of the history: filters as a WHERE clause, sort columns, keyset cursors. User input is always a bound parameter.
import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { FILTER_KEYS, STATUSES, type HistoryFilters, type SortKey } from "@/lib/history/query";
import { isJobId } from "@/lib/trajectory/job-id";
import { daysInMonth } from "@/lib/trajectory/time";
import { DISPLAY_MAX_ROW_CHIPS, PG_INT_MAX } from "@/lib/limits";

const { sql, raw, join } = Prisma;

interface SortColumn {
  column: Prisma.Sql;
  /** SQL type the cursor's text value is cast back to */
  type: Prisma.Sql;
  nullable: boolean;
}

/** Sort keys to columns: identifiers come from this fixed table, never from the request. */
export const SORT_COLUMNS: Record<SortKey, SortColumn> = {
  created: { column: raw("created_at"), type: raw("timestamptz"), nullable: false },
  duration: { column: raw("duration_ms"), type: raw("bigint"), nullable: true },
  tokens: { column: raw("total_tokens"), type: raw("integer"), nullable: false },
  llmCalls: { column: raw("llm_calls"), type: raw("integer"), nullable: false },
  toolCalls: { column: raw("tool_calls"), type: raw("integer"), nullable: false },
  toolErrors: { column: raw("tool_errors"), type: raw("integer"), nullable: false },
  worker: { column: raw("agent_name"), type: raw("text"), nullable: true },
  workflow: { column: raw("workflow"), type: raw("text"), nullable: false },
  status: { column: raw("status"), type: raw('"JobStatus"'), nullable: false },
  verdict: { column: raw("verdict"), type: raw("boolean"), nullable: true },
  // USD; null = "no price" (lib/costs), sorted after priced runs either way
  cost: { column: raw("cost_usd"), type: raw("double precision"), nullable: true },
};

/** A position in the list: the sort value as PostgreSQL prints it (exact, microseconds included) and the id. */
export interface Cursor {
  value: string | null;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.value, c.id])).toString("base64url");
}

export function decodeCursor(text: string | undefined | null): Cursor | null | "invalid" {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString());
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      (typeof v[0] === "string" || v[0] === null) &&
      typeof v[1] === "string" &&
      /^[0-9a-f-]{36}$/i.test(v[1])
    ) {
      return { value: v[0], id: v[1] };
    }
  } catch {
    // fall through: any malformed cursor is the same error to the caller
  }
  return "invalid";
}

// The value as PostgreSQL prints a timestamptz: "2026-05-01 10:00:00.123456+00" (offset as the server's zone gives it).
const PG_TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::\d{2}){0,2}$/;

function isPgTimestamptz(v: string): boolean {
  const m = PG_TIMESTAMPTZ.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, s, oh] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h < 24 && mi < 60 && s < 60 && oh <= 15;
}

/**
 * True when the cursor's value can be cast to the sort column's type: a cursor is client input, and
 * a value PostgreSQL cannot cast would fail the query instead of being refused as a bad cursor.
 */
export function cursorFits(sort: SortKey, c: Cursor): boolean {
  if (!isJobId(c.id)) return false;
  const v = c.value;
  if (v === null) return true;
  if (v.includes("\u0000")) return false;
  switch (SORT_COLUMNS[sort].type.text) {
    case "timestamptz":
      return isPgTimestamptz(v);
    case "integer":
      return /^-?\d{1,10}$/.test(v) && Math.abs(Number(v)) <= PG_INT_MAX;
    case "bigint":
      return /^-?\d{1,18}$/.test(v);
    case "double precision":
      return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v) && Number.isFinite(Number(v));
    case "boolean":
      return v === "true" || v === "false";
    case '"JobStatus"':
      return (STATUSES as readonly string[]).includes(v);
    default:
      return true;
  }
}

const DAY_MS = 86_400_000;

/** Filters as one SQL condition ("TRUE" without filters). `tsquery` is the prepared text query (see searchQueryText). */
export function whereSql(f: HistoryFilters, tsquery: string | null): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (f.workflow) parts.push(sql`workflow = ${f.workflow}`);
  if (f.status) parts.push(sql`status = ${f.status}::"JobStatus"`);
  if (f.verdict === "yes") parts.push(sql`verdict = true`);
  if (f.verdict === "no") parts.push(sql`verdict = false`);
  if (f.verdict === "none") parts.push(sql`verdict IS NULL`);
  if (f.model) parts.push(sql`models @> ARRAY[${f.model}]::text[]`);
  if (f.agent) parts.push(sql`agents @> ARRAY[${f.agent}]::text[]`);
  if (f.worker) parts.push(sql`agent_name = ${f.worker}`);
  if (f.from) parts.push(sql`created_at >= ${new Date(`${f.from}T00:00:00Z`)}`);
  if (f.to) parts.push(sql`created_at < ${new Date(Date.parse(`${f.to}T00:00:00Z`) + DAY_MS)}`);
  if (f.errors === "yes") parts.push(sql`(error IS NOT NULL OR tool_errors > 0)`);
  if (f.errors === "no") parts.push(sql`(error IS NULL AND tool_errors = 0)`);
  if (f.rerun === "yes") parts.push(sql`rerun_of_id IS NOT NULL`);
  if (f.rerun === "no") parts.push(sql`rerun_of_id IS NULL`);
  if (f.review === "correct") parts.push(sql`correct = true`);
  if (f.review === "incorrect") parts.push(sql`correct = false`);
  if (f.review === "unreviewed") parts.push(sql`correct IS NULL`);
  if (f.experiment) parts.push(sql`experiment_id = ${f.experiment}::uuid`);
  if (f.notes === "yes") parts.push(sql`EXISTS (SELECT 1 FROM span_notes n WHERE n.job_id = jobs.id)`);
  if (f.notes === "no") parts.push(sql`NOT EXISTS (SELECT 1 FROM span_notes n WHERE n.job_id = jobs.id)`);
  // An empty tsquery (only punctuation was typed) matches nothing, as a search for nothing should.
  if (tsquery !== null) parts.push(tsquery === "" ? sql`FALSE` : sql`search_vector @@ ${tsquery}::tsquery`);
  return parts.length ? join(parts, " AND ") : sql`TRUE`;
}

/** The shortest last word searched as a prefix; a shorter one must match a whole word. */
export const SEARCH_PREFIX_MIN_CHARS = 3;

/**
 * The user's words as tsquery text ('ext4' & 'dio':*), tokenised by PostgreSQL itself so that the query splits text
 * exactly as the stored vectors did. Only the last word is a prefix (the one still being typed), and only from
 * SEARCH_PREFIX_MIN_CHARS characters on: a prefix term makes GIN collect every key it starts into a bitmap, which costs
 * hundreds of ms for common words at a million runs, and a short one ("42" of btrfs_mmap_42: 42, 420, 4201, …) starts
 * thousands of keys (129 ms at ten million runs, bench:history).
 * Lexemes are quoted for tsquery input and cast with ::tsquery, which, unlike to_tsquery, does not parse them again
 * (a URL would split into a phrase that no longer matches). Returns "" when there are no words.
 */
export function searchQueryTextSql(q: string): Prisma.Sql {
  return sql`SELECT coalesce(string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || ''''
      || CASE WHEN pos = last AND length(lexeme) >= ${SEARCH_PREFIX_MIN_CHARS} THEN ':*' ELSE '' END, ' & '), '') AS q
    FROM (SELECT lexeme, positions[array_upper(positions, 1)] AS pos, max(positions[array_upper(positions, 1)]) OVER () AS last
          FROM unnest(to_tsvector('simple', ${q}))) AS words`;
}

/**
 * The columns a history row shows; reads no payloads (the verdict's words come from the workflow). Reruns (up to 20,
 * oldest first) are a subquery on jobs_rerun_of_id_idx, run only for the rows of the page. Lists and texts come cut to
 * what a row shows (the first DISPLAY_MAX_ROW_CHIPS models and agents with their counts, the description's head): a
 * page of runs with 1,000 made-up models each was 10 MB.
 */
/** Characters of a run's description a history row carries (the row shows a line of it; the run's page has it all). */
const ROW_DESCRIPTION_CHARS = 1000;

export const ROW_COLUMNS = sql`
  id, workflow, workflow_type AS "workflowType", left(description, ${ROW_DESCRIPTION_CHARS}) AS description, status, verdict, correct, error_redacted AS "errorRedacted", left(error, 400) AS error,
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt", duration_ms AS "durationMs",
  total_tokens AS "totalTokens", input_tokens AS "inputTokens", output_tokens AS "outputTokens", thoughts_tokens AS "thoughtsTokens",
  llm_calls AS "llmCalls", tool_calls AS "toolCalls", tool_errors AS "toolErrors", span_count AS "spanCount",
  models[1:${DISPLAY_MAX_ROW_CHIPS}] AS models, cardinality(models) AS "modelCount", agents[1:${DISPLAY_MAX_ROW_CHIPS}] AS agents,
  cardinality(agents) AS "agentCount", agent_name AS "agentName", source, rerun_of_id AS "rerunOfId", cost_usd AS "costUsd", cost_unpriced AS "costUnpriced",
  ARRAY(SELECT r.id::text FROM jobs r WHERE r.rerun_of_id = jobs.id ORDER BY r.created_at, r.id LIMIT 20) AS reruns`;

/**
 * One keyset step: rows after `cursor` within one region of the order. The order is
 * (sort value, id) over rows with a value, then (id) over rows without one: NULLS LAST both ways,
 * so each region is a plain range of the (column, id) index scanned forward or backward.
 */
export function regionSql(opts: {
  sort: SortKey;
  desc: boolean;
  region: "value" | "null";
  cursor: Cursor | null;
  where: Prisma.Sql;
  limit: number;
}): Prisma.Sql {
  const { column, type, nullable } = SORT_COLUMNS[opts.sort];
  const dir = raw(opts.desc ? "DESC" : "ASC");
  const cmp = raw(opts.desc ? "<" : ">");
  const conds: Prisma.Sql[] = [opts.where];
  let order: Prisma.Sql;
  if (opts.region === "value") {
    if (nullable) conds.push(sql`${column} IS NOT NULL`);
    if (opts.cursor) conds.push(sql`(${column}, id) ${cmp} (${opts.cursor.value}::${type}, ${opts.cursor.id}::uuid)`);
    order = sql`${column} ${dir}, id ${dir}`;
  } else {
    conds.push(sql`${column} IS NULL`);
    if (opts.cursor) conds.push(sql`id ${cmp} ${opts.cursor.id}::uuid`);
    order = sql`id ${dir}`;
  }
  return sql`SELECT ${ROW_COLUMNS}, ${column}::text AS "sortValue" FROM jobs WHERE ${join(conds, " AND ")} ORDER BY ${order} LIMIT ${opts.limit}`;
}

/** Filters the per-day rollups (job_days, job_day_models) can answer; any other filter reads the runs themselves. */
export const ROLLUP_FILTERS = ["workflow", "status", "verdict", "model", "errors", "rerun", "review", "from", "to"] as const;

/** True when every filter set is one the rollups answer (rollupTrendsSql, rollupCountSql). */
export function rollupAnswers(f: HistoryFilters): boolean {
  return FILTER_KEYS.every((k) => f[k] === undefined || (ROLLUP_FILTERS as readonly string[]).includes(k));
}

/**
 * The rollups' keys for the filters (the same rules as whereSql, on the keys the triggers store: verdict and review as
 * 1/0/-1, errors and rerun as booleans), within the days from..to inclusive (UTC calendar days) when given.
 */
function rollupWhere(f: HistoryFilters, days: { from?: string; to?: string } = {}): Prisma.Sql {
  const parts: Prisma.Sql[] = [sql`TRUE`];
  for (const from of [f.from, days.from]) if (from) parts.push(sql`day >= ${from}::date`);
  for (const to of [f.to, days.to]) if (to) parts.push(sql`day <= ${to}::date`);
  if (f.workflow) parts.push(sql`workflow = ${f.workflow}`);
  if (f.status) parts.push(sql`status = ${f.status}::"JobStatus"`);
  if (f.verdict) parts.push(sql`verdict = ${f.verdict === "yes" ? 1 : f.verdict === "no" ? 0 : -1}::smallint`);
  if (f.model) parts.push(sql`model = ${f.model}`);
  if (f.errors) parts.push(sql`errors = ${f.errors === "yes"}`);
  if (f.rerun) parts.push(sql`rerun = ${f.rerun === "yes"}`);
  if (f.review) parts.push(sql`review = ${f.review === "correct" ? 1 : f.review === "incorrect" ? 0 : -1}::smallint`);
  return join(parts, " AND ");
}

/**
 * The same per-day figures as trendsSql, from the rollups the triggers keep (prisma/migrations/*_history_rollups,
 * *_history_rollup_filters): at most days × keys rows, never the runs. Only where rollupAnswers(f).
 */
export function rollupTrendsSql(f: HistoryFilters, start: Date, end: Date): Prisma.Sql {
  // Days as text: a Date would be cast to a date in the session's time zone, not UTC's.
  const utcDay = (d: Date) => d.toISOString().slice(0, 10);
  // The last day inclusive: the end may be 10000-01-01, which toISOString writes as +010000-01-01.
  const where = rollupWhere(f, { from: utcDay(start), to: utcDay(new Date(end.getTime() - DAY_MS)) });
  return sql`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(runs)::int AS runs,
      coalesce(sum(runs) FILTER (WHERE verdict = 1), 0)::int AS yes,
      coalesce(sum(runs) FILTER (WHERE verdict = 0), 0)::int AS no,
      coalesce(sum(runs) FILTER (WHERE status = 'failed'), 0)::int AS failed,
      (sum(tokens) / sum(runs))::float8 AS tokens,
      CASE WHEN sum(cost_runs) > 0 THEN round(sum(cost_sum), 9)::float8 END AS "costUsd",
      sum(cost_partial_runs)::int AS "costPartialRuns",
      (sum(duration_sum) / nullif(sum(duration_runs), 0))::float8 AS "durationMs"
    FROM ${rollupSource(Boolean(f.model))} WHERE ${where}
    GROUP BY day HAVING sum(runs) > 0 ORDER BY day`;
}

/** How many runs match, exactly, from the rollups (a sum over days × keys rows). Only where rollupAnswers(f). */
export function rollupCountSql(f: HistoryFilters): Prisma.Sql {
  return sql`SELECT coalesce(sum(runs), 0)::int AS n FROM ${rollupSource(Boolean(f.model))} WHERE ${rollupWhere(f)}`;
}

/** The newest day with a run under rollup filters (see rollupTrendsSql), or null. */
export function rollupNewestDaySql(f: HistoryFilters): Prisma.Sql {
  // A day counts when its keys' sums (folded and pending) leave runs; days are few (one a key per day), so grouping
  // them all costs milliseconds at ten million runs.
  return sql`SELECT max(day)::timestamp AT TIME ZONE 'UTC' AS at FROM (
      SELECT day FROM ${rollupSource(Boolean(f.model))} WHERE ${rollupWhere({ ...f, to: undefined })} GROUP BY day HAVING sum(runs) > 0
    ) d`;
}

const ROLLUP_COLUMNS =
  "day, workflow, status, verdict, errors, rerun, review, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs";

/**
 * The per-day rollups as one relation `r`: the folded rows (job_days, or job_day_models with a model) and the deltas
 * the triggers appended since the last job_days_compact() (lib/history/rollups.ts). Sums over it are exact at any
 * moment; rows are not unique per key.
 */
function rollupSource(model: boolean): Prisma.Sql {
  const cols = model ? `model, ${ROLLUP_COLUMNS}` : ROLLUP_COLUMNS;
  const [folded, deltas] = model ? ["job_day_models", "job_day_model_deltas"] : ["job_days", "job_day_deltas"];
  return raw(`(SELECT ${cols} FROM ${folded} UNION ALL SELECT ${cols} FROM ${deltas}) AS r`);
}

/**
 * Runs per day over the filtered set, with verdict share, failures, mean tokens and duration, read from at most
 * `limit` matching runs of the window, newest first (a filter the rollups cannot answer reads runs, and a request
 * must not read a month of ten million). Each row also carries `scanned`: how many runs were read in all; when it
 * equals `limit`, the oldest day returned is counted in part and older days not at all.
 */
export function trendsSql(where: Prisma.Sql, start: Date, end: Date, limit: number): Prisma.Sql {
  return sql`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, runs, yes, no, failed, tokens, "durationMs", "costUsd", "costPartialRuns",
      (sum(runs) OVER ())::int AS scanned FROM (
      SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day,
        count(*)::int AS runs,
        (count(*) FILTER (WHERE verdict))::int AS yes,
        (count(*) FILTER (WHERE verdict = false))::int AS no,
        (count(*) FILTER (WHERE status = 'failed'))::int AS failed,
        coalesce(avg(total_tokens), 0)::float8 AS tokens,
        round(sum(cost_usd)::numeric, 9)::float8 AS "costUsd",
        (count(*) FILTER (WHERE total_tokens > 0 AND (cost_usd IS NULL OR cost_unpriced > 0)))::int AS "costPartialRuns",
        avg(duration_ms)::float8 AS "durationMs"
      FROM (
        SELECT created_at, verdict, status, total_tokens, cost_usd, cost_unpriced, duration_ms FROM jobs
        WHERE ${where} AND created_at >= ${start} AND created_at < ${end}
        ORDER BY created_at DESC LIMIT ${limit}
      ) AS newest
      GROUP BY 1) AS per_day
    ORDER BY 1`;
}
