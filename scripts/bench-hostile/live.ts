// bench:hostile's live watchers: many anonymous watchers of a running run of 100,000 open spans, each reading its
// catch-up from the start (after=-1), page after page as fast as it can, as curl does (the events route's own steps:
// loadCatchUpPage, then the page encoded once for the wire).
import { randomUUID } from "node:crypto";
import { pool } from "@/lib/db/pool";
import { changeBytes, loadCatchUpPage, type RunPosition } from "@/lib/live/run-changes";
import { T, type Kind } from "./harness";

const WATCHERS = 20;
const READ_MS = 4000;

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
  return [
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
