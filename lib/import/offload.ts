// Large imports in a child process. Parsing, checking and hashing a 50 MB file is seconds of synchronous JavaScript;
// on the app's one main thread that would stall every reader. So an upload over IMPORT_INLINE_MAX_BYTES is written to
// a private temp folder and imported by scripts/import-worker.ts, a process of its own, through the very same
// importFiles (one write path, one transaction — the child's). This file holds both ends of that hand-over: the app's
// (a slot, the folder, the child, its answer) and the worker's (read the folder, import, write the outcome).
import "server-only";
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Actor } from "@/lib/audit/log";
import { appConfig } from "@/lib/config";
import { closePool } from "@/lib/db/pool";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { HttpError, tooManyRequests } from "@/lib/http/errors";
import { importFiles, type ImportOutcome, type UploadedFile } from "./import-files";

/** Import processes one app process runs at once; an upload received while they all run waits for one. */
export const MAX_IMPORT_WORKERS = 2;
/**
 * Large uploads one app process receives at once (spooled to disk, up to IMPORT_MAX_REQUEST_BYTES each), and those
 * of one operator: past either, 429 before the body is read. Receiving holds no import process, so a slow sender
 * delays nobody's import; the per-operator cap keeps one operator's slow uploads from filling the others' places.
 */
export const MAX_LARGE_UPLOADS = 4;
export const MAX_LARGE_UPLOADS_PER_OPERATOR = 2;
/**
 * V8 heap cap of one import process, MB. The documented maximum (four files of 500,000 span entries, one at a time)
 * peaks near 1 GB of heap (`npm run bench:import -- --max` prints the child's peak RSS); a runaway stops here.
 */
export const IMPORT_WORKER_HEAP_MB = 2048;
/** Wall-time cap of one import process, ms: the documented maximum takes a few minutes on a busy 2-core machine. */
export const IMPORT_WORKER_TIMEOUT_MS = 30 * 60_000;
/** The worker's entry, relative to the project root. */
export const IMPORT_WORKER_SCRIPT = path.join("scripts", "import-worker.ts");

const MANIFEST = "manifest.json";
const RESULT = "result.json";
/** The Retry-After of a 429: about how long a large import takes. */
const BUSY_RETRY_SECONDS = 30;

/** An uploaded file written to the folder: its name as sent (for messages only) and its name on disk (ours). */
export interface SpooledFile {
  name: string;
  file: string;
}

/** What the app hands the worker, as manifest.json in the folder. */
interface Manifest {
  actor: Actor;
  files: SpooledFile[];
}

/** What the worker hands back, as result.json: the outcome, or why there is none. */
type WorkerResult = { kind: "outcome"; outcome: ImportOutcome } | { kind: "failed"; reason: string; databaseUnavailable: boolean };

/** This process's places: uploads being received (by operator) and import processes running, with their queue. */
interface Places {
  uploads: Map<string, number>;
  workers: number;
  waiting: (() => void)[];
}
const places: Places = ((globalThis as unknown as { trajectoryImportPlaces?: Places }).trajectoryImportPlaces ??= {
  uploads: new Map(),
  workers: 0,
  waiting: [],
});
const uploadsNow = () => [...places.uploads.values()].reduce((a, n) => a + n, 0);

/**
 * Runs `fn` with a fresh private temp folder (mkdtemp: mode 0700, a random name, nothing of the upload in it) to
 * receive a large upload of `operator` (an actor's label) into, and removes the folder afterwards whatever happened.
 * Throws HttpError TooManyRequests (with Retry-After) before anything is read when MAX_LARGE_UPLOADS are being
 * received, or MAX_LARGE_UPLOADS_PER_OPERATOR of this operator's.
 */
export async function withImportFolder<T>(operator: string, fn: (folder: string) => Promise<T>): Promise<T> {
  const mine = places.uploads.get(operator) ?? 0;
  if (mine >= MAX_LARGE_UPLOADS_PER_OPERATOR)
    throw tooManyRequests(
      `an import is already running: ${MAX_LARGE_UPLOADS_PER_OPERATOR} large uploads of yours at once at most, try again when one is done`,
      BUSY_RETRY_SECONDS,
    );
  if (uploadsNow() >= MAX_LARGE_UPLOADS)
    throw tooManyRequests(
      `an import is already running: ${MAX_LARGE_UPLOADS} large uploads at once at most, try again when one is done`,
      BUSY_RETRY_SECONDS,
    );
  places.uploads.set(operator, mine + 1);
  let folder: string | undefined;
  try {
    folder = await mkdtemp(path.join(os.tmpdir(), "trajectory-import-")).catch((e: Error) => {
      throw importFailed(`no temp folder for the upload (${e.message})`);
    });
    return await fn(folder);
  } finally {
    const left = (places.uploads.get(operator) ?? 1) - 1;
    if (left > 0) places.uploads.set(operator, left);
    else places.uploads.delete(operator);
    if (folder) await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Runs `fn` (an import process) once one of MAX_IMPORT_WORKERS places is free, waiting in turn for it. Throws
 * HttpError Unavailable ("import failed: the request was aborted") when `signal` aborts while waiting.
 */
export async function withWorkerSlot<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (places.workers >= MAX_IMPORT_WORKERS) {
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        places.waiting.splice(places.waiting.indexOf(turn), 1);
        reject(importFailed("the request was aborted"));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      places.waiting.push(turn);
    });
  } else places.workers++;
  try {
    return await fn();
  } finally {
    // The place passes straight to the next in turn; only when nobody waits is it freed.
    const next = places.waiting.shift();
    if (next) next();
    else places.workers--;
  }
}

