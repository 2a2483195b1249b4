-- CreateTable
CREATE TABLE "span_versions" (
    "job_id" UUID NOT NULL,
    "version" BIGSERIAL NOT NULL,

    CONSTRAINT "span_versions_pkey" PRIMARY KEY ("job_id")
);

-- AddForeignKey
ALTER TABLE "span_versions" ADD CONSTRAINT "span_versions_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every statement that changes a run's spans (insert, upsert, finish, renumbering, replace, delete) gives the run a
-- new version from the column's one sequence, in the same transaction, and announces the change on `run_changes` as
-- before (lib/live/hub.ts). One function for both: a logged span costs one trigger call, not two. The version is set
-- in ON CONFLICT's DO UPDATE, evaluated after the row's lock is held, so a transaction that waited for another's lock
-- takes a larger value than the one committed before it: per run, versions grow in commit order (a replica that lags
-- shows an older one, never a newer one with older spans). The outline kept per run (lib/runs/outline-cache.ts) is
-- read together with its version and is good while the version holds: one row by primary key per GET, not a scan of
-- the run's spans. Jobs in ascending id order: two statements touching the same runs lock their rows in one order.
-- A span deleted because its job is (ON DELETE CASCADE) leaves no version behind.
CREATE OR REPLACE FUNCTION notify_run_span_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO span_versions AS v (job_id)
  SELECT d.job_id FROM (SELECT DISTINCT job_id FROM changed_spans) d
  WHERE TG_OP <> 'DELETE' OR EXISTS (SELECT 1 FROM jobs j WHERE j.id = d.job_id)
  ORDER BY d.job_id
  ON CONFLICT (job_id) DO UPDATE SET version = nextval('span_versions_version_seq');
  PERFORM pg_notify('run_changes', d.job_id::text) FROM (SELECT DISTINCT job_id FROM changed_spans) d;
  RETURN NULL;
END
$$;

CREATE TRIGGER spans_notify_delete AFTER DELETE ON spans
  REFERENCING OLD TABLE AS changed_spans FOR EACH STATEMENT EXECUTE FUNCTION notify_run_span_changes();
