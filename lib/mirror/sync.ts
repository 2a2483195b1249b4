// One sync of one dashboard: read the job list, fetch each job page not stored yet or changed since, and store it
// through the write path (lib/ingest). State lives in PostgreSQL (mirror_dashboards, mirror_jobs): a job's row is
// written in the same transaction as the run, so after a crash the next sync fetches only what was not committed.
import "server-only";
import { createHash } from "node:crypto";
import { inTransaction, pool } from "@/lib/db/pool";
import { db } from "@/lib/db/client";
import { prepareRun, RunConflictError } from "@/lib/ingest/save-run";
import { storeMirroredRun } from "@/lib/ingest/replace-run";
import { parseJobPage } from "@/lib/import/job-page";
import { ImportError } from "@/lib/import/errors";
import type { Actor } from "@/lib/audit/log";
import { MIRROR_MAX_FAILURES_KEPT, MIRROR_MAX_PAGE_BYTES } from "@/lib/limits";
import { DashboardClient, MirrorFetchError } from "./client";
import { listEntryHash, listedSettled, listJobs, type ListedJob } from "./list";
import { jobHumanUrl, jobPageUrl } from "./url";

/** Where a sync stands; `total` is the number of job pages it will fetch (known once the list is read). */
export interface SyncProgress {
  phase: "list" | "pages" | "done";
  seen: number;
  total: number;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  requests: number;
}

export interface SyncReport extends SyncProgress {
  failures: { id: string; reason: string }[];
  /** why the sync stopped before the end (the list could not be read, the dashboard asked to wait too long) */
  error: string | null;
  ms: number;
}

export interface SyncOptions {
  actor: Actor;
  concurrency: number;
  delayMs: number;
  /** only jobs created at or after this time (ns since the epoch) */
  sinceNs?: bigint;
  onProgress?: (p: SyncProgress) => void;
}

