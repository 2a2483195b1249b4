// `npm run bench:history`: a million runs, then the history's queries timed against the naive ones (OFFSET, ILIKE, count(*)).
import { toolConfig } from "@/lib/config";
import pg from "pg";
import { resolveDatabase } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";
import { db, disconnectDb } from "@/lib/db/client";
import { findJobs } from "@/lib/history/list";
import { countJobs, EXACT_COUNT_CAP, historyFacets, jobTrends } from "@/lib/history/stats";
import { encodeCursor, regionSql, rollupCountSql, rollupTrendsSql, trendsSql, whereSql } from "@/lib/history/sql";
import { searchTsquery } from "@/lib/history/list";
import { DEFAULT_QUERY, type HistoryFilters, type HistoryQuery } from "@/lib/history/query";
import type { Prisma } from "@/lib/generated/prisma/client";
import { loadRuns } from "./bench-history-data";

/** `-- --runs 10000000` overrides BENCH_RUNS for one run of the bench. */
function runsArg(): number | null {
  const i = process.argv.indexOf("--runs");
  if (i < 0) return null;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--runs wants a positive whole number, not ${process.argv[i + 1] ?? "nothing"}`);
  return n;
}
const RUNS = runsArg() ?? toolConfig().BENCH_RUNS;
const REPEAT = 5;
const started = performance.now();
const log = (s: string) => console.log(s);

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm: plan caches and shared buffers, as a running server has them
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEAT / 2)]!;
}

/** EXPLAIN ANALYZE of one statement: server time (planning + execution) and the plan's text. */
async function explain(text: string, values: unknown[] = []): Promise<{ ms: number; plan: string[] }> {
  await client.query(text, values);
  const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS OFF) ${text}`, values);
  const lines = rows.map((r) => r["QUERY PLAN"]);
  const ms = lines.filter((l) => /^(Planning|Execution) Time/.test(l)).reduce((a, l) => a + Number(/([\d.]+) ms/.exec(l)?.[1] ?? 0), 0);
  return { ms, plan: lines.filter((l) => !/^(Planning|Execution) Time/.test(l)) };
}

const sqlOf = (s: Prisma.Sql) => ({ text: s.text, values: s.values });
const q = (over: Partial<HistoryQuery>): HistoryQuery => ({ ...DEFAULT_QUERY, ...over });
const NAIVE_COLS = `id, workflow, description, status, verdict, error, created_at, duration_ms, total_tokens, llm_calls, tool_calls, tool_errors, models, agents`;

/** Our main SQL for a query (the first keyset region findJobs reads), for EXPLAIN. */
async function oursSql(query: HistoryQuery, cursor: { value: string | null; id: string } | null = null) {
  const where = whereSql(query, await searchTsquery(db(), query.q));
  return sqlOf(
    regionSql({
      sort: query.sort,
      desc: query.dir === "desc",
      region: cursor?.value === null ? "null" : "value",
      cursor,
      where,
      limit: query.size + 1,
    }),
  );
}

/** The cursor of row `offset` in an order, found once the slow way (what a reader gets after clicking Next 1,000 times). */
async function cursorAt(order: string, sortExpr: string, offset: number, where = "TRUE") {
  const { rows } = await client.query<{ v: string | null; id: string }>(
    `SELECT ${sortExpr}::text AS v, id FROM jobs WHERE ${where} ORDER BY ${order} OFFSET ${offset} LIMIT 1`,
  );
  return rows[0]!;
}

interface Row {
  name: string;
  ours: number;
  oursSql: number;
  naive: number | null;
  oursPlan: string[];
  naivePlan: string[];
}

