// The three calls of the agent protocol against the job queue: poll for work, log a span, finish the job. A job
// belongs to the client (key) that polled it; the AgentName a call carries is recorded, never trusted for access.
import "server-only";
import { inTransaction, pool } from "@/lib/db/pool";
import { verdictOf } from "@/lib/workflows/verdict";
import { logSpans } from "@/lib/ingest/span-batch";
import { ensureExtraWorkflows } from "@/lib/workflows/extra-file";
import { recomputeJob } from "@/lib/ingest/recompute";
import { abortSilentJobs, restartAgentJob } from "@/lib/agents/abort";
import { recordPoll } from "@/lib/agents/polls";
import { AGENT_JOB_ERROR_KEEP_BYTES } from "@/lib/limits";
import { conflict, forbidden, HttpError, notFound } from "@/lib/http/errors";
import { databaseRefusal, sqlState } from "@/lib/http/database-refusal";
import type { JobDoneRequest, PollRequest, TrajectoryLogRequest } from "./schemas";

/** AIJobPollResp (dashboard/dashapi/ai.go); no job is `{ID: "", Workflow: "", Args: null}`. */
export interface PollReply {
  ID: string;
  Workflow: string;
  Args: unknown;
}

const NO_JOB: PollReply = { ID: "", Workflow: "", Args: null };

/** Pending jobs per workflow and class a poll looks at: concurrent polls skip those locked, so this many may poll at once. */
const POLL_CANDIDATES = 8;

/** The oldest pending job of one class (`experiment`: an SQL condition on experiment_id) of the workflows in $1. */
const oldestPending = (experiment: string) => `(
    SELECT j.id FROM jobs j JOIN (
      SELECT c.id FROM unnest($1::text[]) AS w(name) CROSS JOIN LATERAL (
        SELECT id FROM jobs WHERE workflow = w.name AND status = 'pending' AND ${experiment}
        ORDER BY created_at, id LIMIT ${POLL_CANDIDATES}
      ) c
    ) cand ON cand.id = j.id
    WHERE j.status = 'pending' ORDER BY j.created_at, j.id LIMIT 1 FOR UPDATE OF j SKIP LOCKED
  )`;

/**
 * The oldest pending job of the workflows in $1 (text[]), locked, skipping jobs other polls hold. Experiments' reruns
 * wait behind ordinary jobs (lib/experiments: a thousand of them never starve a new run). Each workflow's oldest few
 * of a class are read in order from an index ([workflow, status, experimentId, createdAt, id] for ordinary jobs,
 * [workflow, status, createdAt] for reruns), so a poll reads a few index entries however long the queue is; the
 * reruns are looked at only when no ordinary job is found (COALESCE evaluates lazily). An ORDER BY on (experiment_id
 * IS NOT NULL) sorted the whole pending queue on every poll: 50,000 queued reruns were scanned by each.
 */
export const NEXT_PENDING_JOB = `SELECT coalesce(${oldestPending("experiment_id IS NULL")}, ${oldestPending("experiment_id IS NOT NULL")}) AS id`;

/**
 * Upstream's pollAIJob: first, when this agent (client and AgentName) still holds a running job of an offered workflow
 * it has restarted — that job is aborted and a clone started for it and returned here; then jobs silent for too long are
 * aborted and requeued; then the oldest pending job of an offered workflow is handed out (SKIP LOCKED: exactly once).
 */
export async function pollJob(client: string, req: PollRequest): Promise<PollReply> {
  return refusedAs("ai_job_poll", () => poll(client, req));
}

async function poll(client: string, req: PollRequest): Promise<PollReply> {
  const names = req.Workflows.map((w) => w.Name);
  if (names.length === 0) return NO_JOB;
  // Outside the job's transaction: knowing who polls must not hold up (or roll back with) handing out work.
  await recordPoll(pool(), names, req.AgentName);
  const starter = { client, agentName: req.AgentName, codeRevision: req.CodeRevision };
  const rows = await inTransaction(async (sql) => {
    const clone = await restartAgentJob(sql, starter, names);
    if (clone) return (await sql.query(`SELECT id::text AS id, workflow, args FROM jobs WHERE id = $1`, [clone])).rows;
    await abortSilentJobs(sql);
    return (
      await sql.query(
        `WITH next AS (${NEXT_PENDING_JOB})
         UPDATE jobs j SET status = 'running', started_at = now(), last_seen_at = now(), agent_client = $2, agent_name = $3, code_revision = $4
         FROM next WHERE j.id = next.id
         RETURNING j.id::text AS id, j.workflow, j.args`,
        [names, client, req.AgentName, req.CodeRevision],
      )
    ).rows;
  });
  const job = rows[0];
  return job ? { ID: job.id, Workflow: job.workflow, Args: job.args ?? {} } : NO_JOB;
}

function ended(jobId: string, status: string, error: string | null, what: string): HttpError {
  if (status === "aborted") return conflict(`job ${jobId} was aborted (${error ?? "no reason"}): it takes no more ${what}`);
  if (status === "finished" || status === "failed") return conflict(`job ${jobId} has ended: it takes no more ${what}`);
  return conflict(`job ${jobId} is ${status}, not running: it takes no ${what}`);
}

