// A run's Args and Results as its page and Compare show them: read as UTF-8 bytes in pieces (lib/db/utf8-pieces.ts)
// and cut to the display budget before anything is parsed (lib/text/json-scan.ts budgetJsonText, on a worker thread
// when large), so Results of 990,000 strings cost the event loop a parse of what is shown. Read by Prisma and parsed
// whole they held it 267-381 ms per view of a 326 KB page. What was cut is marked (lib/text/budget.ts markCut): the
// page says "N more" with the stored count; the whole values are at GET /api/jobs/<id>.
import "server-only";
import { budgetJsonBytes, type JsonBudget } from "@/lib/text/json-scan";
import { parseBudgeted } from "@/lib/text/budget";
import { defineTask, runTask } from "@/lib/workers/pool";
import { readerPool } from "@/lib/db/pools";
import { readsPrimary } from "@/lib/db/read-your-writes";
import { readUtf8 } from "@/lib/db/utf8-pieces";
import { HttpError } from "@/lib/http/errors";
import { DISPLAY_MAX_ITEMS, DISPLAY_MAX_READ_VALUES } from "@/lib/limits";

export const BUDGET_JSON_TASK = defineTask("lib/text/json-scan.ts", "budgetJsonBytes", budgetJsonBytes);

/** What a page reads of a stored value; `keep`: the root object's keys read wherever they stand (a workflow's fields). */
export const displayBudget = (keep: readonly string[] = []): JsonBudget => ({
  items: DISPLAY_MAX_ITEMS,
  values: DISPLAY_MAX_READ_VALUES,
  keep,
});

/**
 * A job's JSON columns ("args", "results") as the values a page shows, each read within its budget; null for a SQL
 * NULL. Read on the reader's pool of class `cls` (lib/db/pools.ts), cut off the main thread when the texts pass
 * OFF_THREAD_MIN_BYTES (here when every thread is busy and the queue is full: a page is not refused for it, and the
 * scan is one pass that builds nothing per skipped element).
 */
export async function readJobJson(
  id: string,
  columns: readonly ("args" | "results")[],
  budgets: JsonBudget[],
  cls: "read" | "expensive" = "read",
): Promise<unknown[]> {
  const sql = readerPool(cls, { primary: await readsPrimary() });
  const bytes = await readUtf8(
    sql,
    columns.map((c) => `${c}::text`),
    "FROM jobs WHERE id = $1::uuid",
    [id],
  );
  const size = bytes.reduce((n, b) => n + (b?.byteLength ?? 0), 0);
  const input = { bytes, budgets };
  const cut = await runTask(
    BUDGET_JSON_TASK,
    input,
    size,
    bytes.filter((b) => b !== null),
  ).catch((e: unknown) => {
    if (e instanceof HttpError && e.code === "TooManyRequests") return budgetJsonBytes(input);
    throw e;
  });
  return cut.map((c) => (c == null ? null : parseBudgeted(c)));
}
