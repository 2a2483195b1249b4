// Whether a rerun of a run can go anywhere: does an agent take its workflow (lib/agents/polls.ts), and does the run
// have the inputs its workflow needs (lib/workflows/catalog.ts missingInputs)? Shown by Rerun before anything is queued.
import "server-only";
import type { Db } from "@/lib/db/client";
import { lastPoll, POLL_RECENT_MS } from "@/lib/agents/polls";
import { missingInputs } from "@/lib/workflows/catalog";
import { badRequest } from "@/lib/http/errors";

export interface RerunReadiness {
  /** ISO time an agent last offered the workflow within POLL_RECENT_MS; null: none did lately (a rerun would wait) */
  agentSeenAt: string | null;
  /** the AgentName of that poll */
  agentName: string | null;
  /** how far back "lately" reaches, minutes */
  recentMinutes: number;
  /** required inputs the run's Args lack: a rerun would fail at once */
  missing: string[];
}

export async function rerunReadiness(
  db: Db,
  run: { workflow: string; workflowType: string | null; args: unknown },
  now = Date.now(),
): Promise<RerunReadiness> {
  const poll = await lastPoll(db, run.workflow);
  const recent = poll !== null && now - Date.parse(poll.at) <= POLL_RECENT_MS;
  return {
    agentSeenAt: recent ? poll.at : null,
    agentName: recent ? poll.agentName : null,
    recentMinutes: POLL_RECENT_MS / 60_000,
    missing: missingInputs(run.workflow, run.workflowType, run.args),
  };
}

/** Refuses (BadRequest naming the inputs) a rerun of a run that lacks inputs its workflow needs; no such run passes (the rerun says 404). */
export async function assertRerunInputs(db: Db, id: string): Promise<void> {
  const run = await db.job.findUnique({ where: { id }, select: { workflow: true, workflowType: true, args: true } });
  if (!run) return;
  const missing = missingInputs(run.workflow, run.workflowType, run.args);
  if (missing.length > 0) throw badRequest(missingInputsMessage(run.workflow, missing));
}

/** "this run has no KernelSrc, which patch-triage needs: a rerun would fail at once" */
export function missingInputsMessage(workflow: string, missing: readonly string[]): string {
  return `this run has no ${missing.join(" or ")}, which ${workflow} needs: a rerun would fail at once`;
}
