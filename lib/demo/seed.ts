// Fills an empty database with the demo runs, so a newcomer sees real pages at once.
import "server-only";
import type { Db } from "@/lib/db/client";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { demoRuns } from "@/lib/demo/runs";
import type { ImportedRun } from "@/lib/trajectory/span";

/**
 * Returns how many demo runs were stored (0 when the database already had runs); kernelRoot: see demoRuns. `prepare`
 * may change each run before it is stored (scripts/start.ts records the agent's real tool outputs on the demo
 * checkouts with it).
 */
export async function seedDemoIfEmpty(
  db: Db,
  kernelRoot?: string,
  prepare: (run: ImportedRun) => Promise<ImportedRun> = async (run) => run,
): Promise<number> {
  if ((await db.job.count()) > 0) return 0;
  const runs = demoRuns(new Date(), kernelRoot);
  for (const run of runs) await saveImportedRun(await prepare(run));
  return runs.length;
}
