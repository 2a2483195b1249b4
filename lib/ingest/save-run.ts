// Stores an imported run (job + spans), append-only: a run already stored is never replaced, the same content twice is
// one job, and other content under a used job ID is refused (409) rather than rewriting history without a trace.
import "server-only";
import { createHash } from "node:crypto";
import { spanToRow, type SpanRow } from "@/lib/trajectory/span-rows";
import { isJobId } from "@/lib/trajectory/job-id";
import { dashboardJobColumns, type ImportedRun, type Span } from "@/lib/trajectory/span";
import { parentSeqs } from "@/lib/trajectory/tree";
import { toMicrosUtc } from "@/lib/trajectory/time";
import { verdictOf } from "@/lib/workflows/verdict";
import { ensureExtraWorkflows } from "@/lib/workflows/extra-file";
import { insertSpans } from "@/lib/ingest/insert-spans";
import { insertJobRow } from "@/lib/ingest/job-row";
import { writeDigest } from "@/lib/ingest/digest";
import { jobDigest, type JobDigest } from "@/lib/ingest/job-digest";
import { inTransaction, type Sql } from "@/lib/db/pool";
import { recordAuditSql, type Actor } from "@/lib/audit/log";
import { HIDDEN_ERROR_NOTE, hasRedactions, redactedForm } from "@/lib/trajectory/redaction";
import type { JobStatus } from "@/lib/generated/prisma/client";

export interface SavedRun {
  id: string;
  workflow: string;
  spanCount: number;
  verdict: boolean | null;
  status: JobStatus;
  /** false when the same run was already stored (nothing was written, or only hidden errors filled in) */
  created: boolean;
  /**
   * How a copy of a stored job was taken: "redacted-copy" when it is a redacted copy of what is stored (nothing
   * written), "filled-in" when it is the full copy of a job stored redacted and filled in its hidden errors.
   */
  copy?: "redacted-copy" | "filled-in";
}

