// Which read replicas may serve readers now: each is asked once a second how far it has replayed the primary's WAL,
// compared with the primary's own position over the last seconds. A replica that does not answer, is not in recovery
// (a promoted or wrongly configured server), or has not replayed what the primary had written DB_REPLICA_MAX_LAG_SECONDS
// ago is skipped until it catches up. Lag is measured by WAL position (pg_last_wal_replay_lsn against
// pg_current_wal_lsn), not by pg_last_xact_replay_timestamp alone, which grows while the primary is simply idle.
import "server-only";
import pg from "pg";

const TICK_MS = 1000;
/** How long the primary's positions are remembered: a replica further behind than this reads as "this far behind". */
const HISTORY_MS = 120_000;

interface Replica {
  url: string;
  pool: pg.Pool;
  /** true while it answers and is within the allowed lag */
  usable: boolean;
  /** how far behind the primary it was at the last check, ms; null before the first answer */
  lagMs: number | null;
  /** set by a query that could not reach it: skipped until a check finds it answering again */
  down: boolean;
}

function probePool(url: string): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 1000, statement_timeout: 1000, allowExitOnIdle: true });
  p.on("error", () => {});
  return p;
}

/** Hides the password of a URL for status lines. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}

/**
 * Tracks the replicas of one primary; `usable()` lists those readers may use, in the order given (the first usable one
 * takes the reads: one replica's cache stays warm; the next takes over when it falls behind). Checks run on a timer
 * that does not keep the process alive.
 */
export class ReplicaHealth {
  private readonly primary: pg.Pool;
  private readonly replicas: Replica[];
  /** the primary's WAL position (bytes) at past ticks, oldest first */
  private readonly positions: { at: number; lsn: bigint }[] = [];
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(
    primaryUrl: string,
    replicaUrls: readonly string[],
    private readonly maxLagMs: () => number,
  ) {
    this.primary = probePool(primaryUrl);
    // Unchecked replicas are not used: the first check runs at once and a reader meanwhile reads the primary.
    this.replicas = replicaUrls.map((url) => ({ url, pool: probePool(url), usable: false, lagMs: null, down: false }));
    this.timer = setInterval(() => void this.check(), TICK_MS);
    this.timer.unref();
    void this.check();
  }

  usable(): string[] {
    return this.replicas.filter((r) => r.usable && !r.down).map((r) => r.url);
  }

  /** A query could not reach `url`: skip it until a check finds it answering again. */
  markDown(url: string): void {
    const r = this.replicas.find((x) => x.url === url);
    if (r) r.down = true;
  }

  status(): { url: string; usable: boolean; lagMs: number | null }[] {
    return this.replicas.map((r) => ({ url: redactUrl(r.url), usable: r.usable && !r.down, lagMs: r.lagMs }));
  }

  stop(): void {
    clearInterval(this.timer);
    void this.primary.end().catch(() => {});
    for (const r of this.replicas) void r.pool.end().catch(() => {});
  }

  /** One round: the primary's position, then each replica's replayed position and the lag it implies. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = Date.now();
      let primaryAnswered = false;
      try {
        const { rows } = await this.primary.query<{ lsn: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS lsn`);
        this.positions.push({ at: now, lsn: BigInt(rows[0]!.lsn) });
        while (this.positions.length > 1 && this.positions[0]!.at < now - HISTORY_MS) this.positions.shift();
        primaryAnswered = true;
      } catch {
        // The primary is away: replicas keep the lag they had (readers on them go on).
      }
      await Promise.all(this.replicas.map((r) => this.checkReplica(r, now, primaryAnswered)));
    } finally {
      this.checking = false;
    }
  }

  private async checkReplica(r: Replica, now: number, primaryAnswered: boolean): Promise<void> {
    try {
      const { rows } = await r.pool.query<{ recovery: boolean; lsn: string | null }>(
        `SELECT pg_is_in_recovery() AS recovery, pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::text AS lsn`,
      );
      const row = rows[0]!;
      if (!row.recovery || row.lsn === null) {
        r.usable = false;
        r.lagMs = null;
        return;
      }
      // Without the primary's position this round the replica keeps its last verdict: it answers, and nothing newer
      // can have been written that it misses.
      if (primaryAnswered) r.lagMs = this.lagOf(BigInt(row.lsn), now);
      r.usable = r.lagMs !== null && r.lagMs <= this.maxLagMs();
      r.down = false;
    } catch {
      r.usable = false;
    }
  }

  /** ms since the latest remembered moment whose primary position the replica has replayed; null before any sample. */
  private lagOf(replayed: bigint, now: number): number | null {
    if (!this.positions.length) return null;
    for (let i = this.positions.length - 1; i >= 0; i--) if (this.positions[i]!.lsn <= replayed) return now - this.positions[i]!.at;
    return now - this.positions[0]!.at + TICK_MS;
  }
}
