// Where a run stands: the one rule for "is this run live" (an agent may still report to it), for server and browser.
import { JobStatus } from "@/lib/generated/prisma/enums";

export type RunStatus = JobStatus;

/**
 * True while spans may still arrive: pending (queued for an agent) or running (an agent holds it). An imported run
 * that never finished is stored as `incomplete` by the write path (lib/ingest/save-run.ts), never as running, so no
 * import waits live forever.
 */
export function isLive(status: string): boolean {
  return status === "pending" || status === "running";
}

/**
 * The statuses a run may be rerun from: every one but the live ones, which have not given their answer yet — an
 * imported run that never finished (incomplete) included: it never will.
 */
export const RERUNNABLE_STATUSES: readonly RunStatus[] = Object.values(JobStatus).filter((s) => !isLive(s));
