// The three calls of the agent protocol against the job queue: poll for work, log a span, finish the job.
import "server-only";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { mainVerdict } from "@/lib/trajectory/verdict";
import { spanSearchText } from "@/lib/text/search";
import { recomputeJob } from "@/lib/ingest/recompute";
import { abortSilentJobs } from "@/lib/agents/abort";
import { conflict, forbidden, notFound } from "@/lib/http/errors";
import type { JobDoneRequest, PollRequest, TrajectoryLogRequest } from "./schemas";

export interface PollReply {
  ID: string;
  Workflow: string;
  Args: unknown;
}

/** Hands the oldest pending job of an offered workflow to this agent; SKIP LOCKED makes it exactly once under concurrency. */
export async function pollJob(db: Db, req: PollRequest): Promise<PollReply> {
  await abortSilentJobs(db);
  const names = req.Workflows.map((w) => w.Name);
  if (names.length === 0) return { ID: "", Workflow: "", Args: null };
  const rows = await db.$queryRaw<{ id: string; workflow: string; args: unknown }[]>`
    WITH next AS (
      SELECT id FROM jobs
      WHERE status = 'pending' AND workflow = ANY(${names}::text[])
      -- Experiments' reruns wait behind ordinary jobs (lib/experiments): a thousand of them never starve a new run.
      ORDER BY (experiment_id IS NOT NULL), created_at, id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE jobs j
    SET status = 'running', started_at = now(), last_seen_at = now(),
        agent_name = ${req.AgentName}, code_revision = ${req.CodeRevision}
    FROM next WHERE j.id = next.id
    RETURNING j.id::text AS id, j.workflow, j.args`;
  const job = rows[0];
  return job ? { ID: job.id, Workflow: job.workflow, Args: job.args ?? {} } : { ID: "", Workflow: "", Args: null };
}

async function assignedJob(db: Db, jobId: string) {
  const job = await db.job.findUnique({ where: { id: jobId }, select: { id: true, status: true, agentName: true } });
  if (!job) throw notFound(`no job ${jobId}`);
  return job;
}

function jsonb(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

/** Stores or replaces one span; a late start copy never overwrites the finished copy. */
export async function logSpan(db: Db, req: TrajectoryLogRequest): Promise<void> {
  const job = await assignedJob(db, req.JobID);
  if (job.agentName !== req.AgentName) {
    throw forbidden(`job ${req.JobID} is assigned to ${job.agentName ? `agent "${job.agentName}"` : "no agent"}, not "${req.AgentName}"`);
  }
  if (job.status !== "running" && job.status !== "finished" && job.status !== "failed") {
    throw conflict(`job ${req.JobID} is ${job.status}: it no longer takes spans`);
  }
  const s = req.Span;
  const started = new Date(s.Started);
  const finished = s.Finished ? new Date(s.Finished) : null;
  // One transaction: the span, the job's heartbeat and (after ai_job_done) its totals, or nothing.
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`
      INSERT INTO spans (job_id, seq, nesting, parent_seq, type, name, model, started_at, finished_at, error,
        args, results, instruction, prompt, reply, thoughts, input_tokens, output_tokens, output_thoughts_tokens, search_text)
      VALUES (${req.JobID}::uuid, ${s.Seq}, ${s.Nesting},
        (SELECT max(seq) FROM spans WHERE job_id = ${req.JobID}::uuid AND seq < ${s.Seq} AND nesting = ${s.Nesting - 1}),
        ${s.Type}, ${s.Name}, ${s.Model || null}, ${started}, ${finished}, ${s.Error || null},
        ${jsonb(s.Args)}::jsonb, ${jsonb(s.Results)}::jsonb, ${s.Instruction || null}, ${s.Prompt || null},
        ${s.Reply || null}, ${s.Thoughts || null}, ${s.InputTokens ?? null}::int, ${s.OutputTokens ?? null}::int,
        ${s.OutputThoughtsTokens ?? null}::int, ${spanSearchText(s)})
      ON CONFLICT (job_id, seq) DO UPDATE SET
        nesting = EXCLUDED.nesting, type = EXCLUDED.type, name = EXCLUDED.name, model = EXCLUDED.model,
        started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, error = EXCLUDED.error,
        args = EXCLUDED.args, results = EXCLUDED.results, instruction = EXCLUDED.instruction,
        prompt = EXCLUDED.prompt, reply = EXCLUDED.reply, thoughts = EXCLUDED.thoughts,
        input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens,
        output_thoughts_tokens = EXCLUDED.output_thoughts_tokens, search_text = EXCLUDED.search_text
      WHERE spans.finished_at IS NULL OR EXCLUDED.finished_at IS NOT NULL`;
    await tx.$executeRaw`UPDATE jobs SET last_seen_at = now() WHERE id = ${req.JobID}::uuid`;
    // A span that arrives after ai_job_done must still count in the job's totals.
    if (job.status !== "running") await recomputeJob(tx, req.JobID);
  });
}

/** Finishes (or fails) the job; repeating the call is harmless. */
export async function finishJob(db: Db, req: JobDoneRequest): Promise<void> {
  const job = await assignedJob(db, req.ID);
  if (job.status === "finished" || job.status === "failed") return;
  if (job.status !== "running") throw conflict(`job ${req.ID} is ${job.status}, not running`);
  await db.$transaction(async (tx) => {
    const current = await tx.job.findUniqueOrThrow({ where: { id: req.ID }, select: { workflow: true } });
    await tx.job.update({
      where: { id: req.ID },
      data: {
        status: req.Error ? "failed" : "finished",
        error: req.Error || null,
        results: req.Results === null ? Prisma.DbNull : (req.Results as Prisma.InputJsonValue),
        verdict: req.Error ? null : mainVerdict(current.workflow, req.Results),
        finishedAt: new Date(),
        lastSeenAt: new Date(),
      },
    });
    await recomputeJob(tx, req.ID);
  });
}
