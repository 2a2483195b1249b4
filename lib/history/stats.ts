// Numbers around the history list: how many runs match (exact or labelled estimate), trends per day, filter choices.
import { appConfig } from "@/lib/config";
import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { filterWhere } from "@/lib/history/list";
import { rollupAnswers, rollupCountSql, rollupNewestDaySql, rollupTrendsSql, trendsSql } from "@/lib/history/sql";
import { FILTER_KEYS, type HistoryFilters } from "@/lib/history/query";
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from "@/lib/limits";

const { sql } = Prisma;

/**
 * The most runs one history figure reads when the rollups cannot answer its filters: up to this many matches are
 * counted exactly (beyond it the planner's estimate is shown as such), and trends are drawn from the newest this many
 * matching runs (said so). About 100 ms of PostgreSQL at ten million runs (bench:history).
 */
export const EXACT_COUNT_CAP = 10_000;

export interface RunCount {
  count: number;
  /** exact: counted; estimate: the planner's row estimate ("≈"); atLeast: more than count, estimate too low to trust ("10,000+") */
  kind: "exact" | "estimate" | "atLeast";
}

/**
 * How many runs match: exact from the rollups where rollupAnswers(filters); otherwise counted up to EXACT_COUNT_CAP
 * when the planner puts that at no more than `costBudget` (its cost units), else its estimate, labelled as such.
 */