/** The project root: the nearest ancestor of the working directory (Next keeps it at the root) holding the worker. */
function projectRoot(): string {
  let dir = process.cwd();
  while (!existsSync(path.join(dir, IMPORT_WORKER_SCRIPT)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (!existsSync(path.join(dir, IMPORT_WORKER_SCRIPT)))
    throw importFailed(`the import worker ${IMPORT_WORKER_SCRIPT} is not under ${process.cwd()}`);
  return dir;
}

/** The answer of an import that could not be finished for want of the server's resources (a process, a temp folder):
 * HttpError Unavailable (503) with the reason, in the per-file shape of every import failure. */
export function importFailed(reason: string, headers?: Record<string, string>): HttpError {
  const message = `import failed: ${reason}; nothing was stored`;
  return new HttpError("Unavailable", message, { errors: [{ file: "request", reason: message }] }, headers);
}

export interface WorkerOptions {
  /** kills the worker when it aborts (the client went away) */
  signal?: AbortSignal;
  /** wall-time cap, ms; default IMPORT_WORKER_TIMEOUT_MS */
  timeoutMs?: number;
  /** V8 heap cap, MB; default IMPORT_WORKER_HEAP_MB */
  heapMb?: number;
}

/**
 * Imports the files written to `folder` (withImportFolder) in a child process, as `actor`, and returns its outcome —
 * exactly importFiles' (ImportOutcome). Arguments travel in manifest.json and DATABASE_URL in the environment, never
 * through a shell or the command line; the child's transaction is its own, so a child that dies stores nothing.
 * Throws HttpError Unavailable (503, "import failed: …", saying why) when the child crashes, runs out of memory,
 * passes the time cap, the request is aborted, or the database is away.
 */
export async function importInWorker(folder: string, files: SpooledFile[], actor: Actor, o: WorkerOptions = {}): Promise<ImportOutcome> {
  const timeoutMs = o.timeoutMs ?? IMPORT_WORKER_TIMEOUT_MS;
  const heapMb = o.heapMb ?? IMPORT_WORKER_HEAP_MB;
  await writeFile(path.join(folder, MANIFEST), JSON.stringify({ actor, files } satisfies Manifest), { mode: 0o600 });
  const root = projectRoot();
  // The parent's environment passes through as it is (PATH, TMPDIR for tsx's cache); DATABASE_URL is the app's own.
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, "--conditions=react-server", "--import", "tsx", path.join(root, IMPORT_WORKER_SCRIPT), folder],
    { cwd: root, env: { ...process.env, DATABASE_URL: appConfig().DATABASE_URL }, stdio: ["pipe", "ignore", "pipe"] },
  );
  // The child's stdin stays open while this process lives: when it closes, the child knows it is orphaned and stops.
  child.stdin!.on("error", () => {});
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    process.stderr.write(c);
    stderr = (stderr + c.toString("utf8")).slice(-4000);
  });
  let stopped: string | null = null;
  const stop = (why: string) => {
    stopped ??= why;
    child.kill("SIGKILL");
  };
  const timer = setTimeout(() => stop(`it ran past its time cap of ${timeoutMs / 1000} s and was stopped`), timeoutMs);
  const onAbort = () => stop("the request was aborted");
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  o.signal?.removeEventListener("abort", onAbort);

  if (stopped) throw importFailed(stopped);
  if (ended.error) throw importFailed(`the import process did not start (${ended.error.message})`);
  const result = await readFile(path.join(folder, RESULT), "utf8").then(
    (t) => JSON.parse(t) as WorkerResult,
    () => null,
  );
  if (ended.code === 0 && result?.kind === "outcome") return result.outcome;
  if (result?.kind === "failed") {
    if (result.databaseUnavailable)
      throw importFailed(`the database is unavailable (${result.reason}), try again shortly`, { "retry-after": "1" });
    throw importFailed(result.reason);
  }
  if (/heap out of memory|Allocation failed/i.test(stderr))
    throw importFailed(`the import process ran out of memory (its heap is capped at ${heapMb} MB)`);
  const last = stderr.trim().split("\n").filter(Boolean).at(-1);
  const how = ended.signal ? `was killed (${ended.signal})` : `exited with code ${ended.code}`;
  throw importFailed(`the import process ${how}${last ? `: ${last}` : ""}`);
}

/** The worker's files, read one at a time as importFiles asks for the next, so its memory holds one file's bytes. */
async function* readSpooled(folder: string, files: SpooledFile[]): AsyncIterable<UploadedFile> {
  for (const f of files) yield { name: f.name, content: await readFile(path.join(folder, f.file)) };
}

/**
 * The worker's side (scripts/import-worker.ts): imports the folder's files as its manifest says, writes result.json
 * and exits. When the app goes away (its end of stdin closes) it exits at once, removing the folder: its transaction
 * is rolled back by PostgreSQL, so an app killed mid-import stores nothing, as an inline import would.
 */
export async function runImportWorker(folder: string): Promise<never> {
  process.stdin.on("end", () => {
    rmSync(folder, { recursive: true, force: true });
    process.exit(1);
  });
  process.stdin.resume();
  let result: WorkerResult;
  try {
    const manifest = JSON.parse(await readFile(path.join(folder, MANIFEST), "utf8")) as Manifest;
    result = { kind: "outcome", outcome: await importFiles(readSpooled(folder, manifest.files), manifest.actor) };
  } catch (e) {
    console.error(e);
    result = { kind: "failed", reason: e instanceof Error ? e.message : String(e), databaseUnavailable: isDatabaseUnavailable(e) };
  }
  await writeFile(path.join(folder, RESULT), JSON.stringify(result), { mode: 0o600 });
  await closePool().catch(() => {});
  process.exit(0);
}
