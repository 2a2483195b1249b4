// A run's whole outline for GET /api/jobs/<id>/outline: built by PostgreSQL in its wire form (lib/trajectory/outline.ts),
// one build per run at a time for every reader meanwhile (single flight), and kept per run and version within
// OUTLINE_CACHE_BYTES.
import "server-only";
import type pg from "pg";
import pLimit from "p-limit";
import type { Db } from "@/lib/db/client";
import { readerPool } from "@/lib/db/pools";
import { Prisma } from "@/lib/generated/prisma/client";
import { isJobId } from "@/lib/trajectory/job-id";
import { encodeOutline } from "@/lib/trajectory/outline";
import { bytePieces, epochMicros } from "@/lib/db/sql";
import { nextTurn } from "@/lib/turn";
import { isLive } from "./status";
import { ERROR_HEAD, outlineHeadSql, realAfterSql } from "./queries";

/**
 * The outline already in its wire form (lib/trajectory/outline.ts, OutlineJson), built by PostgreSQL and passed
 * through as text; null when the job does not exist. For 100,000 spans this is several times faster than
 * getOutlineRows + encodeOutline: no 10 MB intermediate JSON, no row objects, no re-encoding in the app's one thread.
 * Dictionaries here are sorted (dense_rank), not in order of first use; the wire form allows either.
 */
export async function getOutlineJson(db: Db, id: string, opts: { primary?: boolean } = {}): Promise<string | null> {
  const pieces = await getOutlineBytes(db, id, opts);
  if (!pieces) return null;
  const decoder = new TextDecoder();
  return pieces.map((p, i) => decoder.decode(p, { stream: i < pieces.length - 1 })).join("");
}

/**
 * getOutlineJson's text as UTF-8 bytes in pieces of about a MB (sent one after the other), what GET
 * /api/jobs/<id>/outline sends. `db` looks the job and its spans' version up (runVersion: one row by primary key, O(1)
 * whatever the run's size); the outline itself is built on the "outline" pool (lib/db/pools.ts), two connections of its
 * own, so readers of huge outlines wait for each other, never for the history's connections. One build per run at a
 * time for readers of its version or an older one (per live run, whatever its version): readers who come while it runs
 * share it. Kept for the next reader, whatever its size, within OUTLINE_CACHE_BYTES, under the version its build read
 * in the same statement as the spans, and given to every reader whose version is no newer: a replica that lags behind
 * the outline's source gets a newer outline, never a stale one kept under a newer version.
 */
export async function getOutlineBytes(
  db: Db,
  id: string,
  opts: { primary?: boolean } = {},
): Promise<readonly Uint8Array<ArrayBuffer>[] | null> {
  const job = await runVersion(db, id);
  if (!job) return null;
  const cached = outlineCache.get(id);
  // A live run's outline is rebuilt at most once per LIVE_REBUILD_FACTOR times its last build's duration: its readers
  // follow the run's events from where the outline stands, and a run of 100,000 planted spans, fed a span at a time,
  // took one of the outline pool's two connections for its whole build on every read.
  const fresh = cached && isLive(job.status) && performance.now() - cached.builtAt < LIVE_REBUILD_FACTOR * cached.buildMs;
  if (cached && (cached.version >= job.version || fresh)) {
    outlineCache.delete(id); // most recently used last
    outlineCache.set(id, cached);
    return cached.pieces;
  }
  // A live run's reader joins the build under way whatever version it started from: the page follows the run's events
  // from where its outline stands (components/live/live-run.ts), so one build at a time per live run is enough.
  const under = outlineBuilds.get(id);
  let building = under && (under.from >= job.version || isLive(job.status)) ? under.pieces : undefined;
  if (!building) {
    // A large build waits for the one under way, so the outline pool always has a connection left for the others:
    // two planted runs of 100,000 long names, rebuilt while live, made a small run's first reader wait 8.5 s.
    const large = job.spanCount > OUTLINE_LARGE_SPANS || (cached?.buildMs ?? 0) > OUTLINE_LARGE_BUILD_MS;
    const build = () => {
      const began = performance.now();
      return queryOutlineJson(readerPool("outline", opts), id).then(({ version, pieces }) => {
        remember(id, { version, pieces, builtAt: performance.now(), buildMs: performance.now() - began });
        return pieces;
      });
    };
    const flight: { from: bigint; pieces: Promise<readonly Uint8Array<ArrayBuffer>[]> } = {
      from: job.version,
      pieces: large ? largeBuilds(build) : build(),
    };
    building = flight.pieces.finally(() => {
      if (outlineBuilds.get(id) === flight) outlineBuilds.delete(id);
    });
    flight.pieces = building;
    outlineBuilds.set(id, flight);
  }
  return building;
}