export async function countJobs(db: Db, filters: HistoryFilters = {}, costBudget = COUNT_COST_BUDGET): Promise<RunCount> {
  const filtered = FILTER_KEYS.some((k) => filters[k] !== undefined);
  if (!filtered) {
    // The table's statistics know its size; counting a million rows would cost more than the page.
    const [stats] = await db.$queryRaw<{ n: number }[]>(sql`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'jobs'::regclass`);
    if (stats && stats.n > EXACT_COUNT_CAP) return { count: Math.round(stats.n), kind: "estimate" };
  }
  if (rollupAnswers(filters)) {
    // Exact, from the per-day rollups: days × keys rows, whatever the number of runs.
    const [row] = await db.$queryRaw<{ n: number }[]>(rollupCountSql(filters));
    return { count: row?.n ?? 0, kind: "exact" };
  }
  const where = await filterWhere(db, filters);
  // The planner first (no rows read): its estimate of the matches, and its cost of counting them up to the cap. Far
  // above the cap, or past the work budget (a filter whose matches lie scattered through millions of runs), the
  // estimate is shown as such instead of counting.
  const capped = sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM jobs WHERE ${where} LIMIT ${EXACT_COUNT_CAP + 1}) AS matching`;
  const [plan] = await db.$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(sql`EXPLAIN (FORMAT JSON) ${capped}`);
  const top = plan?.["QUERY PLAN"][0]?.Plan;
  const estimate = Math.round(matchesEstimate(top));
  if (estimate > 5 * EXACT_COUNT_CAP || (top?.["Total Cost"] ?? 0) > costBudget) return { count: estimate, kind: "estimate" };
  const [row] = await db.$queryRaw<{ n: number }[]>(capped);
  const n = row?.n ?? 0;
  if (n <= EXACT_COUNT_CAP) return { count: n, kind: "exact" };
  return estimate > EXACT_COUNT_CAP ? { count: estimate, kind: "estimate" } : { count: EXACT_COUNT_CAP, kind: "atLeast" };
}

/**
 * The most a capped count may cost in the planner's units before the estimate is shown instead: bench:history's
 * capped count of 10,000 scattered matches at ten million runs planned at 61,000 and took 169 ms.
 */
export const COUNT_COST_BUDGET = 30_000;

interface PlanNode {
  "Node Type": string;
  "Plan Rows": number;
  "Total Cost": number;
  Plans?: PlanNode[];
}

/** The planner's rows for the matches of a capped count's plan: the node under its Limit (the Limit's own rows are capped). */
function matchesEstimate(node: PlanNode | undefined): number {
  for (let n = node; n; n = n.Plans?.[0]) if (n["Node Type"] === "Limit") return n.Plans?.[0]?.["Plan Rows"] ?? 0;
  return 0;
}

export interface TrendDay {
  day: string;
  runs: number;
  yes: number;
  no: number;
  failed: number;
  /** mean tokens per run */
  tokens: number;
  /** mean duration of runs that have one */
  durationMs: number | null;
  /** USD of the day's priced runs (lib/costs); null when none had a price */
  costUsd: number | null;
  /** runs of the day that spent tokens without (full) price: the day's cost is partial */
  costPartialRuns: number;
}

export interface Trends {
  from: string;
  to: string;
  days: TrendDay[];
  /**
   * Set when more runs match than a request reads (filters the rollups cannot answer): the days are those of the
   * newest `runs` matching runs, `from` is counted in part, and the window asked for began on `windowFrom`.
   */
  capped?: { runs: number; windowFrom: string };
}

const DAY_MS = 86_400_000;
/** Without a date filter, trends cover this many days up to the newest matching run. */
export const TREND_DAYS = 30;
const MAX_TREND_DAYS = 366;
/**
 * The window stays within the years runs can have (lib/limits): runs of upstream's golden trajectories are dated
 * 0001-01-01 (a stub clock), and a window reaching back from them would ask PostgreSQL for year 0, which it refuses
 * (22008 date/time field value out of range); one reaching past 9999 likewise.
 */
const FIRST_DAY_MS = Date.parse(MIN_TIMESTAMP);
const LAST_DAY_END_MS = Date.parse(`${MAX_TIMESTAMP.slice(0, 10)}T00:00:00Z`) + DAY_MS;

function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Runs per day over the filtered runs: TREND_DAYS up to the newest match (or the date filter's days, at most
 * MAX_TREND_DAYS), every day present (zeros where none ran). From the rollups when rollupAnswers(filters); otherwise
 * from at most `scanLimit` matching runs, newest first, with `capped` set when there were more.
 */
export async function jobTrends(db: Db, filters: HistoryFilters = {}, scanLimit = EXACT_COUNT_CAP): Promise<Trends> {
  // Filters the per-day rollups answer read them (a few hundred rows); any other filter scans the matching runs.
  const where = rollupAnswers(filters) ? null : await filterWhere(db, filters);
  let end: Date;
  if (filters.to) end = new Date(Date.parse(`${filters.to}T00:00:00Z`) + DAY_MS);
  else {
    // The window ends at the newest matching run, so imported old runs still get a chart.
    const [newest] = await db.$queryRaw<{ at: Date | null }[]>(
      where ? sql`SELECT max(created_at) AS at FROM jobs WHERE ${where}` : rollupNewestDaySql(filters),
    );
    const at = newest?.at ?? new Date();
    end = new Date(Date.parse(`${dayOf(at)}T00:00:00Z`) + DAY_MS);
  }
  end = new Date(Math.min(end.getTime(), LAST_DAY_END_MS));
  const fromDay = filters.from ? Date.parse(`${filters.from}T00:00:00Z`) : end.getTime() - TREND_DAYS * DAY_MS;
  let start = new Date(Math.max(fromDay, end.getTime() - MAX_TREND_DAYS * DAY_MS, FIRST_DAY_MS));
  const rows = await db.$queryRaw<(TrendDay & { scanned?: number })[]>(
    where ? trendsSql(where, start, end, scanLimit) : rollupTrendsSql(filters, start, end),
  );
  // Read to the cap: the oldest day read is counted in part, and the days before it not at all, so the chart starts there.
  const capped = where !== null && rows[0]?.scanned === scanLimit;
  const windowFrom = dayOf(start);
  if (capped) start = new Date(Date.parse(`${rows[0]!.day}T00:00:00Z`));
  // Days without runs are shown as zero, not skipped, so that gaps read as gaps.
  const byDay = new Map(rows.map(({ scanned: _, ...r }) => [r.day, r]));
  const days: TrendDay[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += DAY_MS) {
    const day = dayOf(new Date(t));
    days.push(byDay.get(day) ?? { day, runs: 0, yes: 0, no: 0, failed: 0, tokens: 0, durationMs: null, costUsd: null, costPartialRuns: 0 });
  }
  const trends: Trends = { from: dayOf(start), to: dayOf(new Date(end.getTime() - DAY_MS)), days };
  return capped ? { ...trends, capped: { runs: scanLimit, windowFrom } } : trends;
}

export interface HistoryFacets {
  workflows: string[];
  models: string[];
  agents: string[];
  workers: string[];
}

/** Runs the filter choices are taken from: the newest ones, so that the lists stay current and cheap. */
const FACET_SAMPLE = 5_000;
/**
 * Values a filter menu offers at most: the most frequent in the sample, in name order (a value past them is still a
 * filter, typed in the URL or picked from a run's chip). 51 small OTLP requests of 1,000 made-up models each made the
 * history page 44 MB.
 */
export const FACET_MAX_VALUES = 100;
const FACET_TTL_MS = 60_000;
let facetCache: { at: number; url: string | undefined; facets: HistoryFacets } | null = null;

/** Forgets the facets kept (tests). */
export function forgetFacets(): void {
  facetCache = null;
}

/** Values for the filter menus, from the newest runs (cached a minute); any other value can still be typed into a link. */
export async function historyFacets(db: Db): Promise<HistoryFacets> {
  const url = appConfig().DATABASE_URL;
  if (facetCache && facetCache.url === url && Date.now() - facetCache.at < FACET_TTL_MS) return facetCache.facets;
  const [row] = await db.$queryRaw<{ [K in keyof HistoryFacets]: string[] | null }[]>(sql`
    WITH recent AS (SELECT workflow, models, agents, agent_name FROM jobs ORDER BY created_at DESC LIMIT ${FACET_SAMPLE})
    SELECT
      (SELECT array_agg(v ORDER BY v) FROM (SELECT workflow AS v FROM recent GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${FACET_MAX_VALUES}) x) AS workflows,
      (SELECT array_agg(v ORDER BY v) FROM (SELECT m AS v FROM recent, unnest(models) AS m GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${FACET_MAX_VALUES}) x) AS models,
      (SELECT array_agg(v ORDER BY v) FROM (SELECT a AS v FROM recent, unnest(agents) AS a GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${FACET_MAX_VALUES}) x) AS agents,
      (SELECT array_agg(v ORDER BY v) FROM (SELECT agent_name AS v FROM recent WHERE agent_name IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${FACET_MAX_VALUES}) x) AS workers`);
  const facets = { workflows: row?.workflows ?? [], models: row?.models ?? [], agents: row?.agents ?? [], workers: row?.workers ?? [] };
  facetCache = { at: Date.now(), url, facets };
  return facets;
}
