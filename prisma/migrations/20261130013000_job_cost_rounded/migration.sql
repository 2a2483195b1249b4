-- A job's cost rounded to a billionth of a dollar: a sum of float products carries binary noise
-- (0.12812800000000002), which the API, the CSV export and the experiment pages printed as it was.
CREATE OR REPLACE FUNCTION job_cost(job uuid, OUT usd double precision, OUT unpriced integer) LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN count(c) = 0 AND count(*) > 0 THEN NULL ELSE round(coalesce(sum(c), 0)::numeric, 9)::double precision END,
         (count(*) - count(c))::integer
  FROM (SELECT span_cost_usd(s.model, s.started_at, s.input_tokens, s.output_tokens, s.output_thoughts_tokens) AS c
        FROM spans s
        WHERE s.job_id = job
          AND coalesce(s.input_tokens, 0) + coalesce(s.output_tokens, 0) + coalesce(s.output_thoughts_tokens, 0) > 0) AS priced
$$;

UPDATE jobs SET (cost_usd, cost_unpriced) = (SELECT c.usd, c.unpriced FROM job_cost(jobs.id) c) WHERE total_tokens > 0;