/**
 * A run's status and its spans' version (span_versions, prisma/migrations/*_span_versions): a value of one global
 * sequence that every statement inserting, updating (finish, renumbering, names, models, errors, summaries) or deleting
 * spans of the run sets anew in its own transaction, so it grows with every committed change of them, in commit order,
 * and is never used for another run. 0 when no span was written since the table exists. Null when there is no such run.
 * One row by primary key.
 */
export async function runVersion(db: Db, id: string): Promise<{ status: string; version: bigint; spanCount: number } | null> {
  if (!isJobId(id)) return null;
  const [job] = await db.$queryRaw<{ status: string; version: bigint | null; span_count: number }[]>`
    SELECT j.status::text AS status, v.version, j.span_count FROM jobs j LEFT JOIN span_versions v ON v.job_id = j.id WHERE j.id = ${id}::uuid`;
  return job ? { status: job.status, version: BigInt(job.version ?? 0), spanCount: job.span_count } : null;
}

/** A run past this many spans (jobs.span_count) or whose last build took longer than OUTLINE_LARGE_BUILD_MS is built in turn. */
const OUTLINE_LARGE_SPANS = 20_000;
const OUTLINE_LARGE_BUILD_MS = 1000;
/** Large builds, one at a time (p-limit): the outline pool's other connection stays for the small ones. */
const largeBuilds = pLimit(1);

/** The outline build under way of each run, with the version its first reader saw (single flight). */
const outlineBuilds = new Map<string, { from: bigint; pieces: Promise<readonly Uint8Array<ArrayBuffer>[]> }>();

/** How many times its last build's duration a live run's kept outline is served after a change (getOutlineBytes). */
const LIVE_REBUILD_FACTOR = 10;

/** A kept outline: its version, its pieces, when it was built and how long that took (performance.now() ms). */
interface KeptOutline {
  version: bigint;
  pieces: readonly Uint8Array<ArrayBuffer>[];
  builtAt: number;
  buildMs: number;
}

/** Outlines, least recently used first; bounded by their total bytes, however large one is (a 100,000-span run of long names: 25 MB). */
const outlineCache = new Map<string, KeptOutline & { bytes: number }>();
export const OUTLINE_CACHE_BYTES = 128 * 1024 * 1024;
let outlineCacheBytes = 0;

/**
 * Keeps `kept`, the outline of `id` at its version, evicting the least recently used outlines beyond
 * OUTLINE_CACHE_BYTES; a newer one kept already stays (a build that read a lagging replica may end last).
 */
function remember(id: string, kept: KeptOutline): void {
  const old = outlineCache.get(id);
  if (old && old.version > kept.version) return;
  if (old) outlineCacheBytes -= old.bytes;
  outlineCache.delete(id);
  const bytes = kept.pieces.reduce((n, p) => n + p.length, 0);
  if (bytes > OUTLINE_CACHE_BYTES) return;
  outlineCache.set(id, { ...kept, bytes });
  outlineCacheBytes += bytes;
  for (const [oldest, entry] of outlineCache) {
    if (outlineCacheBytes <= OUTLINE_CACHE_BYTES) break;
    outlineCache.delete(oldest);
    outlineCacheBytes -= entry.bytes;
  }
}

/** Makes every kept outline `ms` older (tests of the live rebuild's pace). */
export function ageOutlines(ms: number): void {
  for (const kept of outlineCache.values()) kept.builtAt -= ms;
}

/** Forgets every kept outline (tests). */
export function forgetOutlines(): void {
  outlineCache.clear();
  outlineCacheBytes = 0;
}

/**
 * Builds the outline of `id` in one statement: its UTF-8 pieces, and its spans' version (runVersion) read in the same
 * statement, so in the same snapshot as the spans, on whichever database `pool` reached.
 */
