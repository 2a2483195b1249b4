// Live runs, one listener per process: PostgreSQL announces every committed change of a run on `run_changes`
// (triggers in prisma/migrations/*_live_notify, *_span_versions), this hub follows it on the process's one LISTEN connection, and for each watched run loads
// what changed ONCE and hands it to every watcher of that run. Watchers never poll; 1,000 watchers of one run cost
// one query per change, not 1,000 queries per second.
import "server-only";
import { listen } from "@/lib/db/listen";
import { LIVE_DELIVER_LISTENERS_PER_TURN, LIVE_MIN_REFRESH_MS } from "@/lib/limits";
import { nextTurn } from "@/lib/turn";

/** What a watcher is told: the run's status and the spans that are new or changed since it last heard. */
export interface RunChange<D> {
  status: string;
  delta: D;
}

/** Loads a run's state for the hub. `since` is what the hub already sent (null on the first load). */
export interface ChangeLoader<S, D> {
  /** The run's current state and the change from `since` to it; null when the run no longer exists. */
  load(jobId: string, since: S | null): Promise<{ state: S; change: RunChange<D> } | null>;
}

type Listener<D> = (change: RunChange<D>) => void;

interface Watched<S, D> {
  listeners: Set<Listener<D>>;
  state: S | null;
  /** a refresh is running; `again` says another notification came meanwhile */
  busy: boolean;
  again: boolean;
  lastRefresh: number;
  /**
   * Changes since this token were not all handed to this run's listeners: a new token (process-wide, never reused,
   * also when a run stops being watched and is watched again) before each delivery. What was read for a watcher under
   * one token may be shared with a watcher that registered later only while the token is the same (run-changes.ts).
   */
  generation: number;
}

/** The last delivery token handed out (Watched.generation). */
let generations = 0;

/** Counters for tests and benchmarks: how much work the hub did. */
export interface HubStats {
  notifications: number;
  refreshes: number;
  watchers: number;
  runs: number;
}

const CHANNEL = "run_changes";

/**
 * The process's live hub. `watch` registers a listener for a run and returns its unsubscribe function; the
 * listener gets every change the hub loads after that moment (a new watcher reads its own starting point first).
 */
export class LiveHub<S, D> {
  private readonly runs = new Map<string, Watched<S, D>>();
  private listening: Promise<unknown> | null = null;
  readonly stats: HubStats = { notifications: 0, refreshes: 0, watchers: 0, runs: 0 };

  /** `subscribe` follows the channel (the process's one listener, lib/db/listen.ts; another one in tests). */
  constructor(
    private readonly loader: ChangeLoader<S, D>,
    private readonly subscribe: typeof listen = listen,
  ) {}

  /** Starts following `jobId`; resolves once the hub listens, so no change committed after it is missed. */
  async watch(jobId: string, listener: Listener<D>): Promise<() => void> {
    await this.listen();
    let run = this.runs.get(jobId);
    if (!run) {
      run = { listeners: new Set(), state: null, busy: false, again: false, lastRefresh: 0, generation: ++generations };
      this.runs.set(jobId, run);
      // The hub's own starting point; changes from here on come as deltas to every listener.
      const first = await this.loader.load(jobId, null).catch(() => null);
      if (first && run.state === null) run.state = first.state;
    }
    run.listeners.add(listener);
    this.stats.watchers++;
    this.stats.runs = this.runs.size;
    return () => {
      const r = this.runs.get(jobId);
      if (!r || !r.listeners.delete(listener)) return;
      this.stats.watchers--;
      if (r.listeners.size === 0) this.runs.delete(jobId);
      this.stats.runs = this.runs.size;
    };
  }

  /**
   * The delivery token of watched run `jobId` (undefined when no one watches it): it changes before each change is
   * handed to the run's listeners. A read begun under a token holds everything a listener registered later has not
   * been handed only while the token has not changed since the read began.
   */
  generation(jobId: string): number | undefined {
    return this.runs.get(jobId)?.generation;
  }

  /** How many watchers follow runs in this process. */
  watcherCount(): number {
    return this.stats.watchers;
  }

  private listen(): Promise<unknown> {
    this.listening ??= this.subscribe(
      CHANNEL,
      (payload) => {
        this.stats.notifications++;
        this.changed(payload.toLowerCase());
      },
      // Notifications sent while the connection was down are lost: refresh every watched run.
      () => {
        for (const jobId of this.runs.keys()) this.changed(jobId);
      },
    ).catch((e: unknown) => {
      this.listening = null;
      throw e;
    });
    return this.listening;
  }

  /** A change of `jobId` was announced: refresh it (coalesced: at most one load in flight per run). */
  private changed(jobId: string): void {
    const run = this.runs.get(jobId);
    if (!run) return;
    if (run.busy) {
      run.again = true;
      return;
    }
    run.busy = true;
    void this.refresh(jobId, run);
  }

  private async refresh(jobId: string, run: Watched<S, D>): Promise<void> {
    try {
      do {
        run.again = false;
        // A run streaming hundreds of spans a second is sent a few batches a second, not hundreds of events.
        const wait = run.lastRefresh + LIVE_MIN_REFRESH_MS - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        run.lastRefresh = Date.now();
        this.stats.refreshes++;
        const loaded = await this.loader.load(jobId, run.state).catch(() => null);
        if (!loaded) continue;
        run.state = loaded.state;
        run.generation = ++generations;
        // Handed over a few listeners a turn: 200 watchers' streams then write to their sockets between other requests.
        let n = 0;
        for (const listener of [...run.listeners]) {
          if (!run.listeners.has(listener)) continue;
          listener(loaded.change);
          if (++n % LIVE_DELIVER_LISTENERS_PER_TURN === 0) await nextTurn();
        }
      } while (run.again && this.runs.get(jobId) === run);
    } finally {
      run.busy = false;
    }
  }
}