/** Stores one span; 404 for no such job, 403 when another client polled it, 409 once it takes no more spans. */
export async function logSpan(client: string, req: TrajectoryLogRequest): Promise<void> {
  const [refusal] = await refusedAs("ai_trajectory_log", () =>
    logSpans([{ client, agentName: req.AgentName, jobId: req.JobID, span: req.Span }]),
  );
  if (!refusal) return;
  if (refusal.kind === "no-job") throw notFound(`no job ${req.JobID}`);
  if (refusal.kind === "not-owner") throw forbidden(`job ${req.JobID} was polled by another agent client`);
  throw ended(req.JobID, refusal.status, refusal.error, "spans");
}

/**
 * Upstream's truncateAIJobError: an Error longer than AGENT_JOB_ERROR_KEEP_BYTES (UTF-8 bytes) is cut there and ends
 * "\n... [truncated]"; a character cut in half becomes U+FFFD.
 */
function truncateJobError(error: string): { error: string; truncated: boolean } {
  if (error.length * 3 <= AGENT_JOB_ERROR_KEEP_BYTES) return { error, truncated: false };
  const bytes = Buffer.from(error, "utf8");
  if (bytes.length <= AGENT_JOB_ERROR_KEEP_BYTES) return { error, truncated: false };
  return { error: bytes.subarray(0, AGENT_JOB_ERROR_KEEP_BYTES).toString("utf8") + "\n... [truncated]", truncated: true };
}

/**
 * Finishes (Error empty) or fails the job, then settles its totals and parents. Repeating done for a job that finished is
 * harmless (the first one counts); 404 for no such job, 403 when another client polled it, 409 when it was aborted or
 * is not running.
 */
export async function finishJob(client: string, req: JobDoneRequest, resultsJson?: Uint8Array | null): Promise<void> {
  try {
    await finish(client, req, resultsJson);
  } catch (e) {
    const refusal = databaseRefusal(e, "ai_job_done");
    if (!refusal || e instanceof HttpError) throw e;
    // The done was rolled back; the job must not stay running because of it (an agent that got an error may never
    // call again, and the run would wait for the silent-agent timeout). It fails, saying why; an unreachable database
    // leaves it to that timeout.
    if (refusal.code !== "Unavailable" || sqlState(e))
      try {
        const failed = await pool().query(
          `UPDATE jobs SET status = 'failed', error = $3, finished_at = now(), last_seen_at = now()
           WHERE id = $1 AND agent_client = $2 AND status = 'running'`,
          [req.ID, client, `the app could not store this job's done: ${refusal.message}`],
        );
        // Its totals settled as any ended job's; if that fails too, the job is failed all the same.
        if (failed.rowCount) await inTransaction((sql) => recomputeJob(sql, req.ID)).catch(() => undefined);
      } catch {
        // the database is failing: the answer says so, and the silent-agent timeout ends the job
      }
    throw refusal;
  }
}

/** Any database error of `fn` as a reason the agent can act on (lib/http/database-refusal.ts); other errors unchanged. */
async function refusedAs<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw databaseRefusal(e, what) ?? e;
  }
}

/**
 * `resultsJson`: Results as stored, UTF-8 JSON made where the payload was decoded (lib/agents/payload.ts; sent to
 * PostgreSQL as bytes, never decoded here); then req.Results need only hold what the verdict reads (verdictInput).
 */
async function finish(client: string, req: JobDoneRequest, resultsJson?: Uint8Array | null): Promise<void> {
  await inTransaction(async (sql) => {
    const { rows } = await sql.query<{
      status: string;
      agent_client: string | null;
      workflow: string;
      workflow_type: string;
      error: string | null;
    }>(`SELECT status::text, agent_client, workflow, workflow_type, error FROM jobs WHERE id = $1 FOR UPDATE`, [req.ID]);
    const job = rows[0];
    if (!job) throw notFound(`no job ${req.ID}`);
    if (job.agent_client !== client) throw forbidden(`job ${req.ID} was polled by another agent client`);
    if (job.status === "finished" || job.status === "failed") return;
    if (job.status !== "running") throw ended(req.ID, job.status, job.error, "done");
    const { error, truncated } = truncateJobError(req.Error);
    ensureExtraWorkflows();
    await sql.query(
      `UPDATE jobs SET status = $2, error = $3, error_truncated = $4, results = $5::json, verdict = $6, finished_at = now(), last_seen_at = now()
       WHERE id = $1`,
      [
        req.ID,
        error ? "failed" : "finished",
        error || null,
        truncated,
        resultsJson === undefined
          ? req.Results === null
            ? null
            : JSON.stringify(req.Results)
          : resultsJson && Buffer.from(resultsJson.buffer, resultsJson.byteOffset, resultsJson.byteLength),
        error ? null : verdictOf(job.workflow, req.Results, job.workflow_type),
      ],
    );
    await recomputeJob(sql, req.ID);
  });
}
