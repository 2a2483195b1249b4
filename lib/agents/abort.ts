// Upstream's two abort rules (dashboard/app/aidb/crud.go NextStaleJob): a job whose agent polls again has lost its
// agent ("restarted"), and a job nobody reported on for too long has been abandoned ("inactive"). Either way the job is
// finished as aborted and a fresh copy, linked as its rerun, takes its place.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Sql } from "@/lib/db/pool";
import { appConfig } from "@/lib/config";
import { recomputeJob } from "@/lib/ingest/recompute";

/** Upstream's reasons, word for word (aidb.NextStaleJob). */
export const RESTARTED = "Aborted: assigned agent restarted";
export const INACTIVE = "Aborted: assigned agent has been inactive for too long";

/** Seconds without a poll or span from the agent before its job is given up; AGENT_SILENT_TIMEOUT_SECONDS. */
function silentTimeoutSeconds(): number {
  return appConfig().AGENT_SILENT_TIMEOUT_SECONDS;
}

/** The agent that starts a clone at once (the poller, after a restart); without one the clone is queued as pending. */
export interface Starter {
  client: string;
  agentName: string;
  codeRevision: string;
}

async function abortAndClone(sql: Sql, jobId: string, reason: string, starter?: Starter): Promise<string> {
  await sql.query(`UPDATE jobs SET status = 'aborted', finished_at = now(), error = $2 WHERE id = $1`, [jobId, reason]);
  await recomputeJob(sql, jobId);
  const id = randomUUID();
  await sql.query(
    `INSERT INTO jobs (id, workflow, workflow_type, description, link, args, rerun_of_id, experiment_id, source, status, started_at,
       last_seen_at, agent_client, agent_name, code_revision)
     SELECT $2, workflow, workflow_type, description, link, args, id, experiment_id, 'agent',
       CASE WHEN $3::text IS NULL THEN 'pending' ELSE 'running' END::"JobStatus",
       CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, $3, $4, $5
     FROM jobs WHERE id = $1`,
    [jobId, id, starter?.client ?? null, starter?.agentName ?? null, starter?.codeRevision ?? null],
  );
  return id;
}

/**
 * When the polling agent (this client and AgentName) still holds a running job of an offered workflow, it restarted:
 * that job is aborted and its clone is started for the poller right away. Returns the clone's id, or null.
 */
export async function restartAgentJob(sql: Sql, starter: Starter, workflows: string[]): Promise<string | null> {
  const { rows } = await sql.query<{ id: string }>(
    `SELECT id::text FROM jobs WHERE status = 'running' AND source <> 'otlp' AND agent_client = $1 AND agent_name = $2 AND workflow = ANY($3::text[])
     ORDER BY started_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [starter.client, starter.agentName, workflows],
  );
  return rows[0] ? abortAndClone(sql, rows[0].id, RESTARTED, starter) : null;
}

/**
 * Aborts running jobs that heard nothing from their agent (poll or span) for AGENT_SILENT_TIMEOUT_SECONDS and queues a
 * clone of each. Only jobs an agent took count (imported runs are incomplete, never running; OpenTelemetry traces are
 * settled by lib/otlp/settle.ts, never cloned). Returns the aborted ids.
 */
export async function abortSilentJobs(sql: Sql): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>(
    `SELECT id::text FROM jobs WHERE status = 'running' AND source <> 'otlp' AND last_seen_at < now() - make_interval(secs => $1) FOR UPDATE SKIP LOCKED`,
    [silentTimeoutSeconds()],
  );
  for (const { id } of rows) await abortAndClone(sql, id, INACTIVE);
  return rows.map((r) => r.id);
}
