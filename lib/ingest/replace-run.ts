// A mirrored run the dashboard changed (a job that was running has finished, a reviewer marked it): the one case where
// a stored run's content is replaced. Only runs the mirror stored (source "mirror") are; anything else stays
// append-only (RunConflictError), as in save-run.ts.
import "server-only";
import { insertSpans } from "@/lib/ingest/insert-spans";
import { writeDigest } from "@/lib/ingest/digest";
import { replaceJobRow } from "@/lib/ingest/job-row";
import { RunConflictError, spanRows, storePreparedRun, type PreparedRun, type SavedRun } from "@/lib/ingest/save-run";
import { recordAuditSql, type Actor } from "@/lib/audit/log";
import type { Sql } from "@/lib/db/pool";

/**
 * Stores `prepared` (a run read from a dashboard by lib/mirror) in the caller's transaction: new → inserted as an
 * import is; same content → nothing written (created: false); other content of a run the mirror stored → its spans
 * and job fields replaced, the digest rewritten, audited ("mirror.update"). A local reviewer's mark is kept.
 * Throws RunConflictError when the stored run did not come from the mirror.
 */
export async function storeMirroredRun(sql: Sql, prepared: PreparedRun, actor: Actor): Promise<SavedRun & { updated: boolean }> {
  const { id, hash, job } = prepared;
  const { rows } = await sql.query<{ source: string; source_hash: string | null; redacted_hash: string | null }>(
    `SELECT source, source_hash, redacted_hash FROM jobs WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const stored = rows[0];
  if (!stored) return { ...(await storePreparedRun(sql, prepared, actor)), updated: false };
  // The same content, or a redacted copy of a job whose hidden errors were filled in since: nothing to replace.
  if (stored.source_hash === hash || (prepared.redacted && stored.redacted_hash === prepared.redactedHash)) {
    return { ...prepared.saved, created: false, updated: false };
  }
  if (stored.source !== "mirror") throw new RunConflictError(id);
  await sql.query(`DELETE FROM spans WHERE job_id = $1`, [id]);
  await replaceJobRow(sql, prepared);
  await insertSpans(sql, spanRows(id, prepared.spans));
  await writeDigest(sql, id, prepared.digest);
  await recordAuditSql(sql, actor, "mirror.update", id, { status: job.status, spans: prepared.spans.length });
  return { ...prepared.saved, created: false, updated: true };
}
