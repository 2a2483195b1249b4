// Fills an empty database with the demo runs, so a newcomer sees real pages at once.
import "server-only";
import type { Db } from "@/lib/db/client";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { demoRuns } from "@/lib/demo/runs";

/** Returns how many demo runs were stored (0 when the database already had runs); kernelRoot: see demoRuns. */
export async function seedDemoIfEmpty(db: Db, kernelRoot?: string): Promise<number> {
  if ((await db.job.count()) > 0) return 0;
  const runs = demoRuns(new Date(), kernelRoot);
  for (const run of runs) await saveImportedRun(run);
  return runs.length;
}
