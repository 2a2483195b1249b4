// What a watcher of a live run is sent: the run's status and the outline rows of spans that are new or have changed
// (lib/trajectory/outline.ts wire form), loaded once per change for every watcher of the run (lib/live/hub.ts).
import "server-only";
import { db } from "@/lib/db/client";
import { getOutlineRowsChanged } from "@/lib/runs/queries";
import { intsOfList } from "@/lib/db/sql";
import { encodeOutline, type OutlineJson, type OutlineRow } from "@/lib/trajectory/outline";
import { LiveHub, type ChangeLoader, type RunChange } from "./hub";
import pLimit from "p-limit";
import {
  LIVE_CATCHUP_PAGE_SPANS,
  LIVE_CATCHUP_PAGES_AT_ONCE,
  LIVE_CATCHUP_SHARED_BYTES,
  LIVE_DELIVER_LISTENERS_PER_TURN,
} from "@/lib/limits";

/** Where a watcher (or the hub) stands: the highest span seq it has, and the seqs it has that had not finished. */
export interface RunPosition {
  status: string;
  maxSeq: number;
  open: number[];
}

/** A change as sent: status, and the new or changed spans in outline form (upserts by seq; empty when none). */
export type RunDelta = OutlineJson;

/**
 * The position after applying `rows` (in seq order) to `since`: linear in the open spans, with no sort, since a run
 * may have 100,000 of them and this runs on every change of the run.
 */
export function advance(since: RunPosition, status: string, rows: readonly OutlineRow[]): RunPosition {
  let maxSeq = since.maxSeq;
  const finished = new Set<number>();
  const opened: number[] = [];
  for (const r of rows) {
    if (r.finishUs != null) finished.add(r.seq);
    else if (r.seq > since.maxSeq) opened.push(r.seq);
    maxSeq = Math.max(maxSeq, r.seq);
  }
  // New spans come after every seq of `since.open`, in seq order: the list stays sorted.
  const open = finished.size ? since.open.filter((s) => !finished.has(s)) : [...since.open];
  for (const s of opened) open.push(s);
  return { status, maxSeq, open };
}

/** Loads the change of one run from a position; from no position, only where the run stands (no rows). */
export const runChangeLoader: ChangeLoader<RunPosition, RunDelta> = {
  async load(jobId, since) {
    const job = await db().job.findUnique({ where: { id: jobId }, select: { status: true } });
    if (!job) return null;
    if (since === null) {
      const [row] = await db().$queryRaw<{ max: number | null; open: string | null }[]>`
        SELECT max(seq) AS max, string_agg(seq::text, ',' ORDER BY seq) FILTER (WHERE finished_at IS NULL) AS open
        FROM spans WHERE job_id = ${jobId}::uuid`;
      const state = { status: job.status, maxSeq: row?.max ?? -1, open: intsOfList(row?.open ?? null) };
      return { state, change: { status: job.status, delta: encodeOutline([]) } };
    }
    // Spans still open as they were are not news: only new spans and spans that have since finished are read and sent
    // (reading every open span on each change held the event loop ~1 s for a run of 100,000 open spans).
    const rows = await getOutlineRowsChanged(db(), jobId, since.maxSeq, since.open, { finishedOnly: true });
    return { state: advance(since, job.status, rows), change: { status: job.status, delta: encodeOutline(rows) } };
  },
};

/** A page of a watcher's catch-up: the change to send, the position after it, and whether more may follow. */
export interface CatchUpPage {
  change: RunChange<RunDelta>;
  next: RunPosition;
  more: boolean;
  /** the run's highest span seq when the page was read (-1: none): how far behind a watcher is */
  lastSeq: number;
}

/**
 * One page of a watcher's catch-up: the first LIVE_CATCHUP_PAGE_SPANS spans that changed since `since` (new, or open
 * then and finished now), the position after them, and whether more may follow. Null when the run does not exist.
 * Each page reads at most a page of rows by the primary key, so a watcher that connects with `after=-1` to a run of
 * 100,000 spans costs the server one page per page it reads, never the whole outline at once.
 *
 * Watchers of a run that `hub` follows share pages: watchers from the same position (all those from `after=-1`) walk
 * the same positions, so a page is read and encoded once for all of them (changeBytes of its change is computed
 * once) while `hub` has handed no change of the run to its listeners since the read began. Call it only after the
 * watcher registered with `hub`: then a change delivered before it registered is either in a page read after that
 * delivery or the page is not shared across it (a page read earlier may lack it, and the watcher would never hear of
 * it). Shared pages are kept up to LIVE_CATCHUP_SHARED_BYTES per process, the oldest dropped first.
 */
