// Every SQL statement of experiments: which runs a selection picks, the experiment rows, and the (original, rerun)
// pairs an experiment's page and export are computed from. User input is always a bound parameter.
import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { filterWhere } from "@/lib/history/list";
import type { HistoryFilters } from "@/lib/history/query";
import { RERUNNABLE_STATUSES } from "@/lib/runs/status";
import { EXPERIMENT_LIST_ITEMS, LIST_FIELDS, type Pair, type RunFacts } from "@/lib/experiments/analysis";

const { sql } = Prisma;

/** How the runs were chosen: the history's filters (the URL's), or runs ticked in the table. */
export type Selection = { filters: HistoryFilters } | { ids: string[] };

async function selectionWhere(db: Db, selection: Selection): Promise<Prisma.Sql> {
  return "ids" in selection ? sql`id = ANY(${selection.ids}::uuid[])` : filterWhere(db, selection.filters);
}

export interface SelectionCount {
  /** runs that can be rerun (ended) */
  runs: number;
  /** runs the selection matches that are still pending or running, left out */
  notEnded: number;
}

/** Counts what a selection matches, up to `cap + 1` rerunnable runs (more is "too many" whatever the number). */
export async function countSelection(db: Db, selection: Selection, cap: number): Promise<SelectionCount> {
  const where = await selectionWhere(db, selection);
  const [row] = await db.$queryRaw<{ runs: number; notEnded: number }[]>(sql`
    SELECT (SELECT count(*)::int FROM (SELECT 1 FROM jobs WHERE ${where} AND status::text = ANY(${RERUNNABLE_STATUSES}::text[]) LIMIT ${cap + 1}) r) AS runs,
           (SELECT count(*)::int FROM (SELECT 1 FROM jobs WHERE ${where} AND status IN ('pending', 'running') LIMIT ${cap + 1}) n) AS "notEnded"`);
  return row ?? { runs: 0, notEnded: 0 };
}

/** The newest `limit` rerunnable runs of a selection, newest first. */
export async function selectedRunIds(db: Db, selection: Selection, limit: number): Promise<string[]> {
  const where = await selectionWhere(db, selection);
  const rows = await db.$queryRaw<{ id: string }[]>(sql`
    SELECT id::text FROM jobs WHERE ${where} AND status::text = ANY(${RERUNNABLE_STATUSES}::text[])
    ORDER BY created_at DESC, id DESC LIMIT ${limit}`);
  return rows.map((r) => r.id);
}

export interface OriginalTotals {
  inputTokens: number;
  outputTokens: number;
  thoughtsTokens: number;
  /** the originals' own cost (USD of their priced spans) */
  costUsd: number | null;
  /** originals whose cost is partial or unknown */
  costPartialRuns: number;
  /** originals that spent tokens */
  withTokens: number;
}

/** Token and cost sums of runs, for the estimate. */
export async function originalTotals(db: Pick<Db, "$queryRaw">, ids: readonly string[]): Promise<OriginalTotals> {
  const [row] = await db.$queryRaw<OriginalTotals[]>`
    SELECT coalesce(sum(input_tokens), 0)::float8 AS "inputTokens", coalesce(sum(output_tokens), 0)::float8 AS "outputTokens",
      coalesce(sum(thoughts_tokens), 0)::float8 AS "thoughtsTokens", round(sum(cost_usd)::numeric, 9)::float8 AS "costUsd",
      (count(*) FILTER (WHERE total_tokens > 0 AND (cost_usd IS NULL OR cost_unpriced > 0)))::int AS "costPartialRuns",
      (count(*) FILTER (WHERE total_tokens > 0))::int AS "withTokens"
    FROM jobs WHERE id = ANY(${ids}::uuid[])`;
  return row!;
}

export interface ExperimentRow {
  id: string;
  name: string;
  note: string;
  setup: string;
  setupKind: string;
  selection: unknown;
  runCount: number;
  estimateUsd: number | null;
  estimatePartial: boolean;
  createdByLabel: string;
  createdAt: Date;
}

export interface ExperimentListRow extends ExperimentRow {
  queued: number;
  running: number;
  done: number;
  failed: number;
}

const EXPERIMENT_COLUMNS = sql`e.id::text AS id, e.name, e.note, e.setup, e.setup_kind AS "setupKind", e.selection, e.run_count AS "runCount",
  e.estimate_usd AS "estimateUsd", e.estimate_partial AS "estimatePartial", e.created_by_label AS "createdByLabel", e.created_at AS "createdAt"`;

export async function getExperiment(db: Db, id: string): Promise<ExperimentRow | null> {
  const rows = await db.$queryRaw<ExperimentRow[]>(sql`SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE e.id = ${id}::uuid`);
  return rows[0] ?? null;
}

