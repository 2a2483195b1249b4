// Starts a job from a dashboard's inputs export (lib/import/job-export.ts): a new pending job with the export's
// workflow and Args, for the next agent that polls for that workflow — the sibling of a rerun (./rerun.ts), audited
// the same way. The export is what a job was asked, never a run: only an operator's explicit start queues it.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { badRequest } from "@/lib/http/errors";
import { makeStorable } from "@/lib/trajectory/storable";
import { workflowSpec } from "@/lib/workflows/catalog";
import type { JobExport } from "@/lib/import/job-export";

/**
 * Queues one pending job from `exp` and audits it ("export.start", with the exported job's ID). Args are stored as
 * the JSON text received, in its key order. Throws HttpError BadRequest for Args that cannot be stored (nesting too
 * deep, keys that collide once NULs are replaced). Returns the new job's id.
 */
export async function startFromExport(db: Db, exp: JobExport, actor: Actor): Promise<{ id: string }> {
  const storable = makeStorable(exp.Args ?? null, "Args");
  if (!storable.ok) throw badRequest(`${storable.problem.path}: ${storable.problem.reason}`);
  const id = randomUUID();
  const args = storable.value === null ? null : JSON.stringify(storable.value);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`
      INSERT INTO jobs (id, workflow, workflow_type, description, args, source, created_at)
      VALUES (${id}::uuid, ${exp.Workflow}, ${workflowSpec(exp.Workflow)?.type ?? ""}, ${exp.ID ? `started from the inputs of job ${exp.ID}` : ""},
        ${args}::json, 'export', clock_timestamp())`;
    await recordAudit(tx, actor, "export.start", id, { exportedId: exp.ID, workflow: exp.Workflow });
    return { id };
  });
}