export function loadCatchUpPage(
  jobId: string,
  since: RunPosition,
  limit = LIVE_CATCHUP_PAGE_SPANS,
  hub: Pick<LiveHub<RunPosition, RunDelta>, "generation"> = liveHub(),
): Promise<CatchUpPage | null> {
  const generation = hub.generation(jobId);
  if (generation === undefined) return catchUpTurns(() => readCatchUpPage(jobId, since, limit));
  const key = `${jobId}:${limit}:${since.maxSeq}:${since.open.join(",")}`;
  const shared = sharedPages.get(key);
  if (shared && shared.generation === generation) {
    // Most recently used last: the oldest are dropped first.
    sharedPages.delete(key);
    sharedPages.set(key, shared);
    return handOut(shared.page);
  }
  if (shared) forget(key, shared);
  const entry: SharedPage = { generation, bytes: 0, page: catchUpTurns(() => readCatchUpPage(jobId, since, limit)) };
  sharedPages.set(key, entry);
  entry.page.then(
    (page) => {
      if (sharedPages.get(key) !== entry) return;
      // A missing run is not kept: it may be created (imports name their ids) and must not stay missing.
      if (!page) return forget(key, entry);
      entry.bytes = changeBytes(page.change).byteLength + key.length + 8 * page.next.open.length;
      sharedBytes += entry.bytes;
      for (const [k, e] of sharedPages) {
        if (sharedBytes <= LIVE_CATCHUP_SHARED_BYTES) break;
        forget(k, e);
      }
    },
    () => forget(key, entry),
  );
  return handOut(entry.page);
}

/**
 * A shared page for one watcher, in turns of LIVE_DELIVER_LISTENERS_PER_TURN watchers: a shared page costs no read,
 * so without them 200 watchers ran through a whole catch-up of 32 kept pages (127 MB framed and written to their
 * sockets) in one turn of the event loop (held 2.4-3.2 s over HTTP).
 */
async function handOut(shared: Promise<CatchUpPage | null>): Promise<CatchUpPage | null> {
  const page = await shared;
  await takeTurn();
  return page && { ...page, next: { ...page.next, open: [...page.next.open] } };
}

/** Watchers waiting for their turn to be handed a shared page, first come first served. */
const waiting: (() => void)[] = [];
let releasing = false;

/** Resolves in a later turn of the event loop, with at most LIVE_DELIVER_LISTENERS_PER_TURN others per turn. */
function takeTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!releasing) {
      releasing = true;
      setImmediate(releaseTurn);
    }
  });
}

function releaseTurn(): void {
  // Their continuations run once this callback returns, before the next turn's I/O.
  for (const resolve of waiting.splice(0, LIVE_DELIVER_LISTENERS_PER_TURN)) resolve();
  if (waiting.length) setImmediate(releaseTurn);
  else releasing = false;
}

interface SharedPage {
  /** the hub's delivery token of the run when the read began */
  generation: number;
  /** bytes counted in sharedBytes once read (0 while reading) */
  bytes: number;
  page: Promise<CatchUpPage | null>;
}

/** Catch-up pages shared among watchers, by run, page size and position; oldest first. */
const sharedPages = new Map<string, SharedPage>();
let sharedBytes = 0;

function forget(key: string, entry: SharedPage): void {
  if (sharedPages.get(key) !== entry) return;
  sharedPages.delete(key);
  sharedBytes -= entry.bytes;
}

/** Catch-up pages this process has read from the database (shared or not). */
let reads = 0;

/** For tests and benchmarks: the shared catch-up pages this process keeps, their bytes, and the pages read so far. */
export function sharedCatchUp(): { pages: number; bytes: number; reads: number } {
  return { pages: sharedPages.size, bytes: sharedBytes, reads };
}

/** The process's catch-up pages, LIVE_CATCHUP_PAGES_AT_ONCE at a time (p-limit: a kept queue, first come first served). */
const catchUpTurns = pLimit(LIVE_CATCHUP_PAGES_AT_ONCE);

async function readCatchUpPage(jobId: string, since: RunPosition, limit: number): Promise<CatchUpPage | null> {
  reads++;
  const [job] = await db().$queryRaw<{ status: string; last: number | null }[]>`
    SELECT status::text AS status, (SELECT max(seq) FROM spans WHERE job_id = ${jobId}::uuid) AS last FROM jobs WHERE id = ${jobId}::uuid`;
  if (!job) return null;
  const page = await getOutlineRowsChanged(db(), jobId, since.maxSeq, since.open, { limit });
  const last = page.length ? page[page.length - 1]!.seq : since.maxSeq;
  // Spans still open as they were are not news.
  const rows = page.filter((r) => r.seq > since.maxSeq || r.finishUs != null);
  const next = { status: job.status, maxSeq: Math.max(since.maxSeq, last), open: since.open.filter((s) => s > last) };
  const change = { status: job.status, delta: encodeOutline(rows) };
  // Encoded here, once, for every watcher the page is shared with.
  changeBytes(change);
  return { change, next, more: page.length === limit, lastSeq: job.last ?? -1 };
}

/** A change as its server-sent event's data, encoded once however many watchers it goes to. */
const encoded = new WeakMap<RunChange<RunDelta>, Uint8Array>();
export function changeBytes(change: RunChange<RunDelta>): Uint8Array {
  let bytes = encoded.get(change);
  if (!bytes) encoded.set(change, (bytes = new TextEncoder().encode(JSON.stringify({ status: change.status, spans: change.delta }))));
  return bytes;
}

const globalForHub = globalThis as unknown as { trajectoryLiveHub?: LiveHub<RunPosition, RunDelta> };

/** The process's one hub (kept across dev hot reloads). */
export function liveHub(): LiveHub<RunPosition, RunDelta> {
  globalForHub.trajectoryLiveHub ??= new LiveHub(runChangeLoader);
  return globalForHub.trajectoryLiveHub;
}

export type { RunChange };
