// Which workflows agents ask for: every poll (upstream's AIJobPollReq.Workflows, dashboard/dashapi/ai.go) is recorded
// per workflow, so Rerun can tell an operator that no agent has taken a workflow lately before queueing a run that
// would wait forever (components/rerun/RerunButton.tsx).
import "server-only";
import type { Sql } from "@/lib/db/pool";
import type { Db } from "@/lib/db/client";

/** A workflow counts as taken when an agent offered it within this many ms (agents poll every few seconds). */
export const POLL_RECENT_MS = 15 * 60_000;
/** A workflow's record is rewritten at most this often: agents poll every few seconds, the row need not follow each. */
const POLL_RECORD_EVERY_S = 10;

/**
 * Records that `agentName` offered `workflows` now: one upsert, in workflow order (two polls never lock the rows in
 * opposite orders), skipping rows written in the last POLL_RECORD_EVERY_S seconds.
 */
export async function recordPoll(sql: Sql, workflows: readonly string[], agentName: string): Promise<void> {
  const names = [...new Set(workflows)].sort();
  if (names.length === 0) return;
  await sql.query(
    `INSERT INTO workflow_polls AS p (workflow, last_polled_at, agent_name)
     SELECT w, now(), $2 FROM unnest($1::text[]) AS w ORDER BY w
     ON CONFLICT (workflow) DO UPDATE SET last_polled_at = excluded.last_polled_at, agent_name = excluded.agent_name
     WHERE p.last_polled_at < now() - make_interval(secs => $3)`,
    [names, agentName, POLL_RECORD_EVERY_S],
  );
}

export interface WorkflowPoll {
  /** ISO time of the last poll that offered the workflow */
  at: string;
  agentName: string;
}

/** The last poll that offered `workflow`, or null when none ever did. */
export async function lastPoll(db: Db, workflow: string): Promise<WorkflowPoll | null> {
  const row = await db.workflowPoll.findUnique({ where: { workflow } });
  return row ? { at: row.lastPolledAt.toISOString(), agentName: row.agentName } : null;
}
