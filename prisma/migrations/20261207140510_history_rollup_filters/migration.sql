-- The history's per-day rollups get three more keys, so that the trends and counts under the "errors", "rerun" and
-- "review" filters read a few hundred rollup rows instead of scanning every run of the window (bench:history at ten
-- million runs: trends of "failed with errors" took 953 ms by a scan).
--   errors: the run has an error or a tool error (error IS NOT NULL OR tool_errors > 0), as lib/history/sql.ts whereSql
--   rerun:  the run is a rerun (rerun_of_id IS NOT NULL)
--   review: 1 correct, 0 incorrect, -1 unreviewed (jobs.correct)
-- Writers of runs wait while this migration rebuilds the rollups: a run written meanwhile by the old trigger would be
-- counted under the old keys (no errors, no rerun, unreviewed) and never moved.
LOCK TABLE jobs IN SHARE ROW EXCLUSIVE MODE;

-- AlterTable
ALTER TABLE "job_day_deltas" ADD COLUMN     "errors" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rerun" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "review" SMALLINT NOT NULL DEFAULT -1;

-- AlterTable
ALTER TABLE "job_day_model_deltas" ADD COLUMN     "errors" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rerun" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "review" SMALLINT NOT NULL DEFAULT -1;

-- AlterTable
ALTER TABLE "job_day_models" DROP CONSTRAINT "job_day_models_pkey",
ADD COLUMN     "errors" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rerun" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "review" SMALLINT NOT NULL DEFAULT -1,
ADD CONSTRAINT "job_day_models_pkey" PRIMARY KEY ("model", "day", "workflow", "status", "verdict", "errors", "rerun", "review");

-- AlterTable
ALTER TABLE "job_days" DROP CONSTRAINT "job_days_pkey",
ADD COLUMN     "errors" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rerun" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "review" SMALLINT NOT NULL DEFAULT -1,
ADD CONSTRAINT "job_days_pkey" PRIMARY KEY ("day", "workflow", "status", "verdict", "errors", "rerun", "review");

