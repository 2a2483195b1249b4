// Where a run stands for a reader: whether an agent may still report to it (then it is followed live and its
// unfinished spans are running), or whether it is over, or an import that never finished (incomplete).
import type { JobStatus } from "@/lib/generated/prisma/enums";

/** Sources an agent reports into over the protocol (the job was polled, or queued as a rerun for an agent to take). */
const AGENT_SOURCES = new Set(["agent", "rerun"]);

/** The job statuses, and `incomplete`: an imported run whose flow never finished (kept as such by the write path). */
export type RunStatus = JobStatus | "incomplete";

/**
 * True while spans may still arrive: the job is pending or running and an agent reports into it. An imported run is
 * never live, whatever status it was stored with: no agent holds it, so it would wait forever.
 */
export function followsAgent(status: string, source: string): boolean {
  return (status === "pending" || status === "running") && AGENT_SOURCES.has(source);
}

/** The status to show: `incomplete` for an import that never finished (stored as running or pending before that status existed). */
export function shownStatus(status: RunStatus, source: string): RunStatus {
  if ((status === "pending" || status === "running") && !AGENT_SOURCES.has(source)) return "incomplete";
  return status;
}