/** Experiments newest first (at most `limit`), with their reruns counted by state (jobs_experiment_id_status_idx). */
export async function listExperiments(db: Db, limit = 200): Promise<ExperimentListRow[]> {
  return db.$queryRaw<ExperimentListRow[]>(sql`
    SELECT ${EXPERIMENT_COLUMNS},
      (count(j.id) FILTER (WHERE j.status = 'pending' OR j.requeued))::int AS queued,
      (count(j.id) FILTER (WHERE j.status = 'running'))::int AS running,
      (count(j.id) FILTER (WHERE j.status = 'finished'))::int AS done,
      (count(j.id) FILTER (WHERE j.status NOT IN ('pending', 'running', 'finished') AND NOT j.requeued))::int AS failed
    FROM (SELECT * FROM experiments ORDER BY created_at DESC, id DESC LIMIT ${limit}) e
    -- An aborted rerun whose clone took its place (lib/agents/abort.ts) counts as queued again, not failed.
    LEFT JOIN LATERAL (SELECT x.id, x.status, x.status = 'aborted' AND EXISTS (SELECT 1 FROM jobs c WHERE c.rerun_of_id = x.id) AS requeued
                       FROM jobs x WHERE x.experiment_id = e.id) j ON TRUE
    GROUP BY e.id, e.name, e.note, e.setup, e.setup_kind, e.selection, e.run_count, e.estimate_usd, e.estimate_partial, e.created_by_label, e.created_at
    ORDER BY e.created_at DESC, e.id DESC`);
}

/** Items of a list field (FocusSymbols, EnableConfigs) an experiment compares: lib/experiments/analysis.ts. */
export { EXPERIMENT_LIST_ITEMS };

/** A list field's value of one side, read once per row (OFFSET 0 keeps PostgreSQL from re-reading it per use). */
const listColumn = (t: "o" | "r", field: string) => Prisma.raw(`"${t}_list_${field}"`);

/** The items of a JSON list as stored (null when the value is not a list). */
const listCount = (v: Prisma.Sql) => sql`CASE WHEN json_typeof(${v}) = 'array' THEN json_array_length(${v}) END`;

/**
 * The Jaccard index (lib/experiments/analysis.ts jaccard: distinct strings, two empty lists agree fully) of two JSON
 * lists' first EXPERIMENT_LIST_ITEMS items, computed by PostgreSQL: only the number crosses to the app, never the
 * lists (1,000 pairs of such lists held the event loop for their parse). Null when either is not a list.
 */
const listJaccard = (a: Prisma.Sql, b: Prisma.Sql) => sql`CASE WHEN json_typeof(${a}) = 'array' AND json_typeof(${b}) = 'array' THEN (
    SELECT CASE WHEN count(*) = 0 THEN 1 ELSE (count(*) FILTER (WHERE in_a AND in_b))::float8 / count(*) END
    FROM (SELECT e, bool_or(side) AS in_a, bool_or(NOT side) AS in_b FROM (
        SELECT x.v #>> '{}' AS e, true AS side FROM json_array_elements(${a}) WITH ORDINALITY AS x(v, i)
        WHERE x.i <= ${EXPERIMENT_LIST_ITEMS} AND json_typeof(x.v) = 'string'
        UNION ALL
        SELECT y.v #>> '{}', false FROM json_array_elements(${b}) WITH ORDINALITY AS y(v, i)
        WHERE y.i <= ${EXPERIMENT_LIST_ITEMS} AND json_typeof(y.v) = 'string') u
      GROUP BY e) g) END`;

/** One side's columns, prefixed (o_id, r_status, …): flat columns read much faster than a JSON object per row. */
const FACT_COLUMNS = (t: "o" | "r") => {
  const a = Prisma.raw(t);
  const p = (name: string) => Prisma.raw(`"${t}_${name}"`);
  const counts = LIST_FIELDS.map((f) => sql`${listCount(sql`v.${listColumn(t, f)}`)} AS ${p(f)}`);
  return sql`${a}.id::text AS ${p("id")}, ${a}.status::text AS ${p("status")}, ${a}.verdict AS ${p("verdict")}, ${Prisma.join(counts)},
    ${a}.total_tokens::float8 AS ${p("totalTokens")}, ${a}.cost_usd AS ${p("costUsd")}, ${a}.cost_unpriced AS ${p("costUnpriced")},
    ${a}.duration_ms::float8 AS ${p("durationMs")}, ${a}.started_at AS ${p("startedAt")}, ${a}.finished_at AS ${p("finishedAt")},
    left(${a}.error, 300) AS ${p("error")}`;
};