async function queryOutlineJson(pool: pg.Pool, id: string): Promise<{ version: bigint; pieces: Uint8Array<ArrayBuffer>[] }> {
  // One scan in seq order (the primary key's) numbers the spans and takes the deltas; the strings get their codes
  // from small dictionaries by hash join, so no sort ever carries 100,000 wide rows. models[0] is "" for
  // "no model", so the models seen are coded from 1. array_to_json writes no spaces, unlike json_agg.
  // Times are µs; start deltas chain through real starts only (zero-time starts are null), as encodeOutline does.
  // Names, types, models and summaries are cut to their display heads (outlineHeadSql) before anything is aggregated:
  // 100,000 unique names of 1,000 quotes made a 200 MB outline whose build did not finish in the readers' 30 s.
  // The text comes as UTF-8 bytes in pieces, one row each (bytePieces): a 200 MB outline of 100,000 names of 1,000
  // quotes is read within the readers' 30 s timeout and never holds the event loop for its whole length.
  // The first row also carries the version (a run without spans: that row alone, its piece null).
  const q = Prisma.sql`
    WITH s AS MATERIALIZED (
      SELECT seq, nesting, ${outlineHeadSql("type")} AS type, ${outlineHeadSql("name")} AS name,
        ${outlineHeadSql("nullif(model, '')")} AS model, left(error, ${ERROR_HEAD}) AS error,
        ${outlineHeadSql("nullif(summary, '')")} AS summary,
        ${epochMicros("started_at")} AS start, ${epochMicros("finished_at")} AS finish,
        started_at > ${realAfterSql(id)} AS is_real,
        coalesce(input_tokens, 0) AS tin, coalesce(output_tokens, 0) AS tout, coalesce(output_thoughts_tokens, 0) AS tth,
        coalesce(pg_column_size(args), 0) + coalesce(pg_column_size(results), 0)
          + coalesce(octet_length(instruction), 0) + coalesce(octet_length(prompt), 0) + coalesce(octet_length(reply), 0)
          + coalesce(octet_length(thoughts), 0) + coalesce(octet_length(error), 0) AS size,
        row_number() OVER w - 1 AS i,
        seq - coalesce(lag(seq) OVER w, 0) AS dseq,
        -- The start of the latest earlier span with a real start: the largest [seq, start] pair before this row.
        (max(ARRAY[seq::int8, ${epochMicros("started_at")}]) FILTER (WHERE started_at > ${realAfterSql(id)})
          OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))[2] AS prev_real_start
      FROM spans WHERE job_id = ${id}::uuid
      WINDOW w AS (ORDER BY seq)
    ),
    t0 AS (SELECT coalesce(min(start) FILTER (WHERE is_real AND (finish IS NULL OR finish >= start)), min(start) FILTER (WHERE is_real), 0) AS t0 FROM s),
    ty AS (SELECT type, row_number() OVER (ORDER BY type) - 1 AS code FROM (SELECT DISTINCT type FROM s) x),
    nm AS (SELECT name, row_number() OVER (ORDER BY name) - 1 AS code FROM (SELECT DISTINCT name FROM s) x),
    md AS (SELECT model, row_number() OVER (ORDER BY model) AS code FROM (SELECT DISTINCT model FROM s WHERE model IS NOT NULL) x),
    o AS MATERIALIZED (SELECT convert_to(json_build_object(
      'v', 2, 't0', (SELECT t0 FROM t0),
      'seq', array_to_json(array_agg(s.dseq ORDER BY s.i)),
      'nesting', array_to_json(array_agg(s.nesting ORDER BY s.i)),
      'types', (SELECT json_agg(type ORDER BY code) FROM ty),
      'type', array_to_json(array_agg(ty.code ORDER BY s.i)),
      'names', (SELECT json_agg(name ORDER BY code) FROM nm),
      'name', array_to_json(array_agg(nm.code ORDER BY s.i)),
      'models', (SELECT array_to_json(array_prepend(''::text, coalesce(array_agg(model ORDER BY code), '{}'))) FROM md),
      'model', array_to_json(array_agg(coalesce(md.code, 0) ORDER BY s.i)),
      'start', array_to_json(array_agg(CASE WHEN s.is_real THEN s.start - coalesce(s.prev_real_start, (SELECT t0 FROM t0)) END ORDER BY s.i)),
      'dur', array_to_json(array_agg(CASE WHEN s.is_real AND s.finish IS NOT NULL THEN s.finish - s.start END ORDER BY s.i)),
      'tokIn', array_to_json(array_agg(s.tin ORDER BY s.i)),
      'tokOut', array_to_json(array_agg(s.tout ORDER BY s.i)),
      'tokThoughts', array_to_json(array_agg(s.tth ORDER BY s.i)),
      'size', array_to_json(array_agg(s.size ORDER BY s.i)),
      'errors', coalesce(json_agg(json_build_array(s.i, s.error) ORDER BY s.i) FILTER (WHERE s.error IS NOT NULL), '[]'),
      'summaries', coalesce(json_agg(json_build_array(s.i, s.summary) ORDER BY s.i) FILTER (WHERE s.summary IS NOT NULL), '[]')
    )::text, 'UTF8') AS outline
    FROM s JOIN ty ON ty.type = s.type JOIN nm ON nm.name = s.name LEFT JOIN md ON md.model = s.model
    HAVING count(*) > 0),
    p AS (${Prisma.raw(bytePieces("o", "outline"))})
    SELECT (SELECT version FROM span_versions WHERE job_id = ${id}::uuid)::text AS version, p.piece
    FROM (VALUES (1)) one LEFT JOIN p ON true ORDER BY p.g`;
  const { rows } = await pool.query<{ version: string | null; piece: Buffer | null }>(q.text, q.values);
  const version = BigInt(rows[0]?.version ?? 0);
  if (rows[0]?.piece == null) return { version, pieces: [new TextEncoder().encode(JSON.stringify(encodeOutline([])))] };
  // Each piece copied into memory of its own in a turn of its own (node-postgres' Buffer may share its memory).
  const pieces: Uint8Array<ArrayBuffer>[] = [];
  for (const r of rows) {
    pieces.push(new Uint8Array(r.piece!));
    await nextTurn();
  }
  return { version, pieces };
}