CREATE OR REPLACE FUNCTION job_days_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  cols text := 'created_at, workflow, status, verdict, error, tool_errors, rerun_of_id, correct, total_tokens, duration_ms, cost_usd, cost_unpriced, models';
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
        (error IS NOT NULL OR tool_errors > 0) AS errors, rerun_of_id IS NOT NULL AS rerun,
        (CASE WHEN correct THEN 1 WHEN correct = false THEN 0 ELSE -1 END)::smallint AS review,
        sign * total_tokens AS tokens, sign * duration_ms AS duration, CASE WHEN duration_ms IS NOT NULL THEN sign ELSE 0 END AS duration_runs,
        (sign * cost_usd)::numeric AS cost, CASE WHEN cost_usd IS NOT NULL THEN sign ELSE 0 END AS cost_runs,
        CASE WHEN total_tokens > 0 AND (cost_usd IS NULL OR cost_unpriced > 0) THEN sign ELSE 0 END AS partial, models
      FROM (%s) AS x
    ), per_day AS (
      SELECT day, workflow, status, verdict, errors, rerun, review, sum(sign)::int AS runs, sum(tokens) AS tokens,
        coalesce(sum(duration), 0) AS duration_sum, sum(duration_runs)::int AS duration_runs, coalesce(sum(cost), 0) AS cost_sum,
        sum(cost_runs)::int AS cost_runs, sum(partial)::int AS cost_partial_runs
      FROM d GROUP BY day, workflow, status, verdict, errors, rerun, review
    ), per_model AS (
      SELECT day, m AS model, workflow, status, verdict, errors, rerun, review, sum(sign)::int AS runs, sum(tokens) AS tokens,
        coalesce(sum(duration), 0) AS duration_sum, sum(duration_runs)::int AS duration_runs, coalesce(sum(cost), 0) AS cost_sum,
        sum(cost_runs)::int AS cost_runs, sum(partial)::int AS cost_partial_runs
      FROM d, unnest(models) AS m GROUP BY day, m, workflow, status, verdict, errors, rerun, review
    ), days AS (
      INSERT INTO job_day_deltas (day, workflow, status, verdict, errors, rerun, review, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
      SELECT * FROM per_day
      WHERE runs <> 0 OR tokens <> 0 OR duration_sum <> 0 OR duration_runs <> 0 OR cost_sum <> 0 OR cost_runs <> 0 OR cost_partial_runs <> 0
      RETURNING 1
    )
    INSERT INTO job_day_model_deltas (day, model, workflow, status, verdict, errors, rerun, review, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
    SELECT * FROM per_model
    WHERE runs <> 0 OR tokens <> 0 OR duration_sum <> 0 OR duration_runs <> 0 OR cost_sum <> 0 OR cost_runs <> 0 OR cost_partial_runs <> 0
  $q$, src);
  RETURN NULL;
END
$fn$;

-- As before (*_history_rollup_deltas), with the three new keys.
CREATE OR REPLACE FUNCTION job_days_compact() RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  moved integer := 0;
  n integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(7314250002) THEN
    RETURN 0;
  END IF;
  WITH gone AS (DELETE FROM job_day_deltas RETURNING *), per_day AS (
    SELECT day, workflow, status, verdict, errors, rerun, review, sum(runs)::int AS runs, sum(tokens) AS tokens,
      sum(duration_sum) AS duration_sum, sum(duration_runs)::int AS duration_runs, sum(cost_sum) AS cost_sum,
      sum(cost_runs)::int AS cost_runs, sum(cost_partial_runs)::int AS cost_partial_runs, count(*) AS folded
    FROM gone GROUP BY day, workflow, status, verdict, errors, rerun, review
  ), up AS (
    INSERT INTO job_days AS t (day, workflow, status, verdict, errors, rerun, review, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
    SELECT day, workflow, status, verdict, errors, rerun, review, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs
    FROM per_day ORDER BY day, workflow, status, verdict, errors, rerun, review
    ON CONFLICT (day, workflow, status, verdict, errors, rerun, review) DO UPDATE SET runs = t.runs + excluded.runs,
      tokens = t.tokens + excluded.tokens, duration_sum = t.duration_sum + excluded.duration_sum,
      duration_runs = t.duration_runs + excluded.duration_runs, cost_sum = t.cost_sum + excluded.cost_sum,
      cost_runs = t.cost_runs + excluded.cost_runs, cost_partial_runs = t.cost_partial_runs + excluded.cost_partial_runs
    RETURNING 1
  )
  SELECT coalesce(sum(folded), 0)::int INTO n FROM per_day;
  moved := moved + n;
  WITH gone AS (DELETE FROM job_day_model_deltas RETURNING *), per_model AS (
    SELECT day, model, workflow, status, verdict, errors, rerun, review, sum(runs)::int AS runs, sum(tokens) AS tokens,
      sum(duration_sum) AS duration_sum, sum(duration_runs)::int AS duration_runs, sum(cost_sum) AS cost_sum,
      sum(cost_runs)::int AS cost_runs, sum(cost_partial_runs)::int AS cost_partial_runs, count(*) AS folded
    FROM gone GROUP BY day, model, workflow, status, verdict, errors, rerun, review
  ), up AS (
    INSERT INTO job_day_models AS t (day, model, workflow, status, verdict, errors, rerun, review, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
    SELECT day, model, workflow, status, verdict, errors, rerun, review, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs
    FROM per_model ORDER BY model, day, workflow, status, verdict, errors, rerun, review
    ON CONFLICT (model, day, workflow, status, verdict, errors, rerun, review) DO UPDATE SET runs = t.runs + excluded.runs,
      tokens = t.tokens + excluded.tokens, duration_sum = t.duration_sum + excluded.duration_sum,
      duration_runs = t.duration_runs + excluded.duration_runs, cost_sum = t.cost_sum + excluded.cost_sum,
      cost_runs = t.cost_runs + excluded.cost_runs, cost_partial_runs = t.cost_partial_runs + excluded.cost_partial_runs
    RETURNING 1
  )
  SELECT coalesce(sum(folded), 0)::int INTO n FROM per_model;
  RETURN moved + n;
END
$fn$;

-- The rollups again from the runs, under the new keys (the old rows knew no errors, reruns or reviews).
TRUNCATE job_days, job_day_models, job_day_deltas, job_day_model_deltas;
INSERT INTO job_days (day, workflow, status, verdict, errors, rerun, review, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
SELECT (created_at AT TIME ZONE 'UTC')::date, workflow, status, (CASE WHEN verdict THEN 1 WHEN verdict = false THEN 0 ELSE -1 END)::smallint,
  (error IS NOT NULL OR tool_errors > 0), rerun_of_id IS NOT NULL, (CASE WHEN correct THEN 1 WHEN correct = false THEN 0 ELSE -1 END)::smallint,
  count(*), sum(total_tokens), coalesce(sum(duration_ms), 0), count(duration_ms), coalesce(sum(cost_usd::numeric), 0), count(cost_usd),
  count(*) FILTER (WHERE total_tokens > 0 AND (cost_usd IS NULL OR cost_unpriced > 0))
FROM jobs GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO job_day_models (day, model, workflow, status, verdict, errors, rerun, review, runs, tokens, duration_sum, duration_runs, cost_sum, cost_runs, cost_partial_runs)
SELECT (created_at AT TIME ZONE 'UTC')::date, m, workflow, status, (CASE WHEN verdict THEN 1 WHEN verdict = false THEN 0 ELSE -1 END)::smallint,
  (error IS NOT NULL OR tool_errors > 0), rerun_of_id IS NOT NULL, (CASE WHEN correct THEN 1 WHEN correct = false THEN 0 ELSE -1 END)::smallint,
  count(*), sum(total_tokens), coalesce(sum(duration_ms), 0), count(duration_ms), coalesce(sum(cost_usd::numeric), 0), count(cost_usd),
  count(*) FILTER (WHERE total_tokens > 0 AND (cost_usd IS NULL OR cost_unpriced > 0))
FROM jobs, unnest(models) AS m GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
