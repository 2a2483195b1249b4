// Aborts running jobs whose agent went silent, and queues a fresh copy of each (formats doc §2).
import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { appConfig } from "@/lib/config";

/** Seconds without a poll, span or done from the agent before its job is given up; AGENT_SILENT_TIMEOUT_SECONDS. */
export function silentTimeoutSeconds(): number {
  return appConfig().AGENT_SILENT_TIMEOUT_SECONDS;
}

/** Returns the ids of the jobs it aborted. Only jobs an agent took (last_seen_at set) count: imported runs have no agent to wait for. */
export async function abortSilentJobs(db: Db, now = new Date()): Promise<string[]> {
  const timeout = silentTimeoutSeconds();
  const cutoff = new Date(now.getTime() - timeout * 1000);
  return db.$transaction(async (tx) => {
    const silent = await tx.$queryRaw<{ id: string; agent_name: string | null }[]>`
      SELECT id::text, agent_name FROM jobs
      WHERE status = 'running' AND last_seen_at < ${cutoff}
      FOR UPDATE SKIP LOCKED`;
    for (const job of silent) {
      const old = await tx.job.update({
        where: { id: job.id },
        data: { status: "aborted", finishedAt: now, error: `aborted: agent "${job.agent_name ?? "?"}" sent nothing for more than ${timeout}s` },
      });
      await tx.job.create({
        data: {
          id: randomUUID(),
          workflow: old.workflow,
          workflowType: old.workflowType,
          description: old.description,
          link: old.link,
          args: old.args ?? undefined,
          rerunOfId: old.id,
          source: "agent",
        },
      });
    }
    return silent.map((j) => j.id);
  });
}