async function runCases() {
  const results: Row[] = [];
  async function measure(
    name: string,
    ours: () => Promise<unknown>,
    oursExplain: { text: string; values: unknown[] } | null,
    naive: string | { text: string; values: unknown[] } | null,
  ) {
    const oursMs = await median(ours);
    const o = oursExplain ? await explain(oursExplain.text, oursExplain.values) : { ms: NaN, plan: [] };
    const n = naive === null ? null : typeof naive === "string" ? await explain(naive) : await explain(naive.text, naive.values);
    results.push({ name, ours: oursMs, oursSql: o.ms, naive: n?.ms ?? null, oursPlan: o.plan, naivePlan: n?.plan ?? [] });
    log(`  ${name}: ${oursMs.toFixed(1)} ms`);
  }
  log("\nMeasuring (median of 5, warm):");

  const first = q({});
  await measure(
    "first page (newest 50)",
    () => findJobs(db(), first),
    await oursSql(first),
    `SELECT ${NAIVE_COLS} FROM jobs ORDER BY created_at DESC, id DESC OFFSET 0 LIMIT 50`,
  );

  const deepAt = await cursorAt("created_at DESC, id DESC", "created_at", 1000 * 50 - 1);
  const deep = q({ after: encodeCursor({ value: deepAt.v, id: deepAt.id }) });
  await measure(
    "page 1,001 (after 50,000 rows)",
    () => findJobs(db(), deep),
    await oursSql(deep, { value: deepAt.v, id: deepAt.id }),
    `SELECT ${NAIVE_COLS} FROM jobs ORDER BY created_at DESC, id DESC OFFSET 50000 LIMIT 50`,
  );

  const filtered = q({ workflow: "patch-triage", verdict: "no", model: "gemini-3.6-flash", sort: "tokens", dir: "desc" });
  const naiveFilter = `workflow = 'patch-triage' AND results->>'WorthFuzzing' = 'false' AND models @> ARRAY['gemini-3.6-flash']`;
  await measure(
    "filtered + sorted (triage, verdict no, flash, by tokens)",
    () => findJobs(db(), filtered),
    await oursSql(filtered),
    `SELECT ${NAIVE_COLS} FROM jobs WHERE ${naiveFilter} ORDER BY total_tokens DESC, id DESC OFFSET 0 LIMIT 50`,
  );

  const fdAt = await cursorAt(
    "total_tokens DESC, id DESC",
    "total_tokens",
    100 * 50 - 1,
    "workflow = 'patch-triage' AND verdict = false AND models @> ARRAY['gemini-3.6-flash']",
  );
  const filteredDeep = { ...filtered, after: encodeCursor({ value: fdAt.v, id: fdAt.id }) };
  await measure(
    "filtered + sorted, page 101",
    () => findJobs(db(), filteredDeep),
    await oursSql(filteredDeep, { value: fdAt.v, id: fdAt.id }),
    `SELECT ${NAIVE_COLS} FROM jobs WHERE ${naiveFilter} ORDER BY total_tokens DESC, id DESC OFFSET 5000 LIMIT 50`,
  );

  const failedFlash = q({
    status: "failed",
    model: "gemini-3.6-flash",
    from: new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10),
  });
  await measure(
    "failed runs on flash this week",
    () => findJobs(db(), failedFlash),
    await oursSql(failedFlash),
    `SELECT ${NAIVE_COLS} FROM jobs WHERE status = 'failed' AND models @> ARRAY['gemini-3.6-flash'] AND created_at >= now() - interval '7 days' ORDER BY created_at DESC OFFSET 0 LIMIT 50`,
  );

  const durAt = await cursorAt("duration_ms ASC, id ASC", "duration_ms", 1000 * 50 - 1, "duration_ms IS NOT NULL");
  const durDeep = q({ sort: "duration", dir: "asc", after: encodeCursor({ value: durAt.v, id: durAt.id }) });
  await measure(
    "by duration, page 1,001",
    () => findJobs(db(), durDeep),
    await oursSql(durDeep, { value: durAt.v, id: durAt.id }),
    `SELECT ${NAIVE_COLS} FROM jobs ORDER BY duration_ms ASC NULLS LAST, id OFFSET 50000 LIMIT 50`,
  );

  const search = q({ q: "refcount xfs" });
  await measure(
    `search "refcount xfs"`,
    () => findJobs(db(), search),
    await oursSql(search),
    `SELECT ${NAIVE_COLS} FROM jobs WHERE concat_ws(' ', description, link, results->>'Reasoning', error) ILIKE '%refcount%' AND concat_ws(' ', description, link, results->>'Reasoning', error) ILIKE '%xfs%' ORDER BY created_at DESC OFFSET 0 LIMIT 50`,
  );

  const rare = q({ q: "btrfs_mmap_42" });
  await measure(
    `search "btrfs_mmap_42" (rare)`,
    () => findJobs(db(), rare),
    await oursSql(rare),
    `SELECT ${NAIVE_COLS} FROM jobs WHERE concat_ws(' ', description, link, results->>'Reasoning', error) ILIKE '%btrfs_mmap_42%' ORDER BY created_at DESC OFFSET 0 LIMIT 50`,
  );

  await measure(
    "count, no filter (estimate)",
    () => countJobs(db(), {}),
    { text: `SELECT reltuples FROM pg_class WHERE oid = 'jobs'::regclass`, values: [] },
    `SELECT count(*) FROM jobs`,
  );
  await measure(
    "count, filtered (planner estimate: > 50,000)",
    () => countJobs(db(), filtered),
    null,
    `SELECT count(*) FROM jobs WHERE ${naiveFilter}`,
  );
  await measure(
    "count, filtered (exact, from the rollups: failed on flash this week)",
    () => countJobs(db(), failedFlash),
    sqlOf(rollupCountSql(failedFlash)),
    `SELECT count(*) FROM jobs WHERE status = 'failed' AND models @> ARRAY['gemini-3.6-flash'] AND created_at >= '${failedFlash.from}'`,
  );
  // A filter the rollups do not key (the worker): counted exactly up to EXACT_COUNT_CAP within COUNT_COST_BUDGET, else the planner's estimate.
  const workerWeek = q({ worker: "syz-agent-3", status: "failed", from: failedFlash.from });
  await measure(
    "count, filtered (not in the rollups: one worker's failed runs this week)",
    () => countJobs(db(), workerWeek),
    cappedCountSql(whereSql(workerWeek, null)),
    `SELECT count(*) FROM jobs WHERE agent_name = 'syz-agent-3' AND status = 'failed' AND created_at >= '${failedFlash.from}'`,
  );

  const day = 86_400_000;
  const trendEnd = new Date(Date.parse(new Date().toISOString().slice(0, 10)) + day);
  const trendStart = new Date(trendEnd.getTime() - 30 * day);
  // Ours reads the per-day rollups (job_days, job_day_models); naive: the same figures from every matching run.
  const naiveTrends = (f: HistoryFilters) => sqlOf(trendsSql(whereSql(f, null), trendStart, trendEnd, RUNS));
  await measure("trends, 30 days, no filter", () => jobTrends(db(), {}), sqlOf(rollupTrendsSql({}, trendStart, trendEnd)), naiveTrends({}));
  const triageFlash = { workflow: "patch-triage", model: "gemini-3.6-flash" };
  await measure(
    "trends, 30 days, triage on flash",
    () => jobTrends(db(), triageFlash),
    sqlOf(rollupTrendsSql(triageFlash, trendStart, trendEnd)),
    naiveTrends(triageFlash),
  );
  const failedErrors = { status: "failed" as const, errors: "yes" as const };
  await measure(
    "trends, 30 days, failed with errors",
    () => jobTrends(db(), failedErrors),
    sqlOf(rollupTrendsSql(failedErrors, trendStart, trendEnd)),
    naiveTrends(failedErrors),
  );
  // A filter the rollups do not key (an agent): the newest EXACT_COUNT_CAP matching runs, said so on the chart.
  const kmsan = { agent: "kmsan-evaluator" };
  await measure(
    `trends, 30 days, agent kmsan-evaluator (newest ${EXACT_COUNT_CAP.toLocaleString("en-US")} runs)`,
    () => jobTrends(db(), kmsan),
    sqlOf(trendsSql(whereSql(kmsan, null), trendStart, trendEnd, EXACT_COUNT_CAP)),
    naiveTrends(kmsan),
  );
  // The rollups agree with the runs: the bench fails loudly if the triggers' sums drifted from a scan.
  for (const f of [{}, triageFlash, failedErrors, { rerun: "yes", review: "unreviewed" }] as HistoryFilters[]) {
    const scan = naiveTrends(f);
    const roll = sqlOf(rollupTrendsSql(f, trendStart, trendEnd));
    const [a, b] = await Promise.all([client.query(scan.text, scan.values), client.query(roll.text, roll.values)]);
    const key = (r: { day: string; runs: number; yes: number; failed: number }) => `${r.day}:${r.runs}:${r.yes}:${r.failed}`;
    if (a.rows.map(key).join() !== b.rows.map(key).join()) throw new Error(`rollup trends differ from a scan for ${JSON.stringify(f)}`);
  }
  log("  rollup trends equal a scan of the runs (runs, yes, failed per day)");
  await measure("filter menus (newest 5,000 runs)", () => historyFacets(db()), null, null);

  printTable(results);
}

