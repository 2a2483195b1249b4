// Errors the dashboard hides: for every reader who is not a dashboard admin, a job page shows a placeholder in place
// of the job's and each span's error (dashboard/app/ai.go sanitizeUIJobs, aiErrorPlaceholder). The placeholder is
// not the error, so it is never stored as one: the run keeps a note of ours and a flag.

/** What the dashboard writes in place of a hidden error (dashboard/app/ai.go aiErrorPlaceholder). */
export const DASHBOARD_ERROR_PLACEHOLDER = "log-in to see details";

export { HIDDEN_ERROR_NOTE } from "@/lib/trajectory/redaction";

/** True for the dashboard's placeholder (as sent, without surrounding space). */
export function isHiddenError(error: unknown): boolean {
  return typeof error === "string" && error.trim() === DASHBOARD_ERROR_PLACEHOLDER;
}
