-- Live updates: every committed change to a run's spans or status is announced on the channel `run_changes`
-- (payload: the job id), whatever wrote it. Each app process LISTENs once and fans the change out to its watchers
-- (lib/live/hub.ts), so watchers never poll. Statement-level triggers with transition tables: one bulk insert of
-- 500,000 spans sends one notification per job, not one per row, and PostgreSQL folds identical payloads of a
-- transaction into one.

CREATE FUNCTION notify_run_span_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('run_changes', d.job_id::text) FROM (SELECT DISTINCT job_id FROM changed_spans) d;
  RETURN NULL;
END
$$;

CREATE TRIGGER spans_notify_insert AFTER INSERT ON spans
  REFERENCING NEW TABLE AS changed_spans FOR EACH STATEMENT EXECUTE FUNCTION notify_run_span_changes();
CREATE TRIGGER spans_notify_update AFTER UPDATE ON spans
  REFERENCING NEW TABLE AS changed_spans FOR EACH STATEMENT EXECUTE FUNCTION notify_run_span_changes();

-- A job's heartbeat (last_seen_at) changes with every logged span; only what a reader sees is announced.
CREATE FUNCTION notify_run_job_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('run_changes', n.id::text)
  FROM new_jobs n JOIN old_jobs o ON o.id = n.id
  WHERE o.status IS DISTINCT FROM n.status OR o.results::text IS DISTINCT FROM n.results::text
     OR o.error IS DISTINCT FROM n.error OR o.agent_name IS DISTINCT FROM n.agent_name;
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_notify_update AFTER UPDATE ON jobs
  REFERENCING OLD TABLE AS old_jobs NEW TABLE AS new_jobs FOR EACH STATEMENT EXECUTE FUNCTION notify_run_job_changes();
