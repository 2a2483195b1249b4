// bench:hostile's live watchers: many anonymous watchers of a running run of 100,000 open spans, each reading its
// catch-up from the start (after=-1), page after page as fast as it can, as curl does (the events route's own steps:
// loadCatchUpPage, then the page encoded once for the wire); and 200 anonymous watchers from 10 addresses through the
// events route's own steps (lib/live/watch-run.ts: slots, hub, catch-up, framing; the route itself imports Next's client modules, which this bench's conditions cannot load) of a run of 16,000 open spans,
// on connect and when 8,000 more open spans are written while they watch (issue 21, F3).
import { randomUUID } from "node:crypto";
import { pool } from "@/lib/db/pool";
import { changeBytes, loadCatchUpPage, type RunPosition } from "@/lib/live/run-changes";
import { watchRun } from "@/lib/live/watch-run";
import { T, type Kind } from "./harness";

const WATCHERS = 20;
const READ_MS = 4000;

/** Watchers of the route cases: 10 anonymous addresses of 20 streams each (LIVE_WATCHERS_PER_ADDRESS). */
const ROUTE_WATCHERS = 200;
const ADDRESSES = 10;
/** A watcher has read its catch-up (or a change) once nothing came for this long. */
const QUIET_MS = 400;

/** `n` more open spans of run `id` from seq `from`, in one statement (one notification, like one OTLP request). */
async function addOpenSpans(id: string, from: number, n: number): Promise<void> {
  await pool().query(
    `INSERT INTO spans (job_id, seq, nesting, type, name, started_at)
     SELECT $1, i, CASE WHEN i = 0 THEN 0 ELSE 1 END, CASE WHEN i = 0 THEN 'flow' ELSE 'tool' END, 'step-' || i, $3::timestamptz
     FROM generate_series($2::int, $2::int + $4::int - 1) AS i`,
    [id, from, T, n],
  );
}

/** A watcher reading its stream as fast as it can, as curl does: the bytes and the time of its last read. */
interface RouteWatcher {
  bytes: number;
  last: number;
  reads: number;
  stop: () => Promise<void>;
}

/** Opens `n` streams of run `id` as the events route does (from ADDRESSES addresses) and reads each. */
async function watchRoute(id: string, n = ROUTE_WATCHERS): Promise<RouteWatcher[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const stream = await watchRun(id, -1, [], { address: `10.21.3.${i % ADDRESSES}` });
      const reader = stream.getReader();
      const w: RouteWatcher = { bytes: 0, last: performance.now(), reads: 0, stop: async () => {} };
      const reading = (async () => {
        for (;;) {
          const r = await reader.read().catch(() => ({ done: true as const, value: undefined }));
          if (r.done) return;
          w.bytes += r.value.byteLength;
          w.reads++;
          w.last = performance.now();
        }
      })();
      w.stop = async () => {
        await reader.cancel().catch(() => {});
        await reading;
      };
      return w;
    }),
  );
}

/** Resolves once every watcher has read more than `reads` chunks and then nothing for QUIET_MS (or after `ms`). */
async function quiet(watchers: RouteWatcher[], reads: number[], ms = 120_000): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    const now = performance.now();
    if (watchers.every((w, i) => w.reads > reads[i]! && now - w.last > QUIET_MS)) return;
  }
  throw new Error("the watchers were still reading");
}

/** A running run of `n` open spans (none finished) written by PostgreSQL itself. */
async function openRun(n: number): Promise<string> {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source, span_count)
     VALUES ($1, 'bench-live', 'bench-live', '', '', 'running', 'agent', $2)`,
    [id, n],
  );
  await pool().query(
    `INSERT INTO spans (job_id, seq, nesting, type, name, started_at)
     SELECT $1, i, CASE WHEN i = 0 THEN 0 ELSE 1 END, CASE WHEN i = 0 THEN 'flow' ELSE 'tool' END, 'step-' || i, $3::timestamptz
     FROM generate_series(0, $2 - 1) AS i`,
    [id, n, T],
  );
  await pool().query(`ANALYZE spans`);
  return id;
}

/** One watcher's catch-up from after=-1 for READ_MS: the bytes it was sent. */
async function catchUp(id: string): Promise<number> {
  let position: RunPosition = { status: "", maxSeq: -1, open: [] };
  const end = Date.now() + READ_MS;
  let bytes = 0;
  while (Date.now() < end) {
    const page = await loadCatchUpPage(id, position);
    if (!page) break;
    bytes += changeBytes(page.change).byteLength;
    position = page.next;
    if (!page.more) break;
  }
  return bytes;
}

export function liveKinds(): Kind[] {
  let id = "";
  let open16k = "";
  let watching: RouteWatcher[] = [];
  let writing = "";
  const mb = (ws: RouteWatcher[], from: number[] = []) =>
    `${(ws.reduce((a, w, i) => a + w.bytes - (from[i] ?? 0), 0) / 1e6).toFixed(1)} MB sent`;
  return [
    {
      name: `live: ${ROUTE_WATCHERS} watchers (${ADDRESSES} addresses) connect to a run of 16,000 open spans`,
      prepare: async () => {
        if (!open16k) {
          open16k = await openRun(16_000);
        }
      },
      run: async () => {
        const ws = await watchRoute(open16k);
        await quiet(
          ws,
          ws.map(() => 0),
        );
        const answer = mb(ws);
        await Promise.all(ws.map((w) => w.stop()));
        return answer;
      },
    },
    {
      name: `live: ${ROUTE_WATCHERS} watchers of 16,000 open spans while an 8,000-span write comes`,
      prepare: async () => {
        for (const w of watching) await w.stop();
        // A new run each time: its watchers connect and read their catch-up here, outside the measurement.
        const run = await openRun(16_000);
        watching = await watchRoute(run);
        await quiet(
          watching,
          watching.map(() => 0),
        );
        writing = run;
      },
      run: async () => {
        const before = watching.map((w) => w.reads);
        const bytes = watching.map((w) => w.bytes);
        await addOpenSpans(writing, 16_000, 8_000);
        await quiet(watching, before);
        const answer = mb(watching, bytes);
        return answer;
      },
    },
    {
      name: `live: ${WATCHERS} watchers catch up on 100,000 open spans`,
      prepare: async () => {
        id ||= await openRun(100_000);
      },
      run: async () => {
        const bytes = await Promise.all(Array.from({ length: WATCHERS }, () => catchUp(id)));
        return `${(bytes.reduce((a, b) => a + b, 0) / 1e6).toFixed(1)} MB in ${READ_MS / 1000} s`;
      },
    },
  ];
}
