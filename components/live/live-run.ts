// One run's outline as the page holds it: loaded once, then, while an agent still reports, kept current by the
// server's events (GET /api/jobs/<id>/events: the run's status and its new or finished spans, lib/live). Every part of
// the page that follows the run (the tree, the cost tab, the header's live mark) reads this one store, so a page has
// one connection and a change costs one hop: no page refresh, no outline refetch.
import {
  decodeOutline,
  encodeOutline,
  mergeOutlineRows,
  outlineRowsOf,
  type Outline,
  type OutlineJson,
  type OutlineRow,
} from "@/lib/trajectory/outline";
import { isLive } from "@/lib/runs/status";
import { LIVE_MAX_OPEN_SEQS } from "@/lib/limits";

export interface LiveRunState {
  outline: Outline | null;
  error: string | null;
  status: string;
  /** an event stream is open */
  connected: boolean;
  /** counts the changes applied, for parts that reload something of their own (the cost table) */
  version: number;
}

// A run's status only moves forward: a late event from before a change must not take it back.
const RANK: Record<string, number> = { pending: 0, running: 1 };
const forward = (from: string, to: string) => ((RANK[to] ?? 2) >= (RANK[from] ?? 2) ? to : from);

class LiveRun {
  state: LiveRunState;
  private rows: OutlineRow[] = [];
  private readonly listeners = new Set<() => void>();
  private events: EventSource | null = null;
  private abort: AbortController | null = null;
  /** Reloads told by the server in a row (each within RELOAD_RESET_MS of the last), and when the last came. */
  private reloads = 0;
  private lastReload = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly jobId: string,
    status: string,
  ) {
    this.state = { outline: null, error: null, status, connected: false, version: 0 };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private set(patch: Partial<LiveRunState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private start(): void {
    this.abort = new AbortController();
    fetch(`/api/jobs/${this.jobId}/outline`, { signal: this.abort.signal })
      .then(async (r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        const outline = decodeOutline((await r.json()) as OutlineJson);
        this.rows = outlineRowsOf(outline);
        this.set({ outline, error: null, version: this.state.version + 1 });
        if (isLive(this.state.status)) this.follow();
      })
      .catch((e: unknown) => {
        if (!this.abort?.signal.aborted) this.set({ error: e instanceof Error ? e.message : String(e) });
      });
  }

  /** Opens the event stream from where the outline stands: its last seq and its spans that had not finished. */
  private follow(): void {
    const maxSeq = this.rows.length ? this.rows[this.rows.length - 1]!.seq : -1;
    const open = this.rows.filter((r) => r.finishUs == null).map((r) => r.seq);
    // Past the cap the server would refuse the list: start from scratch instead (every span comes again).
    const query = open.length <= LIVE_MAX_OPEN_SEQS ? `after=${maxSeq}&open=${open.join(",")}` : "after=-1";
    const events = new EventSource(`/api/jobs/${this.jobId}/events?${query}`);
    this.events = events;
    events.onopen = () => this.set({ connected: true });
    events.onerror = () => this.set({ connected: false });
    events.addEventListener("change", (e) => {
      const change = JSON.parse((e as MessageEvent<string>).data) as { status: string; spans: OutlineJson };
      const patch: Partial<LiveRunState> = { status: forward(this.state.status, change.status) };
      if (change.spans.seq.length > 0) {
        this.rows = mergeOutlineRows(this.rows, outlineRowsOf(decodeOutline(change.spans)));
        patch.outline = decodeOutline(encodeOutline(this.rows));
        patch.version = this.state.version + 1;
      }
      // An ended run sends no more changes; stop EventSource from reconnecting.
      if (!isLive(patch.status!)) {
        events.close();
        patch.connected = false;
      }
      this.set(patch);
    });
    // Far behind the run (it ended while this page was away, or its catch-up would pass the server's byte budget):
    // read the outline again rather than every span here, then follow from where it stands. A live run's outline may
    // be kept a little behind it, so reloads in a row wait longer each time (1 s, 2 s, … 30 s) rather than loop.
    events.addEventListener("reload", (e) => {
      events.close();
      const { status } = JSON.parse((e as MessageEvent<string>).data) as { status: string };
      this.set({ status: forward(this.state.status, status), connected: false });
      const now = Date.now();
      this.reloads = now - this.lastReload > RELOAD_RESET_MS ? 1 : this.reloads + 1;
      this.lastReload = now;
      const wait = this.reloads > 1 ? Math.min(RELOAD_MAX_WAIT_MS, 1000 * 2 ** (this.reloads - 2)) : 0;
      this.reloadTimer = setTimeout(() => {
        this.reloadTimer = null;
        if (this.listeners.size > 0) this.start();
      }, wait);
    });
  }

  private stop(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.abort?.abort();
    this.events?.close();
    this.events = null;
    runs.delete(this.jobId);
  }
}

/** A reload this long after the last one starts the waits again; reloads in a row wait up to RELOAD_MAX_WAIT_MS. */
const RELOAD_RESET_MS = 60_000;
const RELOAD_MAX_WAIT_MS = 30_000;

const runs = new Map<string, LiveRun>();

/** The page's store of a run (made on first use; dropped when nothing on the page follows it any more). */
export function liveRun(jobId: string, status: string): LiveRun {
  let run = runs.get(jobId);
  if (!run) runs.set(jobId, (run = new LiveRun(jobId, status)));
  return run;
}

export type { LiveRun };
