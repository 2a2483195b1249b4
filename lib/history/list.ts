// The history of runs: one page of jobs for any filters and sort, paged by keyset cursors (never OFFSET).
import { jobNumbers, type WithNumbers } from "@/lib/db/sql";
import "server-only";
import type { Db } from "@/lib/db/client";
import { HttpError } from "@/lib/http/errors";
import type { Job } from "@/lib/generated/prisma/client";
import {
  cursorFits,
  decodeCursor,
  encodeCursor,
  regionSql,
  searchQueryTextSql,
  SORT_COLUMNS,
  whereSql,
  type Cursor,
} from "@/lib/history/sql";
import { DEFAULT_QUERY, type HistoryFilters, type HistoryQuery } from "@/lib/history/query";
import { verdictWords as mainVerdictWords, type MainVerdict } from "@/lib/workflows/verdict";

type RowFields = Pick<
  Job,
  | "id"
  | "workflow"
  | "workflowType"
  | "description"
  | "status"
  | "verdict"
  | "correct"
  | "error"
  | "errorRedacted"
  | "createdAt"
  | "startedAt"
  | "finishedAt"
  | "durationMs"
  | "totalTokens"
  | "inputTokens"
  | "outputTokens"
  | "thoughtsTokens"
  | "llmCalls"
  | "toolCalls"
  | "toolErrors"
  | "spanCount"
  | "models"
  | "agents"
  | "agentName"
  | "source"
  | "rerunOfId"
  | "costUsd"
  | "costUnpriced"
>;
type StoredRow = RowFields & {
  sortValue: string | null;
  /** how many models and agents the run has: `models` and `agents` hold the first DISPLAY_MAX_ROW_CHIPS of them */
  modelCount: number;
  agentCount: number;
  /** ids of the reruns of this run, oldest first (up to 20) */
  reruns: string[];
};

/**
 * A history row; durationMs and token totals as numbers because BigInt does not cross into client components or JSON.
 * `verdictWords` is the verdict in the workflow's words (null without a verdict or for an unknown workflow).
 */
export type HistoryRow = WithNumbers<Omit<StoredRow, "sortValue">> & { verdictWords: MainVerdict | null };

export interface HistoryPage {
  jobs: HistoryRow[];
  /** cursor of the next page, null on the last one */
  next: string | null;
  /** cursor of the previous page, null on the first one */
  prev: string | null;
}

/** A request the history cannot answer as asked (a malformed cursor): the API says 400, the page says why. */
export class HistoryQueryError extends HttpError {
  constructor(message: string) {
    super("BadRequest", message);
  }
}

/** The search words as a prefix tsquery; null when there is no search. */
export async function searchTsquery(db: Db, q: string | undefined): Promise<string | null> {
  if (!q) return null;
  const [row] = await db.$queryRaw<{ q: string }[]>(searchQueryTextSql(q));
  return row?.q ?? "";
}

/** The filters as SQL, with the text search prepared. */
export async function filterWhere(db: Db, filters: HistoryFilters) {
  return whereSql(filters, await searchTsquery(db, filters.q));
}

function toRow(r: StoredRow): HistoryRow {
  const { sortValue: _cursorOnly, ...row } = r;
  const verdictWords = r.verdict == null ? null : mainVerdictWords(r.workflow, r.verdict, r.workflowType);
  return { ...jobNumbers(row), verdictWords };
}

function cursorOf(r: StoredRow): string {
  return encodeCursor({ value: r.sortValue, id: r.id });
}

/** One page of the history for a validated query. */
export async function findJobs(db: Db, query: HistoryQuery): Promise<HistoryPage> {
  const backward = Boolean(query.before);
  const cursor = decodeCursor(query.before ?? query.after);
  const { nullable } = SORT_COLUMNS[query.sort];
  if (cursor === "invalid" || (cursor && ((cursor.value === null && !nullable) || !cursorFits(query.sort, cursor)))) {
    throw new HistoryQueryError(`${backward ? "before" : "after"}: not a cursor of this list (sorted by ${query.sort})`);
  }
  const where = await filterWhere(db, query);
  // Walking backward is walking forward in the reversed order: regions swapped, direction flipped.
  const desc = (query.dir === "desc") !== backward;
  const regions: ("value" | "null")[] = nullable ? (backward ? ["null", "value"] : ["value", "null"]) : ["value"];
  const first = cursor ? regions.indexOf(cursor.value === null ? "null" : "value") : 0;
  const want = query.size + 1;
  const rows: StoredRow[] = [];
  for (let i = first; i < regions.length && rows.length < want; i++) {
    const sql = regionSql({
      sort: query.sort,
      desc,
      region: regions[i]!,
      cursor: i === first ? (cursor as Cursor | null) : null,
      where,
      limit: want - rows.length,
    });
    rows.push(...(await db.$queryRaw<StoredRow[]>(sql)));
  }
  const more = rows.length > query.size;
  const page = rows.slice(0, query.size);
  if (backward) page.reverse();
  const head = page[0];
  const tail = page[page.length - 1];
  return {
    jobs: page.map(toRow),
    next: tail && (backward ? true : more) ? cursorOf(tail) : null,
    prev: head && (backward ? more : Boolean(cursor)) ? cursorOf(head) : null,
  };
}

/** The history newest first, for callers that only page (no filters). */
export async function listJobs(db: Db, opts: { limit?: number; cursor?: string | null } = {}): Promise<HistoryPage> {
  return findJobs(db, { ...DEFAULT_QUERY, size: Math.min(Math.max(opts.limit ?? 50, 1), 500), after: opts.cursor ?? undefined });
}
