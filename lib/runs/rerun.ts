// Queues reruns of jobs: each a new pending job with the same workflow and inputs, linked to its original. The one
// way a rerun is made: the Rerun button (one run) and experiments (lib/experiments, many runs with a changed setup).
import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { AGENT_SETUP_ARG, agentSetupOf } from "@/lib/trajectory/agent-setup";
import { checkModelEndpoint } from "@/lib/outbound/model-endpoint";
import { conflict, noSuchRun, tooManyRequests } from "@/lib/http/errors";
import { appConfig } from "@/lib/config";
import { RERUNNABLE_STATUSES } from "@/lib/runs/status";

/** The queued rerun; `created` is false when one was already queued (a double click finds the first one's). */
export type Rerun = { id: string; created: boolean };

export interface RerunOptions {
  /** the experiment the reruns belong to (jobs.experiment_id) */
  experimentId?: string;
  /** the agent setup the reruns ask for, written into their Args as AgentSetup (replacing the original's) */
  setup?: string;
  /** the user who asks (jobs.requested_by_id), counted for RERUN_MAX_PENDING_PER_USER; null from the command line */
  requestedBy?: string | null;
}

const count = (n: number) => n.toLocaleString("en-US");

/**
 * Refuses (429, with the figures) `adding` more pending reruns when that passes RERUN_MAX_PENDING in all or
 * RERUN_MAX_PENDING_PER_USER of `user`'s (lib/config.ts). Counted under a transaction-scoped advisory lock, so two
 * experiments started at once cannot both pass; each count stops at its cap (an index range, never the whole queue).
 */
async function checkPendingQuota(tx: Prisma.TransactionClient, adding: number, user: string | null): Promise<void> {
  const { RERUN_MAX_PENDING: total, RERUN_MAX_PENDING_PER_USER: perUser } = appConfig();
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('trajectory-viewer:rerun-quota'))`;
  const [all] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM jobs WHERE status = 'pending' AND rerun_of_id IS NOT NULL LIMIT ${total + 1}) q`;
  if (all!.n + adding > total)
    throw tooManyRequests(
      `${count(all!.n)} reruns are waiting already; ${count(adding)} more would pass the limit of ${count(total)} waiting at once (RERUN_MAX_PENDING): try again when some have run`,
      60,
    );
  if (user === null) return;
  const [mine] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM jobs WHERE requested_by_id = ${user} AND status = 'pending' LIMIT ${perUser + 1}) q`;
  if (mine!.n + adding > perUser)
    throw tooManyRequests(
      `${count(mine!.n)} reruns of yours are waiting already; ${count(adding)} more would pass your limit of ${count(perUser)} waiting at once (RERUN_MAX_PENDING_PER_USER): try again when some have run`,
      60,
    );
}

/**
 * Locks the originals and inserts one pending rerun of each, in the caller's transaction, in the order given.
 * Returns the new ids, in that order. Throws HttpError NotFound for a missing original, Conflict for one that is
 * pending or running, TooManyRequests past the pending-rerun quotas (nothing is written then: the caller's transaction
 * rolls back).
 */
export async function queueReruns(
  tx: Prisma.TransactionClient,
  originalIds: readonly string[],
  options: RerunOptions = {},
): Promise<string[]> {
  if (originalIds.length === 0) return [];
  // The row locks serialize double clicks and two users: the second one finds the first one's rerun.
  const found = await tx.$queryRaw<{ id: string; status: string }[]>`
    SELECT id::text, status::text FROM jobs WHERE id = ANY(${originalIds}::uuid[]) ORDER BY id FOR UPDATE`;
  const status = new Map(found.map((r) => [r.id, r.status]));
  for (const id of originalIds) {
    const s = status.get(id);
    if (!s) throw noSuchRun(id);
    if (!(RERUNNABLE_STATUSES as readonly string[]).includes(s)) {
      throw conflict(`${originalIds.length === 1 ? "this run" : `run ${id}`} is ${s}; rerun it once it has ended`);
    }
  }
  await checkPendingQuota(tx, originalIds.length, options.requestedBy ?? null);
  const ids = originalIds.map(() => randomUUID());
  const setup = options.setup ?? null;
  // One statement for any number of runs: an experiment of 1,000 runs queues in one round trip. A setup is merged in
  // as jsonb (replacing an earlier one), so such a rerun's inputs list their keys in jsonb's order, not the original's.
  await tx.$executeRaw`
    INSERT INTO jobs (id, workflow, workflow_type, description, link, args, rerun_of_id, experiment_id, requested_by_id, source, created_at)
    SELECT n.id, o.workflow, o.workflow_type, o.description, o.link,
      CASE WHEN ${setup}::text IS NULL THEN o.args
           WHEN json_typeof(o.args) = 'object' THEN (o.args::jsonb || jsonb_build_object(${AGENT_SETUP_ARG}::text, ${setup}::text))::json
           ELSE json_build_object(${AGENT_SETUP_ARG}::text, ${setup}::text) END,
      o.id, ${options.experimentId ?? null}::uuid, ${options.requestedBy ?? null}::text, 'rerun', clock_timestamp() + n.ord * interval '1 microsecond'
    FROM unnest(${ids}::uuid[], ${[...originalIds]}::uuid[]) WITH ORDINALITY AS n(id, original, ord)
    JOIN jobs o ON o.id = n.original`;
  return ids;
}

/**
 * Reruns one run (the Rerun button). Throws HttpError NotFound for no such run, Conflict while it is pending or running,
 * TooManyRequests past the pending-rerun quotas, BadRequest when its Args.AgentSetup names a model endpoint not on the
 * outbound allow-list (lib/outbound).
 */
export async function rerunJob(db: Db, originalId: string, actor: Actor): Promise<Rerun> {
  // The rerun carries the original's Args.AgentSetup: a model endpoint in it must be one the admins allowed (400).
  const [original] = await db.$queryRaw<{ args: unknown }[]>`
    SELECT json_build_object(${AGENT_SETUP_ARG}::text, CASE WHEN json_typeof(args) = 'object' THEN args -> ${AGENT_SETUP_ARG}::text END) AS args
    FROM jobs WHERE id = ${originalId}::uuid`;
  if (original) await checkModelEndpoint(db, agentSetupOf(original.args));
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM jobs WHERE id = ${originalId}::uuid FOR UPDATE`;
    // A plain rerun already waiting is the one asked for; an experiment's rerun is not.
    const queued = await tx.job.findFirst({
      where: { rerunOfId: originalId, status: "pending", experimentId: null },
      select: { id: true },
    });
    if (queued) return { id: queued.id, created: false };
    const [id] = await queueReruns(tx, [originalId], { requestedBy: actor.id });
    await recordAudit(tx, actor, "rerun", originalId, { rerunId: id! });
    return { id: id!, created: true };
  });
}
