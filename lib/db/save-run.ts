// Stores an imported run (job + spans) in one transaction, idempotently: the same content twice is one job.
import "server-only";
import { createHash } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { spanToRow } from "@/lib/db/span-rows";
import type { ImportedRun, Span } from "@/lib/trajectory/span";
import { parentSeqs } from "@/lib/trajectory/tree";
import { runTotals } from "@/lib/trajectory/summary";
import { mainVerdict } from "@/lib/trajectory/verdict";
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

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Rows per INSERT: well under PostgreSQL's 65,535 bind parameters at 18 columns a row.
const SPAN_BATCH = 1000;

/** A stable UUID for a run that has no UUID of its own (name-based, like UUID v5). */
export function uuidFrom(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function contentHash(run: ImportedRun): string {
  return createHash("sha256").update(JSON.stringify({ job: run.job, spans: run.spans })).digest("hex");
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
  return run.spans.length ? "running" : "pending";
}

export async function saveImportedRun(db: Db, run: ImportedRun): Promise<SavedRun> {
  const { job, spans } = run;
  const flow = flowSpan(spans);
  const workflow = job.Workflow || flow?.Name || "unknown";
  const results = job.Results ?? flow?.Results ?? null;
  const hash = contentHash(run);
  const id = job.ID && UUID_RE.test(job.ID) ? job.ID.toLowerCase() : uuidFrom(job.ID ? `job:${job.ID}` : `content:${hash}`);
  const totals = runTotals(
    spans.map((s) => ({
      seq: s.Seq,
      nesting: s.Nesting,
      type: s.Type,
      name: s.Name,
      startedAt: new Date(s.Started),
      finishedAt: date(s.Finished),
      error: s.Error,
      inputTokens: s.InputTokens,
      outputTokens: s.OutputTokens,
      outputThoughtsTokens: s.OutputThoughtsTokens,
    })),
  );
  const status = statusOf(run, flow);
  const verdict = mainVerdict(workflow, results);
  const saved: SavedRun = { id, workflow, spanCount: spans.length, verdict, status, created: true };

  const fields = {
    workflow,
    workflowType: job.Type ?? "",
    status,
    description: job.Description ?? "",
    link: job.Link ?? "",
    args: (job.Args ?? flow?.Args ?? undefined) as Prisma.InputJsonValue | undefined,
    results: (results ?? undefined) as Prisma.InputJsonValue | undefined,
    error: job.Error || flow?.Error || null,
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
    ...totals,
    durationMs: totals.durationMs == null ? null : BigInt(totals.durationMs),
  };

  return db.$transaction(
    async (tx) => {
      const existing = await tx.job.findFirst({ where: { OR: [{ id }, { sourceHash: hash }] }, select: { id: true, sourceHash: true } });
      if (existing?.sourceHash === hash) return { ...saved, id: existing.id, created: false };
      if (existing) {
        // A newer copy of a job we have (same ID, other content): it replaces the stored one.
        await tx.span.deleteMany({ where: { jobId: id } });
        await tx.job.update({ where: { id }, data: fields });
      } else {
        await tx.job.create({ data: { id, ...fields } });
      }
      const parents = parentSeqs(spans.map((s) => ({ seq: s.Seq, nesting: s.Nesting })));
      const rows = spans.map((s, i) => spanToRow(id, s, parents[i] ?? null));
      for (let i = 0; i < rows.length; i += SPAN_BATCH) {
        await tx.span.createMany({ data: rows.slice(i, i + SPAN_BATCH) });
      }
      return saved;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}
