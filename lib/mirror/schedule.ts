// The schedule that follows dashboards: every minute, the dashboards an admin follows whose last sync started more
// than MIRROR_INTERVAL_MINUTES ago are synced, one after another. One scheduler works at a time across all app
// instances: the tick runs only while it holds a PostgreSQL advisory lock (session level, on its own connection), so
// two instances never sync the same dashboard at once.
import "server-only";
import { appConfig } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import type { Actor } from "@/lib/audit/log";
import { syncDashboard, type SyncReport } from "./sync";

/** The advisory lock's key: any fixed bigint no other part of the app uses. */
const MIRROR_LOCK_KEY = 7_314_250_001;
const TICK_MS = 60_000;
/** What the audit log names as the actor of a scheduled sync's updates. */
export const MIRROR_SCHEDULE: Actor = { id: null, label: "mirror schedule" };

/**
 * One tick: takes the lock (or returns null at once when another instance holds it), syncs each due dashboard, and
 * lets go. Returns the reports by dashboard id.
 */
export async function mirrorTick(now = new Date()): Promise<Map<number, SyncReport> | null> {
  const { MIRROR_INTERVAL_MINUTES, MIRROR_CONCURRENCY, MIRROR_DELAY_MS } = appConfig();
  const conn = await pool().connect();
  try {
    const { rows } = await conn.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1) AS ok`, [MIRROR_LOCK_KEY]);
    if (!rows[0]?.ok) return null;
    try {
      const { rows: due } = await conn.query<{ id: number }>(
        `SELECT id FROM mirror_dashboards WHERE follow AND (last_sync_started_at IS NULL OR last_sync_started_at < $1::timestamptz - make_interval(mins => $2))
         ORDER BY id`,
        [now.toISOString(), MIRROR_INTERVAL_MINUTES],
      );
      const reports = new Map<number, SyncReport>();
      for (const { id } of due) {
        reports.set(id, await syncDashboard(id, { actor: MIRROR_SCHEDULE, concurrency: MIRROR_CONCURRENCY, delayMs: MIRROR_DELAY_MS }));
      }
      return reports;
    } finally {
      await conn.query(`SELECT pg_advisory_unlock($1)`, [MIRROR_LOCK_KEY]);
    }
  } finally {
    conn.release();
  }
}

/** Runs mirrorTick every minute until the returned stop() is called; a failed tick is logged and the next one tries again. */
export function startMirrorSchedule(log: (line: string) => void = console.log): () => void {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const tick = async () => {
    try {
      const reports = await mirrorTick();
      for (const [id, r] of reports ?? []) {
        log(
          `mirror: dashboard ${id}: ${r.seen} jobs listed, ${r.created} new, ${r.updated} updated, ${r.failed} failed${r.error ? `; stopped: ${r.error}` : ""}`,
        );
      }
    } catch (e) {
      log(`mirror: the scheduled sync failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), TICK_MS);
  };
  timer = setTimeout(() => void tick(), 1000);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
