-- CreateTable
CREATE TABLE "workflow_polls" (
    "workflow" TEXT NOT NULL,
    "last_polled_at" TIMESTAMPTZ(6) NOT NULL,
    "agent_name" TEXT NOT NULL,

    CONSTRAINT "workflow_polls_pkey" PRIMARY KEY ("workflow")
);

-- CreateTable
CREATE TABLE "job_days" (
    "day" DATE NOT NULL,
    "workflow" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL,
    "verdict" SMALLINT NOT NULL,
    "runs" INTEGER NOT NULL DEFAULT 0,
    "tokens" DECIMAL NOT NULL DEFAULT 0,
    "duration_sum" DECIMAL NOT NULL DEFAULT 0,
    "duration_runs" INTEGER NOT NULL DEFAULT 0,
    "cost_sum" DECIMAL NOT NULL DEFAULT 0,
    "cost_runs" INTEGER NOT NULL DEFAULT 0,
    "cost_partial_runs" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "job_days_pkey" PRIMARY KEY ("day","workflow","status","verdict")
);

-- CreateTable
CREATE TABLE "job_day_models" (
    "day" DATE NOT NULL,
    "model" TEXT NOT NULL,
    "workflow" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL,
    "verdict" SMALLINT NOT NULL,
    "runs" INTEGER NOT NULL DEFAULT 0,
    "tokens" DECIMAL NOT NULL DEFAULT 0,
    "duration_sum" DECIMAL NOT NULL DEFAULT 0,
    "duration_runs" INTEGER NOT NULL DEFAULT 0,
    "cost_sum" DECIMAL NOT NULL DEFAULT 0,
    "cost_runs" INTEGER NOT NULL DEFAULT 0,
    "cost_partial_runs" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "job_day_models_pkey" PRIMARY KEY ("model","day","workflow","status","verdict")
);

-- The history's trends per day (lib/history/stats.ts jobTrends) read these rollups instead of every run of the window:
-- 826 ms for 30 days at a million runs became a few ms. Statement triggers keep them in the writing transaction, from
-- the transition tables: one aggregate per statement whatever it touched (an import of 10,000 runs, a COPY), and an
-- update that changes none of the counted columns (last_seen_at, a review mark) adds only zero deltas, which are skipped.
-- Keys are upserted in key order, so two transactions never take the same rows' locks in opposite orders.
CREATE FUNCTION job_days_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
      INSERT INTO job_days AS t (day, workflow, status, verdict, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
      SELECT * FROM per_day
      WHERE runs <> 0 OR tokens <> 0 OR duration_sum <> 0 OR duration_runs <> 0 OR cost_sum <> 0 OR cost_runs <> 0 OR cost_partial_runs <> 0
      ORDER BY day, workflow, status, verdict
      ON CONFLICT (day, workflow, status, verdict) DO UPDATE SET runs = t.runs + excluded.runs, tokens = t.tokens + excluded.tokens,
        duration_sum = t.duration_sum + excluded.duration_sum, duration_runs = t.duration_runs + excluded.duration_runs,
        cost_sum = t.cost_sum + excluded.cost_sum, cost_runs = t.cost_runs + excluded.cost_runs,
        cost_partial_runs = t.cost_partial_runs + excluded.cost_partial_runs
      RETURNING 1
    )
    INSERT INTO job_day_models AS t (day, model, workflow, status, verdict, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
    SELECT * FROM per_model
    WHERE runs <> 0 OR tokens <> 0 OR duration_sum <> 0 OR duration_runs <> 0 OR cost_sum <> 0 OR cost_runs <> 0 OR cost_partial_runs <> 0
    ORDER BY model, day, workflow, status, verdict
    ON CONFLICT (model, day, workflow, status, verdict) DO UPDATE SET runs = t.runs + excluded.runs, tokens = t.tokens + excluded.tokens,
      duration_sum = t.duration_sum + excluded.duration_sum, duration_runs = t.duration_runs + excluded.duration_runs,
      cost_sum = t.cost_sum + excluded.cost_sum, cost_runs = t.cost_runs + excluded.cost_runs,
      cost_partial_runs = t.cost_partial_runs + excluded.cost_partial_runs
  $q$, src);
  RETURN NULL;
END
$fn$;

CREATE TRIGGER job_days_insert AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION job_days_apply();
CREATE TRIGGER job_days_update AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION job_days_apply();
CREATE TRIGGER job_days_delete AFTER DELETE ON jobs REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION job_days_apply();

-- The runs stored before the rollups existed.
INSERT INTO job_days (day, workflow, status, verdict, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
SELECT (created_at AT TIME ZONE 'UTC')::date, workflow, status, (CASE WHEN verdict THEN 1 WHEN verdict = false THEN 0 ELSE -1 END)::smallint,
  count(*), sum(total_tokens), coalesce(sum(duration_ms), 0), count(duration_ms), coalesce(sum(cost_usd::numeric), 0), count(cost_usd),
  count(*) FILTER (WHERE total_tokens > 0 AND (cost_usd IS NULL OR cost_unpriced > 0))
FROM jobs GROUP BY 1, 2, 3, 4;
INSERT INTO job_day_models (day, model, workflow, status, verdict, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
SELECT (created_at AT TIME ZONE 'UTC')::date, m, workflow, status, (CASE WHEN verdict THEN 1 WHEN verdict = false THEN 0 ELSE -1 END)::smallint,
  count(*), sum(total_tokens), coalesce(sum(duration_ms), 0), count(duration_ms), coalesce(sum(cost_usd::numeric), 0), count(cost_usd),
  count(*) FILTER (WHERE total_tokens > 0 AND (cost_usd IS NULL OR cost_unpriced > 0))
FROM jobs, unnest(models) AS m GROUP BY 1, 2, 3, 4, 5;
