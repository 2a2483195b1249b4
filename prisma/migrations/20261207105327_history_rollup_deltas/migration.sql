-- CreateTable
CREATE TABLE "job_day_deltas" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "workflow" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL,
    "verdict" SMALLINT NOT NULL,
    "runs" INTEGER NOT NULL,
    "tokens" DECIMAL NOT NULL,
    "duration_sum" DECIMAL NOT NULL,
    "duration_runs" INTEGER NOT NULL,
    "cost_sum" DECIMAL NOT NULL,
    "cost_runs" INTEGER NOT NULL,
    "cost_partial_runs" INTEGER NOT NULL,

    CONSTRAINT "job_day_deltas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_day_model_deltas" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "model" TEXT NOT NULL,
    "workflow" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL,
    "verdict" SMALLINT NOT NULL,
    "runs" INTEGER NOT NULL,
    "tokens" DECIMAL NOT NULL,
    "duration_sum" DECIMAL NOT NULL,
    "duration_runs" INTEGER NOT NULL,
    "cost_sum" DECIMAL NOT NULL,
    "cost_runs" INTEGER NOT NULL,
    "cost_partial_runs" INTEGER NOT NULL,

    CONSTRAINT "job_day_model_deltas_pkey" PRIMARY KEY ("id")
);

-- The jobs triggers now append each statement's change to the deltas tables instead of upserting job_days in the
-- writing transaction. The upsert took the row lock of the (day, workflow, status, verdict) every running job shares
-- and held it to commit: concurrent writers of runs (OTLP requests of eight exporters, say) waited on one another, and
-- a transaction whose statements touched two keys in turn deadlocked with another doing the same in the other order
-- (PostgreSQL then aborts one: a 500 after three tries). An insert takes no row lock.
CREATE OR REPLACE FUNCTION job_days_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  cols text := 'created_at, workflow, status, verdict, total_tokens, duration_ms, cost_usd, cost_unpriced, models';
  src text;