/** A stable UUID for a run that has no UUID of its own (name-based, like UUID v5). */
export function uuidFrom(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A run whose job ID is already stored with other content: history is append-only, so it is refused (409). */
export class RunConflictError extends Error {
  constructor(readonly id: string) {
    super(`run ${id} is already stored with other content; runs are never replaced (import it without its ID to keep both)`);
  }
}

/** JSON with object keys sorted, so the same run hashes the same whatever key order its file used. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

function contentHash(run: Pick<ImportedRun, "job" | "spans">): string {
  return createHash("sha256")
    .update(canonicalJson({ job: run.job, spans: run.spans }))
    .digest("hex");
}

function flowSpan(spans: Span[]): Span | undefined {
  return spans.find((s) => s.Nesting === 0 && s.Type === "flow") ?? spans.find((s) => s.Nesting === 0);
}

/**
 * An imported run is finished, failed or incomplete — never pending or running: no agent holds it, so the poll must
 * not hand it out and the silent-agent timer must not abort it. An empty trajectory without Finished is incomplete too.
 */
function statusOf(run: ImportedRun, flow: Span | undefined): JobStatus {
  if (run.job.Error || flow?.Error) return "failed";
  if (run.job.Finished || flow?.Finished) return "finished";
  return "incomplete";
}

function micros(s: string | undefined): string | null {
  return s ? toMicrosUtc(s) : null;
}

/** A run checked and turned into what is stored; preparing writes nothing. */
export interface PreparedRun {
  id: string;
  hash: string;
  /** the hash of the run's redacted form: shared by a redacted and a full copy of one job */
  redactedHash: string;
  /** some error of this copy was hidden by the dashboard */
  redacted: boolean;
  saved: SavedRun;
  job: {
    workflow: string;
    workflowType: string;
    status: JobStatus;
    description: string;
    link: string;
    args: string | null;
    results: string | null;
    error: string | null;
    agentName: string | null;
    codeRevision: string | null;
    correct: boolean | null;
    createdAt: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    source: string;
    minutePrecision: boolean;
    verdict: boolean | null;
  } & ReturnType<typeof dashboardJobColumns>;
  digest: JobDigest;
  spans: Span[];
}

/** Checks a run and computes what is stored (token totals are int8: every valid run fits). */
export function prepareRun(run: ImportedRun): PreparedRun {
  const { job, spans } = run;
  const flow = flowSpan(spans);
  const workflow = job.Workflow || flow?.Name || "unknown";
  const results = job.Results ?? flow?.Results ?? null;
  const hash = contentHash(run);
  const id = job.ID && isJobId(job.ID) ? job.ID.toLowerCase() : uuidFrom(job.ID ? `job:${job.ID}` : `content:${hash}`);
  const description = job.Description ?? "";
  const link = job.Link ?? "";
  const error = job.Error || flow?.Error || null;
  const digest = jobDigest(
    { workflow, description, link, results, error },
    spans.map((s) => ({
      seq: s.Seq,
      nesting: s.Nesting,
      type: s.Type,
      name: s.Name,
      model: s.Model,
      startedAt: new Date(s.Started),
      finishedAt: s.Finished ? new Date(s.Finished) : null,
      error: s.Error,
      inputTokens: s.InputTokens,
      outputTokens: s.OutputTokens,
      outputThoughtsTokens: s.OutputThoughtsTokens,
    })),
  );
  const status = statusOf(run, flow);
  ensureExtraWorkflows();
  const verdict = verdictOf(workflow, results, job.Type);
  const args = job.Args ?? flow?.Args;
  return {
    id,
    hash,
    redactedHash: contentHash(redactedForm(run)),
    redacted: hasRedactions(run),
    saved: { id, workflow, spanCount: spans.length, verdict, status, created: true },
    job: {
      workflow,
      workflowType: job.Type ?? "",
      status,
      description,
      link,
      args: args == null ? null : JSON.stringify(args),
      results: results == null ? null : JSON.stringify(results),
      error,
      agentName: job.AgentName || null,
      codeRevision: job.CodeRevision || null,
      correct: job.Correct ?? null,
      createdAt: micros(job.Created) ?? micros(job.Started) ?? micros(flow?.Started),
      startedAt: micros(job.Started) ?? micros(flow?.Started),
      finishedAt: micros(job.Finished) ?? micros(flow?.Finished),
      source: run.source,
      minutePrecision: run.minutePrecision,
      verdict,
      ...dashboardJobColumns(job),
    },
    digest,
    spans,
  };
}

/** The rows of a run's spans, each with its parent's seq (lib/trajectory/tree.ts). */
export function* spanRows(id: string, spans: Span[]): Generator<SpanRow> {
  const parents = parentSeqs(spans.map((s) => ({ seq: s.Seq, nesting: s.Nesting })));
  for (let i = 0; i < spans.length; i++) yield spanToRow(id, spans[i]!, parents[i] ?? null);
}

/**
 * Writes a prepared run inside the caller's transaction (`sql`). An identical stored run (same content hash) is found
 * and left as it is (created: false); other content under a stored ID throws RunConflictError. With an actor, the
 * import is audited (action "import") in the same transaction.
 */
export async function storePreparedRun(sql: Sql, prepared: PreparedRun, actor?: Actor): Promise<SavedRun> {
  const { id, hash, saved, job } = prepared;
  if (!(await insertJobRow(sql, prepared))) {
    const { rows: existing } = await sql.query<{ id: string; source_hash: string | null; redacted_hash: string | null }>(
      `SELECT id::text, source_hash, redacted_hash FROM jobs WHERE id = $1 OR source_hash = $2`,
      [id, hash],
    );
    const same = existing.find((e) => e.source_hash === hash);
    if (same) return { ...saved, id: same.id, created: false };
    const copy = existing.find((e) => e.id === id && e.redacted_hash === prepared.redactedHash);
    if (copy) return storeCopy(sql, prepared, actor);
    throw new RunConflictError(id);
  }
  await insertSpans(sql, spanRows(id, prepared.spans));
  await writeDigest(sql, id, prepared.digest);
  if (actor) await recordAuditSql(sql, actor, "import", id, { workflow: job.workflow, spans: saved.spanCount, source: job.source });
  return saved;
}

/**
 * A copy of a stored job that differs from it only where errors were hidden (their redacted forms are the same). A
 * redacted copy writes nothing; a full copy fills in each error the stored copy has hidden (HIDDEN_ERROR_NOTE), with
 * its search text and the run's digest, and is audited ("import.fill_redacted"). An error present in both copies with other
 * text is another difference: RunConflictError.
 */
async function storeCopy(sql: Sql, prepared: PreparedRun, actor?: Actor): Promise<SavedRun> {
  const { id, saved } = prepared;
  const { rows: jobRows } = await sql.query<{ error: string | null; error_redacted: boolean }>(
    `SELECT error, error_redacted FROM jobs WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const stored = jobRows[0]!;
  const { rows: spanErrors } = await sql.query<{ seq: number; error: string }>(
    `SELECT seq, error FROM spans WHERE job_id = $1 AND error IS NOT NULL ORDER BY seq`,
    [id],
  );
  const incoming = new Map(prepared.spans.map((s) => [s.Seq, s]));
  const fillSpans: Span[] = [];
  for (const { seq, error } of spanErrors) {
    const theirs = incoming.get(seq)?.Error;
    if (theirs === error || theirs === HIDDEN_ERROR_NOTE) continue;
    if (error === HIDDEN_ERROR_NOTE && theirs) fillSpans.push(incoming.get(seq)!);
    else throw new RunConflictError(id);
  }
  const fillJob = stored.error_redacted && !prepared.job.errorRedacted && prepared.job.error !== null;
  if (!stored.error_redacted && !prepared.job.errorRedacted && stored.error !== prepared.job.error) throw new RunConflictError(id);
  if (!fillJob && fillSpans.length === 0) return { ...saved, created: false, copy: "redacted-copy" };
  if (fillJob) {
    await sql.query(`UPDATE jobs SET error = $2, error_redacted = false WHERE id = $1`, [id, prepared.job.error]);
  }
  const parents = new Map(
    parentSeqs(prepared.spans.map((s) => ({ seq: s.Seq, nesting: s.Nesting }))).map((p, i) => [prepared.spans[i]!.Seq, p]),
  );
  for (const s of fillSpans) {
    const row = spanToRow(id, s, parents.get(s.Seq) ?? null);
    await sql.query(`UPDATE spans SET error = $3, search_text = $4 WHERE job_id = $1 AND seq = $2`, [id, s.Seq, row.error, row.searchText]);
  }
  // The full copy is now what is stored: importing it again is "already imported".
  if (!prepared.redacted) await sql.query(`UPDATE jobs SET source_hash = $2 WHERE id = $1`, [id, prepared.hash]);
  await writeDigest(sql, id, prepared.digest);
  if (actor) await recordAuditSql(sql, actor, "import.fill_redacted", id, { jobError: fillJob, spanErrors: fillSpans.map((s) => s.Seq) });
  return { ...saved, created: false, copy: "filled-in" };
}

/** Stores one run in its own transaction (demo data, tests, benchmarks); see storePreparedRun. */
export async function saveImportedRun(run: ImportedRun, actor?: Actor): Promise<SavedRun> {
  const prepared = prepareRun(run);
  return inTransaction((sql) => storePreparedRun(sql, prepared, actor));
}
