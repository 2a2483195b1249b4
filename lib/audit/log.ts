// The audit log: who did what to which run, user or agent key, written in the same transaction as the change.
import "server-only";
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";

/** Who acted: a signed-in user, or the command line (no user). */
export interface Actor {
  id: string | null;
  label: string;
}

export const COMMAND_LINE: Actor = { id: null, label: "command line" };

export function actorOf(user: { id: string; email: string }): Actor {
  return { id: user.id, label: user.email };
}

export const AUDIT_ACTIONS = [
  "import",
  "rerun",
  "review",
  "user.add",
  "user.role",
  "user.password",
  "user.remove",
  "agent_key.add",
  "agent_key.remove",
  "setting",
  "experiment",
  "price.set",
  "price.remove",
  "import.fill_redacted",
  "mirror.update",
  "mirror.dashboard",
  "export.start",
  "note",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

type Tx = Pick<Db, "auditEvent">;

export async function recordAudit(
  tx: Tx,
  actor: Actor,
  action: AuditAction,
  target: string,
  details?: Prisma.InputJsonValue,
): Promise<void> {
  await tx.auditEvent.create({ data: { actorId: actor.id, actorLabel: actor.label, action, target, details } });
}

/** recordAudit on a plain pg client (the import's transaction, lib/ingest/save-run.ts), same row. */
export async function recordAuditSql(
  sql: { query(text: string, values?: unknown[]): Promise<unknown> },
  actor: Actor,
  action: AuditAction,
  target: string,
  details?: Prisma.InputJsonValue,
): Promise<void> {
  await sql.query(`INSERT INTO audit_events (actor_id, actor_label, action, target, details) VALUES ($1, $2, $3, $4, $5::jsonb)`, [
    actor.id,
    actor.label,
    action,
    target,
    details === undefined ? null : JSON.stringify(details),
  ]);
}

export const AUDIT_PAGE_SIZE = 100;

/** Newest first, keyset-paged by id. */
export async function listAudit(db: Db, options: { before?: bigint; action?: AuditAction } = {}) {
  return db.auditEvent.findMany({
    where: { ...(options.before ? { id: { lt: options.before } } : {}), ...(options.action ? { action: options.action } : {}) },
    orderBy: { id: "desc" },
    take: AUDIT_PAGE_SIZE,
  });
}