/** Each side's list fields, read once per pair. */
const LIST_VALUES = sql`CROSS JOIN LATERAL (SELECT ${Prisma.join(
  LIST_FIELDS.flatMap((f) => [sql`o.results -> ${f} AS ${listColumn("o", f)}`, sql`r.results -> ${f} AS ${listColumn("r", f)}`]),
)} OFFSET 0) v`;

/** The pair's Jaccard index of each list field, as "j_<field>". */
const JACCARD_COLUMNS = Prisma.join(
  LIST_FIELDS.map((f) => sql`${listJaccard(sql`v.${listColumn("o", f)}`, sql`v.${listColumn("r", f)}`)} AS ${Prisma.raw(`"j_${f}"`)}`),
);

type FlatRow = { workflow: string; description: string; originalCorrect: boolean | null; rerunCorrect: boolean | null } & Record<
  string,
  unknown
>;

function factsOf(row: FlatRow, t: "o" | "r"): RunFacts {
  const f = (k: string) => row[`${t}_${k}`];
  const time = (v: unknown) => (v instanceof Date ? v.toISOString() : null);
  return {
    id: f("id") as string,
    status: f("status") as string,
    verdict: f("verdict") as boolean | null,
    lists: Object.fromEntries(LIST_FIELDS.map((l) => [l, f(l) as number | null])),
    totalTokens: f("totalTokens") as number,
    costUsd: f("costUsd") as number | null,
    costUnpriced: f("costUnpriced") as number,
    durationMs: f("durationMs") as number | null,
    startedAt: time(f("startedAt")),
    finishedAt: time(f("finishedAt")),
    error: f("error") as string | null,
  };
}

/**
 * The experiment's pairs, newest original first. A rerun the app aborted (its agent went silent) was cloned as a rerun
 * of the aborted job (lib/agents/abort.ts): the pair follows that chain to its latest attempt.
 */
export async function experimentPairs(db: Db, experimentId: string): Promise<Pair[]> {
  const rows = await db.$queryRaw<FlatRow[]>(sql`
    WITH RECURSIVE attempt AS (
      -- Each rerun the experiment queued is a slot; its original is the run it reruns (looked up by primary key: an
      -- anti-join on experiment_id would rescan the experiment for every row).
      SELECT j.id AS slot, j.rerun_of_id AS original, j.id, j.status, 0 AS depth
      FROM jobs j LEFT JOIN jobs p ON p.id = j.rerun_of_id
      WHERE j.experiment_id = ${experimentId}::uuid AND p.experiment_id IS DISTINCT FROM ${experimentId}::uuid
      UNION ALL
      SELECT a.slot, a.original, c.id, c.status, a.depth + 1 FROM attempt a JOIN jobs c ON c.rerun_of_id = a.id
      WHERE a.status = 'aborted' AND a.depth < 20
    ), latest AS (
      SELECT DISTINCT ON (slot) slot, original, id FROM attempt ORDER BY slot, depth DESC, id
    )
    SELECT o.workflow, left(o.description, 1000) AS description, o.correct AS "originalCorrect", r.correct AS "rerunCorrect",
      ${FACT_COLUMNS("o")}, ${FACT_COLUMNS("r")}, ${JACCARD_COLUMNS}
    FROM latest l JOIN jobs o ON o.id = l.original JOIN jobs r ON r.id = l.id ${LIST_VALUES}
    ORDER BY o.created_at DESC, o.id DESC`);
  return rows.map((row) => ({
    workflow: row.workflow,
    description: row.description,
    originalCorrect: row.originalCorrect,
    rerunCorrect: row.rerunCorrect,
    listJaccard: Object.fromEntries(LIST_FIELDS.map((f) => [f, row[`j_${f}`] as number | null])),
    original: factsOf(row, "o"),
    rerun: factsOf(row, "r"),
  }));
}

/** Creates the experiment row in the caller's transaction. */
export async function insertExperiment(
  tx: Prisma.TransactionClient,
  e: Omit<ExperimentRow, "createdAt" | "createdByLabel" | "selection"> & {
    selection: Prisma.InputJsonValue;
    createdById: string | null;
    createdByLabel: string;
  },
): Promise<void> {
  await tx.experiment.create({
    data: {
      id: e.id,
      name: e.name,
      note: e.note,
      setup: e.setup,
      setupKind: e.setupKind,
      selection: e.selection,
      runCount: e.runCount,
      estimateUsd: e.estimateUsd,
      estimatePartial: e.estimatePartial,
      createdById: e.createdById,
      createdByLabel: e.createdByLabel,
    },
  });
}