interface Known {
  listHash: string;
  pageHash: string;
  settled: boolean;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** The reason shown for a job that failed: the error's own words for the errors we expect. */
function reasonOf(e: unknown): string {
  if (e instanceof MirrorFetchError) return e.reason;
  if (e instanceof ImportError) return e.reason;
  if (e instanceof RunConflictError) return e.message;
  throw e;
}

/**
 * Syncs dashboard `dashboardId` (a mirror_dashboards row) once and records the outcome on its row. Never throws for
 * what the dashboard sends (a bad page is a failed job, an unreadable list ends the sync with `error`); throws for
 * our own faults (the database down).
 */
export async function syncDashboard(dashboardId: number, opts: SyncOptions): Promise<SyncReport> {
  const started = Date.now();
  const { rows } = await pool().query<{ base_url: string; namespace: string }>(
    `UPDATE mirror_dashboards SET last_sync_started_at = now() WHERE id = $1 RETURNING base_url, namespace`,
    [dashboardId],
  );
  if (!rows[0]) throw new Error(`no mirrored dashboard ${dashboardId}`);
  const { base_url: base, namespace } = rows[0];
  const p: SyncProgress = { phase: "list", seen: 0, total: 0, fetched: 0, created: 0, updated: 0, unchanged: 0, failed: 0, requests: 0 };
  const failures: { id: string; reason: string }[] = [];
  const client = new DashboardClient(base, {
    db: db(),
    concurrency: opts.concurrency,
    delayMs: opts.delayMs,
    onRequest: () => {
      p.requests++;
      opts.onProgress?.(p);
    },
  });
  const known = new Map<string, Known>();
  const { rows: knownRows } = await pool().query<{ remote_id: string; list_hash: string; page_hash: string; settled: boolean }>(
    `SELECT remote_id, list_hash, page_hash, settled FROM mirror_jobs WHERE dashboard_id = $1`,
    [dashboardId],
  );
  for (const r of knownRows) known.set(r.remote_id, { listHash: r.list_hash, pageHash: r.page_hash, settled: r.settled });

  let error: string | null = null;
  const todo: ListedJob[] = [];
  const listed = new Set<string>();
  try {
    for await (const jobs of listJobs(client, namespace, opts.sinceNs)) {
      for (const job of jobs) {
        if (listed.has(job.ID)) continue; // a job listed twice (a page boundary moved while reading) is fetched once
        listed.add(job.ID);
        p.seen++;
        const k = known.get(job.ID);
        if (k && k.settled && k.listHash === listEntryHash(job)) p.unchanged++;
        else todo.push(job);
      }
      opts.onProgress?.(p);
    }
  } catch (e) {
    error = `the job list: ${reasonOf(e)}`;
  }

  p.phase = "pages";
  p.total = todo.length;
  opts.onProgress?.(p);
  let stop = false;
  const worker = async () => {
    while (!stop && todo.length) {
      const job = todo.shift()!;
      try {
        const outcome = await mirrorJob(client, dashboardId, job, known.get(job.ID), opts.actor);
        p[outcome]++;
      } catch (e) {
        if (e instanceof MirrorFetchError && e.stopSync) {
          stop = true;
          error = e.reason;
          break;
        }
        p.failed++;
        if (failures.length < MIRROR_MAX_FAILURES_KEPT) failures.push({ id: job.ID, reason: reasonOf(e) });
      }
      p.fetched++;
      opts.onProgress?.(p);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  p.phase = "done";
  opts.onProgress?.(p);
  await pool().query(
    `UPDATE mirror_dashboards SET last_sync_finished_at = now(), last_sync_error = $2, seen = $3, created = $4, updated = $5,
       unchanged = $6, failed = $7, requests = $8, failures = $9::jsonb WHERE id = $1`,
    [dashboardId, error, p.seen, p.created, p.updated, p.unchanged, p.failed, p.requests, JSON.stringify(failures)],
  );
  return { ...p, failures, error, ms: Date.now() - started };
}

/** Fetches one job's page and stores it, with its mirror_jobs row, in one transaction. */
async function mirrorJob(
  client: DashboardClient,
  dashboardId: number,
  listed: ListedJob,
  known: Known | undefined,
  actor: Actor,
): Promise<"created" | "updated" | "unchanged"> {
  const url = jobPageUrl(client.base, listed.ID);
  const text = await client.getText(url, MIRROR_MAX_PAGE_BYTES);
  const pageHash = sha256(text);
  const listHash = listEntryHash(listed);
  const settled = listedSettled(listed);
  const remember = (sql: { query: (q: string, v: unknown[]) => Promise<unknown> }, jobId: string) =>
    sql.query(
      `INSERT INTO mirror_jobs (dashboard_id, remote_id, job_id, list_hash, page_hash, settled) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (dashboard_id, remote_id) DO UPDATE SET job_id = $3, list_hash = $4, page_hash = $5, settled = $6, fetched_at = now()`,
      [dashboardId, listed.ID, jobId, listHash, pageHash, settled],
    );
  if (known && known.pageHash === pageHash) {
    await pool().query(
      `UPDATE mirror_jobs SET list_hash = $3, settled = $4, fetched_at = now() WHERE dashboard_id = $1 AND remote_id = $2`,
      [dashboardId, listed.ID, listHash, settled],
    );
    return "unchanged";
  }
  const name = `${client.base} job ${listed.ID}`;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ImportError(name, "the job page is not JSON");
  }
  const run = parseJobPage(name, data);
  if (run.job.ID !== listed.ID)
    throw new ImportError(name, `the page is of job ${JSON.stringify(run.job.ID ?? null)}, not of the job listed`);
  // The run's link to the dashboard is built from the base URL we were given, never taken from the page.
  run.job.DashboardLink = jobHumanUrl(client.base, listed.ID);
  run.source = "mirror";
  const prepared = prepareRun(run);
  return inTransaction(async (sql) => {
    const saved = await storeMirroredRun(sql, prepared, actor);
    await remember(sql, saved.id);
    return saved.created ? "created" : saved.updated ? "updated" : "unchanged";
  });
}
