// The per-day rollups' upkeep. The jobs triggers append each statement's change to job_day_deltas and
// job_day_model_deltas (prisma/migrations/*_history_rollup_deltas): appends take no row lock, so writers of runs never
// queue behind each other on a hot day's row. job_days_compact() folds the deltas into job_days / job_day_models;
// each server process calls it every few seconds, one caller at a time across instances (an advisory lock in SQL).
// Readers sum folded rows and deltas (lib/history/sql.ts rollupSource), so the figures are exact whether or not a
// compaction has run: compaction only keeps the deltas few.
import "server-only";
import { pool } from "@/lib/db/pool";

/** How often a server process folds the deltas, ms. */
export const ROLLUP_COMPACT_INTERVAL_MS = 5_000;

/** Folds the committed deltas into the rollups now; returns how many delta rows moved (0 when another caller holds it). */
export async function compactRollups(): Promise<number> {
  const { rows } = await pool().query<{ moved: number }>(`SELECT job_days_compact() AS moved`);
  return rows[0]?.moved ?? 0;
}

/** Starts the periodic compaction (an unref'd timer); returns the function that stops it. Failures are logged, not thrown. */
export function startRollupCompaction(intervalMs = ROLLUP_COMPACT_INTERVAL_MS): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    compactRollups()
      .catch((e: unknown) => console.error("folding the history's per-day rollups failed:", e instanceof Error ? e.message : e))
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
