// Stores an imported run (job + spans) in one transaction, idempotently: the same content twice is one job.
import "server-only";
import { createHash } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { spanToRow } from "@/lib/trajectory/span-rows";
import { isJobId } from "@/lib/trajectory/job-id";
import { dashboardJobColumns, type ImportedRun, type Span } from "@/lib/trajectory/span";
import { parentSeqs } from "@/lib/trajectory/tree";
import { verdictOf } from "@/lib/workflows/verdict";
import { insertSpans } from "@/lib/ingest/insert-spans";
import { jobDigest, writeSearchVector } from "@/lib/ingest/digest";
import type { JobStatus, Prisma } from "@/lib/generated/prisma/client";

export interface SavedRun {
  id: string;
  workflow: string;
  spanCount: number;
  verdict: boolean | null;
  status: JobStatus;
  /** false when the same run was already stored (nothing was written) */
  created: boolean;
}


/** A stable UUID for a run that has no UUID of its own (name-based, like UUID v5). */
export function uuidFrom(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A run that cannot be stored as it is (the reason says why); importers report it like a bad file. */
export class InvalidRunError extends Error {}

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

function contentHash(run: ImportedRun): string {
  return createHash("sha256").update(canonicalJson({ job: run.job, spans: run.spans })).digest("hex");
}

function date(s: string | undefined): Date | null {
  return s ? new Date(s) : null;
}

function flowSpan(spans: Span[]): Span | undefined {
  return spans.find((s) => s.Nesting === 0 && s.Type === "flow") ?? spans.find((s) => s.Nesting === 0);
}

function statusOf(run: ImportedRun, flow: Span | undefined): JobStatus {
  if (run.job.Error || flow?.Error) return "failed";
  if (run.job.Finished || flow?.Finished) return "finished";
  // A job the dashboard says was started is running even before its first span arrived.
  return run.spans.length || run.job.Started ? "running" : "pending";
}

/** A run checked and turned into rows, ready to store; preparing writes nothing. */
export type PreparedRun = ReturnType<typeof prepareRun>;

/** Checks a run and computes what is stored; throws InvalidRunError before anything is written. */
export function prepareRun(run: ImportedRun) {
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
      finishedAt: date(s.Finished),
      error: s.Error,
      inputTokens: s.InputTokens,
      outputTokens: s.OutputTokens,
      outputThoughtsTokens: s.OutputThoughtsTokens,
    })),
  );
  if (digest.overflow) throw new InvalidRunError(digest.overflow);
  const status = statusOf(run, flow);
  const verdict = verdictOf(workflow, results, job.Type);
  const saved: SavedRun = { id, workflow, spanCount: spans.length, verdict, status, created: true };

  const fields = {
    workflow,
    workflowType: job.Type ?? "",
    status,
    description,
    link,
    args: (job.Args ?? flow?.Args ?? undefined) as Prisma.InputJsonValue | undefined,
    results: (results ?? undefined) as Prisma.InputJsonValue | undefined,
    error,
    agentName: job.AgentName || null,
    codeRevision: job.CodeRevision || null,
    correct: job.Correct ?? null,
    createdAt: date(job.Created) ?? date(job.Started) ?? date(flow?.Started) ?? new Date(),
    startedAt: date(job.Started) ?? date(flow?.Started),
    finishedAt: date(job.Finished) ?? date(flow?.Finished),
    source: run.source,
    sourceHash: hash,
    minutePrecision: run.minutePrecision,
    verdict,
    ...dashboardJobColumns(job),
    ...digest.fields,
  };

  return { id, hash, saved, fields, searchText: digest.searchText, spans };
}

/** Writes a prepared run inside the caller's transaction; an identical stored run is found and left as it is. */
export async function storePreparedRun(tx: Prisma.TransactionClient, prepared: PreparedRun): Promise<SavedRun> {
  const { id, hash, saved, fields, spans } = prepared;
  const existing = await tx.job.findFirst({ where: { OR: [{ id }, { sourceHash: hash }] }, select: { id: true, sourceHash: true } });
  if (existing?.sourceHash === hash) return { ...saved, id: existing.id, created: false };
  if (existing) {
    // A newer copy of a job we have (same ID, other content): it replaces the stored one.
    await tx.span.deleteMany({ where: { jobId: id } });
    await tx.job.update({ where: { id }, data: fields });
  } else {
    await tx.job.create({ data: { id, ...fields } });
  }
  await writeSearchVector(tx, id, prepared.searchText);
  const parents = parentSeqs(spans.map((s) => ({ seq: s.Seq, nesting: s.Nesting })));
  const rows = spans.map((s, i) => spanToRow(id, s, parents[i] ?? null));
  await insertSpans(tx, rows);
  return saved;
}

/** Big runs take a while to insert; the default 5 s would abort a 100,000-span import. */
export const IMPORT_TRANSACTION = { timeout: 120_000, maxWait: 10_000 };

export async function saveImportedRun(db: Db, run: ImportedRun): Promise<SavedRun> {
  const prepared = prepareRun(run);
  return db.$transaction((tx) => storePreparedRun(tx, prepared), IMPORT_TRANSACTION);
}