/** The capped count countJobs runs first. */
function cappedCountSql(where: Prisma.Sql) {
  return { text: `SELECT count(*) FROM (SELECT 1 FROM jobs WHERE ${where.text} LIMIT ${EXACT_COUNT_CAP + 1}) m`, values: where.values };
}

function printTable(rows: Row[]) {
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (v: number | null) => (v == null || Number.isNaN(v) ? "—" : v.toFixed(1)).padStart(9);
  log(`\n${pad("case", 58)}${"ours ms".padStart(9)}${"SQL ms".padStart(9)}${"naive ms".padStart(9)}${"ratio".padStart(8)}`);
  for (const r of rows) {
    const ratio = r.naive == null || Number.isNaN(r.oursSql) ? "—" : `${(r.naive / Math.max(r.oursSql, 0.01)).toFixed(0)}×`;
    log(`${pad(r.name, 58)}${num(r.ours)}${num(r.oursSql)}${num(r.naive)}${ratio.padStart(8)}`);
  }
  log(
    `\nours ms: findJobs/countJobs/jobTrends end to end through Prisma (all their queries); SQL ms: EXPLAIN ANALYZE of the main statement;`,
  );
  log(`naive: the same rows with OFFSET / ILIKE / count(*), or trends from every matching run. Target: every page under 50 ms.`);
  for (const r of rows) {
    if (!r.oursPlan.length && !r.naivePlan.length) continue;
    log(`\n== ${r.name}\n-- ours:\n${r.oursPlan.slice(0, 12).join("\n")}`);
    if (r.naivePlan.length) log(`-- naive:\n${r.naivePlan.slice(0, 12).join("\n")}`);
  }
}

// Last, so that every helper above is initialised before the top-level await runs.
const database = await resolveDatabase({ throwaway: true });
const client = new pg.Client(database.url);
try {
  log(`PostgreSQL: ${database.source}`);
  await applyMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  await client.connect();
  log(`Loading ${RUNS.toLocaleString("en-US")} runs…`);
  await loadRuns(client, RUNS, log);
  await runCases();
} finally {
  await client.end().catch(() => {});
  await disconnectDb();
  await database.stop();
}
log(`\nbench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
