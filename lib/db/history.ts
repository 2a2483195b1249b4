// Queries of the history of runs; they read the totals kept on jobs and never touch spans or large text.
import "server-only";
import type { Db } from "@/lib/db/client";

/** Columns the history list shows: totals kept on the job, no payloads. */
const listColumns = {
  id: true,
  workflow: true,
  description: true,
  status: true,
  verdict: true,
  error: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
  inputTokens: true,
  outputTokens: true,
  thoughtsTokens: true,
  llmCalls: true,
  toolCalls: true,
  toolErrors: true,
  spanCount: true,
  source: true,
  rerunOfId: true,
} as const;

export interface HistoryPage {
  jobs: HistoryRow[];
  /** cursor of the next (older) page, null on the last page */
  next: string | null;
}

type StoredRow = Awaited<ReturnType<typeof fetchRows>>[number];
/** A history row; durationMs as a number because BigInt does not cross into client components. */
export type HistoryRow = Omit<StoredRow, "durationMs"> & { durationMs: number | null };

function fetchRows(db: Db, take: number, cursor: { createdAt: Date; id: string } | null) {
  return db.job.findMany({
    select: listColumns,
    // Keyset pagination on (createdAt, id) so deep pages cost what the first one does.
    where: cursor
      ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }
      : undefined,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
  });
}

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined): { createdAt: Date; id: string } | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}

/** The history of runs, newest first. */
export async function listJobs(db: Db, opts: { limit?: number; cursor?: string | null } = {}): Promise<HistoryPage> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const rows = await fetchRows(db, limit + 1, decodeCursor(opts.cursor));
  const page = rows.slice(0, limit).map((r) => ({ ...r, durationMs: r.durationMs == null ? null : Number(r.durationMs) }));
  const last = page[page.length - 1];
  return { jobs: page, next: rows.length > limit && last ? encodeCursor(last) : null };
}

export async function countJobs(db: Db): Promise<number> {
  return db.job.count();
}
