// Queries of one run for the run page: its header, its outline (no payloads), one span, and search in its spans.
import "server-only";
import type { Db } from "@/lib/db/client";
import { rowToSpan } from "@/lib/db/span-rows";
import { isJobId } from "@/lib/db/job-id";
import type { OutlineRow } from "@/lib/trajectory/outline";

/** One run with its whole trajectory (imports and tests compare what was stored). */
export async function getRun(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    include: {
      spans: { orderBy: { seq: "asc" } },
      rerunOf: { select: { id: true } },
      reruns: { select: { id: true, createdAt: true }, orderBy: { createdAt: "asc" } },
      reviewedBy: { select: { email: true } },
    },
  });
  if (!job) return null;
  return { ...job, durationMs: job.durationMs == null ? null : Number(job.durationMs) };
}

/** One run without its spans: the page header reads the totals kept on the job, never the spans. */
export async function getRunHeader(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    include: {
      rerunOf: { select: { id: true } },
      reruns: { select: { id: true, createdAt: true }, orderBy: { createdAt: "asc" } },
      reviewedBy: { select: { email: true } },
    },
  });
  if (!job) return null;
  return { ...job, durationMs: job.durationMs == null ? null : Number(job.durationMs) };
}

export type Run = NonNullable<Awaited<ReturnType<typeof getRunHeader>>>;

/** Characters of an error kept in the outline: enough for a tooltip and for search by error text. */
const ERROR_HEAD = 300;

/** The outline as PostgreSQL aggregates it: one array per column, so 100,000 spans cross as one value, not 100,000 rows. */
interface OutlineColumns {
  seq: number[];
  nesting: number[];
  type: string[];
  name: string[];
  model: (string | null)[];
  start: number[];
  finish: (number | null)[];
  error: (string | null)[];
  tin: (number | null)[];
  tout: (number | null)[];
  tth: (number | null)[];
  size: number[];
}

/** Every span's shape and sizes without its payloads, in seq order; null when the job does not exist. */
export async function getOutlineRows(db: Db, id: string): Promise<OutlineRow[] | null> {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({ where: { id }, select: { id: true } });
  if (!job) return null;
  // Sizes without reading payloads: octet_length of text reads the TOAST header only; pg_column_size of
  // JSON is its stored (possibly compressed) size, an estimate that costs nothing to get.
  const [result] = await db.$queryRaw<{ outline: string | null }[]>`
    SELECT json_build_object(
      'seq', json_agg(seq ORDER BY seq), 'nesting', json_agg(nesting ORDER BY seq),
      'type', json_agg(type ORDER BY seq), 'name', json_agg(name ORDER BY seq), 'model', json_agg(model ORDER BY seq),
      'start', json_agg(extract(epoch FROM started_at) * 1000 ORDER BY seq),
      'finish', json_agg(extract(epoch FROM finished_at) * 1000 ORDER BY seq),
      'error', json_agg(left(error, ${ERROR_HEAD}) ORDER BY seq),
      'tin', json_agg(input_tokens ORDER BY seq), 'tout', json_agg(output_tokens ORDER BY seq),
      'tth', json_agg(output_thoughts_tokens ORDER BY seq),
      'size', json_agg(coalesce(pg_column_size(args), 0) + coalesce(pg_column_size(results), 0)
        + coalesce(octet_length(instruction), 0) + coalesce(octet_length(prompt), 0) + coalesce(octet_length(reply), 0)
        + coalesce(octet_length(thoughts), 0) + coalesce(octet_length(error), 0) ORDER BY seq)
    )::text AS outline
    FROM spans WHERE job_id = ${id}::uuid`;
  if (!result?.outline) return [];
  const c = JSON.parse(result.outline) as OutlineColumns;
  if (!c.seq) return [];
  return c.seq.map((seq, i) => ({
    seq,
    nesting: c.nesting[i]!,
    type: c.type[i]!,
    name: c.name[i]!,
    model: c.model[i] ?? null,
    startMs: Math.round(c.start[i]!),
    finishMs: c.finish[i] == null ? null : Math.round(c.finish[i]!),
    error: c.error[i] ?? null,
    inputTokens: c.tin[i] ?? null,
    outputTokens: c.tout[i] ?? null,
    thoughtsTokens: c.tth[i] ?? null,
    size: c.size[i]!,
  }));
}

/** One span with every field, in the wire shape (formats doc §1). */
export async function getSpan(db: Db, id: string, seq: number) {
  if (!isJobId(id) || !Number.isSafeInteger(seq)) return null;
  const row = await db.span.findUnique({ where: { jobId_seq: { jobId: id, seq } } });
  return row ? rowToSpan(row) : null;
}

export interface SpanSearch {
  /** text to find in names, models, errors and payloads (case-insensitive) */
  q: string;
  limit?: number;
}

/** Seqs of the spans whose name, model, error or any payload contains the text. */
export async function searchSpans(db: Db, id: string, { q, limit = 100_000 }: SpanSearch): Promise<number[]> {
  if (!isJobId(id) || !q) return [];
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.$queryRaw<{ seq: number }[]>`
    SELECT seq FROM spans WHERE job_id = ${id}::uuid AND (
      name ILIKE ${pattern} OR model ILIKE ${pattern} OR error ILIKE ${pattern}
      OR args::text ILIKE ${pattern} OR results::text ILIKE ${pattern}
      OR instruction ILIKE ${pattern} OR prompt ILIKE ${pattern} OR reply ILIKE ${pattern} OR thoughts ILIKE ${pattern}
    ) ORDER BY seq LIMIT ${limit}`;
  return rows.map((r) => r.seq);
}
