// Managing agent clients (keys) as people do it — from the admin page or the command line — with each change audited.
import "server-only";
import type { Db } from "@/lib/db/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { addClient, forgetClient } from "./keys";

/** Creates or re-keys a client; the key is returned once and kept only as a hash. */
export async function addAgentKey(db: Db, name: string, actor: Actor): Promise<string> {
  return db.$transaction(async (tx) => {
    const existed = (await tx.agentClient.count({ where: { name } })) > 0;
    const key = await addClient(tx as Db, name);
    await recordAudit(tx, actor, "agent_key.add", name, { rekeyed: existed });
    return key;
  });
}

/** False when there was no such client. Its agents' next requests answer 401. */
export async function removeAgentKey(db: Db, name: string, actor: Actor): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.agentClient.deleteMany({ where: { name } });
    if (count > 0) await recordAudit(tx, actor, "agent_key.remove", name);
    forgetClient(name);
    return count > 0;
  });
}

export async function listAgentClients(db: Db) {
  return db.agentClient.findMany({ orderBy: { name: "asc" }, select: { name: true, createdAt: true } });
}
