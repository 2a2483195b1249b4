// Queues a rerun of a job: a new pending job with the same workflow and inputs, linked to the original.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { conflict, noSuchRun } from "@/lib/http/errors";

/** The queued rerun; `created` is false when one was already queued (a double click finds the first one's). */
export type Rerun = { id: string; created: boolean };

/** Throws HttpError NotFound for no such run, Conflict while the run is pending or running. */
export async function rerunJob(db: Db, originalId: string, actor: Actor): Promise<Rerun> {
  return db.$transaction(async (tx) => {
    // The row lock serializes double clicks and two users: the second one finds the first one's rerun.
    const rows = await tx.$queryRaw<{ id: string; status: string }[]>`
      SELECT id::text, status::text FROM jobs WHERE id = ${originalId}::uuid FOR UPDATE`;
    const original = rows[0];
    if (!original) throw noSuchRun(originalId);
    if (original.status === "running" || original.status === "pending") {
      throw conflict(`this run is ${original.status}; rerun it once it has ended`);
    }
    const queued = await tx.job.findFirst({ where: { rerunOfId: originalId, status: "pending" }, select: { id: true } });
    if (queued) return { id: queued.id, created: false };
    const job = await tx.job.findUniqueOrThrow({ where: { id: originalId } });
    const id = randomUUID();
    await tx.job.create({
      data: {
        id,
        workflow: job.workflow,
        workflowType: job.workflowType,
        description: job.description,
        link: job.link,
        args: job.args ?? undefined,
        rerunOfId: job.id,
        source: "rerun",
      },
    });
    await recordAudit(tx, actor, "rerun", originalId, { rerunId: id });
    return { id, created: true };
  });
}
