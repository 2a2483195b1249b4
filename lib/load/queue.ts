// Puts pending jobs straight into the jobs table (as the Rerun button or an upstream system would), for load runs.
import { randomUUID } from "node:crypto";
import type { Queryable } from "./ledger";

/** Queues n pending jobs of a workflow only the load agents poll for; returns their ids in queue order. */
export async function queueJobs(db: Queryable, workflow: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await db.query(
    `INSERT INTO jobs (id, workflow, workflow_type, status, description, args, source, created_at)
     SELECT id, $2, $2, 'pending', 'load run', '{"KernelSrc":"/src/linux","TargetArch":"amd64"}'::json, 'agent', now() + (ord * interval '1 microsecond')
     FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, ord)`,
    [ids, workflow],
  );
  return ids;
}

/** How many jobs of the workflow still wait for an agent. */
export async function pendingJobs(db: Queryable, workflow: string): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM jobs WHERE workflow = $1 AND status = 'pending'`, [workflow]);
  return Number(rows[0]?.n ?? 0);
}
