// What a stored run keeps of an error the dashboard hid (dashboard/app/ai.go sanitizeUIJobs, aiErrorPlaceholder): a
// note of ours in its place. Here, not in lib/import, because the write path compares copies by it (lib/ingest).

/** Stored as the error of a span or job whose error the dashboard hid: it still failed, the reason is unknown. */
export const HIDDEN_ERROR_NOTE = "Error hidden by the dashboard: the page was saved by a reader who is not a dashboard admin.";

/**
 * The run as a reader who is not a dashboard admin would have saved it: every job and span error replaced by
 * HIDDEN_ERROR_NOTE (dashboard/app/ai.go sanitizeUIJobs and handleAIJobPage replace exactly these, nothing else).
 * Two copies of one job, one saved redacted and one in full, have the same redacted form.
 */
export function redactedForm<R extends { job: { Error?: string; ErrorRedacted?: boolean }; spans: { Error?: string }[] }>(run: R): R {
  return {
    ...run,
    job: run.job.Error ? { ...run.job, Error: HIDDEN_ERROR_NOTE, ErrorRedacted: true } : run.job,
    spans: run.spans.map((s) => (s.Error ? { ...s, Error: HIDDEN_ERROR_NOTE } : s)),
  };
}

/** True when some error of the run was hidden by the dashboard (the copy is a redacted one). */
export function hasRedactions(run: { job: { ErrorRedacted?: boolean }; spans: { Error?: string }[] }): boolean {
  return Boolean(run.job.ErrorRedacted) || run.spans.some((s) => s.Error === HIDDEN_ERROR_NOTE);
}
