// The job row of a stored run: which columns a prepared run writes and their values, in one list that the import's
// insert (save-run.ts) and the mirror's replacement of a changed run (replace-run.ts) both write, so a new column is
// written by both or by neither.
import "server-only";
import type { PreparedRun } from "@/lib/ingest/save-run";
import type { Sql } from "@/lib/db/pool";

/** How a column's placeholder is written: as it is, as JSON text, or (insert only) a timestamp defaulting to now(). */
type Cast = "json" | "now-if-null";

interface Column {
  name: string;
  value: (p: PreparedRun) => unknown;
  cast?: Cast;
  /** kept as stored when the mirror replaces a run: where and when the run was first stored, not its content */
  insertOnly?: boolean;
}

const COLUMNS: Column[] = [
  { name: "workflow", value: (p) => p.job.workflow },
  { name: "workflow_type", value: (p) => p.job.workflowType },
  { name: "status", value: (p) => p.job.status },
  { name: "description", value: (p) => p.job.description },
  { name: "link", value: (p) => p.job.link },
  { name: "args", value: (p) => p.job.args, cast: "json" },
  { name: "results", value: (p) => p.job.results, cast: "json" },
  { name: "error", value: (p) => p.job.error },
  { name: "agent_name", value: (p) => p.job.agentName },
  { name: "code_revision", value: (p) => p.job.codeRevision },
  { name: "correct", value: (p) => p.job.correct },
  { name: "created_at", value: (p) => p.job.createdAt, cast: "now-if-null", insertOnly: true },
  { name: "started_at", value: (p) => p.job.startedAt },
  { name: "finished_at", value: (p) => p.job.finishedAt },
  { name: "source", value: (p) => p.job.source, insertOnly: true },
  { name: "source_hash", value: (p) => p.hash },
  { name: "minute_precision", value: (p) => p.job.minutePrecision, insertOnly: true },
  { name: "verdict", value: (p) => p.job.verdict },
  { name: "external_bug_id", value: (p) => p.job.externalBugId },
  { name: "dashboard_link", value: (p) => p.job.dashboardLink },
  { name: "code_revision_link", value: (p) => p.job.codeRevisionLink },
  { name: "error_redacted", value: (p) => p.job.errorRedacted },
  { name: "values_printed", value: (p) => p.job.valuesPrinted },
  { name: "redacted_hash", value: (p) => p.redactedHash },
];

function placeholder(n: number, cast: Cast | undefined): string {
  if (cast === "json") return `$${n}::json`;
  if (cast === "now-if-null") return `coalesce($${n}::timestamptz, now())`;
  return `$${n}`;
}

/**
 * Inserts the job row of `prepared` under its id, unless a row with that id or content hash exists (ON CONFLICT DO
 * NOTHING, which waits for a concurrent insert of the same run and then sees its row). Returns whether it inserted.
 */
export async function insertJobRow(sql: Sql, prepared: PreparedRun): Promise<boolean> {
  const names = ["id", ...COLUMNS.map((c) => c.name)];
  const values = [prepared.id, ...COLUMNS.map((c) => c.value(prepared))];
  const params = ["$1", ...COLUMNS.map((c, i) => placeholder(i + 2, c.cast))];
  const inserted = await sql.query(
    `INSERT INTO jobs (${names.join(", ")}) VALUES (${params.join(", ")}) ON CONFLICT DO NOTHING RETURNING id`,
    values,
  );
  return (inserted.rowCount ?? 0) > 0;
}

/**
 * Overwrites the stored job row `prepared.id` with `prepared`'s content (a mirrored run the dashboard changed). Kept
 * as stored: created_at, source and minute_precision, and `correct` when a local reviewer has marked the run.
 */
export async function replaceJobRow(sql: Sql, prepared: PreparedRun): Promise<void> {
  const columns = COLUMNS.filter((c) => !c.insertOnly);
  const sets = columns.map((c, i) => {
    const value = placeholder(i + 2, c.cast);
    return c.name === "correct" ? `correct = CASE WHEN reviewed_by_id IS NULL THEN ${value} ELSE correct END` : `${c.name} = ${value}`;
  });
  await sql.query(`UPDATE jobs SET ${sets.join(", ")} WHERE id = $1`, [prepared.id, ...columns.map((c) => c.value(prepared))]);
}
