-- Imported runs that never finished were stored as running (or pending when they had no spans): the silent-agent timer
-- and the poll treated them as live. They are incomplete: no agent holds them (last_seen_at is only set by a poll).
-- A separate migration: PostgreSQL refuses a new enum value in the transaction that added it.
UPDATE "jobs" SET "status" = 'incomplete'
WHERE ("status" = 'running' AND "last_seen_at" IS NULL)
   OR ("status" = 'pending' AND "source" IN ('trajectory-file', 'job-page', 'html-report', 'page-copy'));