BEGIN
  src := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT 1 AS sign, %s FROM new_rows', cols)
    WHEN 'DELETE' THEN format('SELECT -1 AS sign, %s FROM old_rows', cols)
    ELSE format('SELECT 1 AS sign, %1$s FROM new_rows UNION ALL SELECT -1 AS sign, %1$s FROM old_rows', cols)
  END;
  EXECUTE format($q$
    WITH d AS (
      SELECT sign, (created_at AT TIME ZONE 'UTC')::date AS day, workflow, status,
        (CASE WHEN verdict THEN 1 WHEN verdict = false THEN 0 ELSE -1 END)::smallint AS verdict,
        sign * total_tokens AS tokens, sign * duration_ms AS duration, CASE WHEN duration_ms IS NOT NULL THEN sign ELSE 0 END AS duration_runs,
        (sign * cost_usd)::numeric AS cost, CASE WHEN cost_usd IS NOT NULL THEN sign ELSE 0 END AS cost_runs,
        CASE WHEN total_tokens > 0 AND (cost_usd IS NULL OR cost_unpriced > 0) THEN sign ELSE 0 END AS partial, models
      FROM (%s) AS x
    ), per_day AS (
      SELECT day, workflow, status, verdict, sum(sign)::int AS runs, sum(tokens) AS tokens, coalesce(sum(duration), 0) AS duration_sum,
        sum(duration_runs)::int AS duration_runs, coalesce(sum(cost), 0) AS cost_sum, sum(cost_runs)::int AS cost_runs,
        sum(partial)::int AS cost_partial_runs
      FROM d GROUP BY day, workflow, status, verdict
    ), per_model AS (
      SELECT day, m AS model, workflow, status, verdict, sum(sign)::int AS runs, sum(tokens) AS tokens,
        coalesce(sum(duration), 0) AS duration_sum, sum(duration_runs)::int AS duration_runs, coalesce(sum(cost), 0) AS cost_sum,
        sum(cost_runs)::int AS cost_runs, sum(partial)::int AS cost_partial_runs
      FROM d, unnest(models) AS m GROUP BY day, m, workflow, status, verdict
    ), days AS (
      INSERT INTO job_day_deltas (day, workflow, status, verdict, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
      SELECT * FROM per_day
      WHERE runs <> 0 OR tokens <> 0 OR duration_sum <> 0 OR duration_runs <> 0 OR cost_sum <> 0 OR cost_runs <> 0 OR cost_partial_runs <> 0
      RETURNING 1
    )
    INSERT INTO job_day_model_deltas (day, model, workflow, status, verdict, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
    SELECT * FROM per_model
    WHERE runs <> 0 OR tokens <> 0 OR duration_sum <> 0 OR duration_runs <> 0 OR cost_sum <> 0 OR cost_runs <> 0 OR cost_partial_runs <> 0
  $q$, src);
  RETURN NULL;
END
$fn$;

-- Folds the committed deltas into job_days and job_day_models, in one transaction (readers see the figures before or
-- after, never half). One compaction at a time (a transaction-level advisory lock; another caller returns 0 at once),
-- so the upserts' row locks meet no one: writers of runs only insert deltas. Keys are upserted in key order. Returns
-- how many delta rows it moved.
CREATE FUNCTION job_days_compact() RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  moved integer := 0;
  n integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(7314250002) THEN
    RETURN 0;
  END IF;
  WITH gone AS (DELETE FROM job_day_deltas RETURNING *), per_day AS (
    SELECT day, workflow, status, verdict, sum(runs)::int AS runs, sum(tokens) AS tokens, sum(duration_sum) AS duration_sum,
      sum(duration_runs)::int AS duration_runs, sum(cost_sum) AS cost_sum, sum(cost_runs)::int AS cost_runs,
      sum(cost_partial_runs)::int AS cost_partial_runs, count(*) AS folded
    FROM gone GROUP BY day, workflow, status, verdict
  ), up AS (
    INSERT INTO job_days AS t (day, workflow, status, verdict, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
    SELECT day, workflow, status, verdict, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs
    FROM per_day ORDER BY day, workflow, status, verdict
    ON CONFLICT (day, workflow, status, verdict) DO UPDATE SET runs = t.runs + excluded.runs, tokens = t.tokens + excluded.tokens,
      duration_sum = t.duration_sum + excluded.duration_sum, duration_runs = t.duration_runs + excluded.duration_runs,
      cost_sum = t.cost_sum + excluded.cost_sum, cost_runs = t.cost_runs + excluded.cost_runs,
      cost_partial_runs = t.cost_partial_runs + excluded.cost_partial_runs
    RETURNING 1
  )
  SELECT coalesce(sum(folded), 0)::int INTO n FROM per_day;
  moved := moved + n;
  WITH gone AS (DELETE FROM job_day_model_deltas RETURNING *), per_model AS (
    SELECT day, model, workflow, status, verdict, sum(runs)::int AS runs, sum(tokens) AS tokens, sum(duration_sum) AS duration_sum,
      sum(duration_runs)::int AS duration_runs, sum(cost_sum) AS cost_sum, sum(cost_runs)::int AS cost_runs,
      sum(cost_partial_runs)::int AS cost_partial_runs, count(*) AS folded
    FROM gone GROUP BY day, model, workflow, status, verdict
  ), up AS (
    INSERT INTO job_day_models AS t (day, model, workflow, status, verdict, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
    SELECT day, model, workflow, status, verdict, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs
    FROM per_model ORDER BY model, day, workflow, status, verdict
    ON CONFLICT (model, day, workflow, status, verdict) DO UPDATE SET runs = t.runs + excluded.runs, tokens = t.tokens + excluded.tokens,
      duration_sum = t.duration_sum + excluded.duration_sum, duration_runs = t.duration_runs + excluded.duration_runs,
      cost_sum = t.cost_sum + excluded.cost_sum, cost_runs = t.cost_runs + excluded.cost_runs,
      cost_partial_runs = t.cost_partial_runs + excluded.cost_partial_runs
    RETURNING 1
  )
  SELECT coalesce(sum(folded), 0)::int INTO n FROM per_model;
  RETURN moved + n;
END
$fn$;
