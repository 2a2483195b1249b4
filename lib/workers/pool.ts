// Work off the main thread: a bounded pool of worker threads (piscina) that decodes and checks large request bodies,
// so one request never holds the event loop for seconds. Small inputs run inline: a thread hop costs more than them.
import "server-only";
import os from "node:os";
import path from "node:path";
import { existsSync } from "node:fs";
import { Piscina } from "piscina";
import { HttpError, type ErrorCode } from "@/lib/http/errors";
import { OFF_THREAD_MAX_QUEUE, OFF_THREAD_MIN_BYTES } from "@/lib/limits";
import { FairTurns } from "@/lib/fair-turns";

/**
 * A kind of work that may run off the main thread: a pure, synchronous function of structured-cloneable input to
 * structured-cloneable output that throws HttpError for a refusal, exported by name from a module of the project.
 * Topics define their tasks (defineTask); this folder knows none of them.
 */
export interface Task<I, O> {
  /** the module's path from the project root, e.g. "lib/agents/payload.ts" */
  module: string;
  /** the function's export name in it */
  name: string;
  /** the same function, run inline for a small input */
  run: (input: I) => O;
}

/** The modules of the tasks defined so far: each thread loads them when it starts (startWorkers). */
const taskModules = new Set<string>();

/** A task of `run`, exported as `name` by `module` (a path from the project root); a test checks each is there. */
export function defineTask<I, O>(module: string, name: string, run: (input: I) => O): Task<I, O> {
  taskModules.add(module);
  return { module, name, run };
}

/** What a thread is sent: the task's module and export, and its input. */
export interface TaskMessage {
  module: string;
  name: string;
  input: unknown;
  /** modules to load first (startWorkers: every task's) */
  preload?: string[];
}

/** What a thread answers: the task's output, or the HttpError it threw as plain data. */
export type TaskResult =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; extra?: Record<string, unknown>; headers?: Record<string, string> } };

/** Seconds a client is told to wait when the pool's queue is full: about what a large body takes to decode. */
const BUSY_RETRY_SECONDS = 2;
/** Threads: one per core (each decodes one body at a time; the main thread and PostgreSQL share the cores). */
const THREADS = Math.max(1, os.availableParallelism());

/**
 * The worker's entry: TypeScript, loaded through tsx in the thread (the app runs under `node --import tsx`, the
 * built app and `npm run dev` alike). Found beside this file, or from the project root when this file was bundled.
 */
function workerFile(): string {
  const beside = import.meta.dirname ? path.join(import.meta.dirname, "worker.ts") : "";
  return beside && existsSync(beside) ? beside : path.join(process.cwd(), "lib", "workers", "worker.ts");
}

/** The process's flags for the threads, plus what loading worker.ts needs: tsx, and `server-only`'s server build. */
function workerExecArgv(): string[] {
  const argv = [...process.execArgv];
  const has = (flag: string) => argv.some((a, i) => a === `${flag}` || a.startsWith(`${flag}=`) || argv[i - 1] === flag);
  if (!argv.some((a, i) => (a === "tsx" && argv[i - 1] === "--import") || a === "--import=tsx")) argv.push("--import", "tsx");
  if (!has("--conditions") && !has("-C")) argv.push("--conditions=react-server");
  return argv;
}

let pool: Piscina | null = null;

/** The process's one pool, started at its first use (or startWorkers): one thread per core, at most OFF_THREAD_MAX_QUEUE waiting. */
function workerPool(): Piscina {
  return (pool ??= new Piscina({
    filename: workerFile(),
    // Every thread starts with the pool and stays: a thread loading tsx and the decoders takes ~1 s of CPU, and one
    // started under load would make a large request wait for it.
    minThreads: THREADS,
    maxThreads: THREADS,
    maxQueue: OFF_THREAD_MAX_QUEUE,
    execArgv: workerExecArgv(),
  }));
}

/**
 * The memory of `views` the thread may take over instead of a copy: each one's whole ArrayBuffer, where the view is all
 * of it (a body read or inflated into a buffer of its own). A view into a larger buffer (Node's pool of small
 * Buffers, a socket's chunk) is copied as before: taking its buffer would empty the other views into it.
 */
function movable(views: readonly ArrayBufferView[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views)
    if (v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.byteLength > 0)
      out.add(v.buffer);
  return [...out];
}

/**
 * Runs `task` on `input`: inline when `bytes` (the input's size) is under OFF_THREAD_MIN_BYTES, else on a worker
 * thread, the threads shared fairly between `sender`s (an agent client; "" for the app's own work: see
 * threadTurns). Throws the task's HttpError either way (the same status and reason), and HttpError TooManyRequests with
 * Retry-After when OFF_THREAD_MAX_QUEUE large bodies already wait for a thread.
 *
 * `transfer`: views in `input` whose memory is handed to the thread rather than copied (see movable): copying a 17 MB
 * body into the message held the event loop 150-550 ms (bench:hostile, load ~10). On the thread path they are empty
 * (detached) once runTask has started: the caller must not read them after.
 */
export async function runTask<I, O>(
  task: Task<I, O>,
  input: I,
  bytes: number,
  transfer: readonly ArrayBufferView[] = [],
  sender = "",
): Promise<O> {
  if (bytes < OFF_THREAD_MIN_BYTES) return task.run(input);
  const p = workerPool();
  if (threadTurns.pending >= OFF_THREAD_MAX_QUEUE)
    throw new HttpError("TooManyRequests", "the server is busy decoding large requests: retry shortly", undefined, {
      "retry-after": String(BUSY_RETRY_SECONDS),
    });
  const release = await threadTurns.take(sender);
  let result: TaskResult;
  try {
    const message: TaskMessage = { module: task.module, name: task.name, input };
    result = (await p.run(message, { transferList: movable(transfer) })) as TaskResult;
  } finally {
    release();
  }
  if (result.ok) return result.value as O;
  const { code, message: reason, extra, headers } = result.error;
  throw new HttpError(code as ErrorCode, reason, extra, headers);
}

/**
 * The threads, shared fairly between senders (lib/fair-turns.ts): one sender's tasks hold at most all threads but one
 * (when there are two or more), so one agent key's large requests never take every thread and another key's request
 * starts at once instead of behind them. Four OTLP requests of 62,000 exception events each from one key (attack5 A9)
 * held both threads for seconds, and another key's honest 2,000-span request waited behind them in the pool's one
 * queue: 8.6 s where it takes 0.7 s alone.
 */
const threadTurns = new FairTurns(THREADS, Math.max(1, THREADS - 1));

/**
 * Starts the pool and waits until every thread has started, so the first large body does not wait for one: the app's
 * server calls it at start (a thread that cannot load fails the start), tests that measure a large request before it.
 */
export async function startWorkers(): Promise<void> {
  const p = workerPool();
  // One task a thread (each takes one at a time) that does nothing (lib/workers/idle.ts) after loading every task's
  // module, so the first large body finds its code loaded.
  const idle: TaskMessage = { module: "lib/workers/idle.ts", name: "idle", input: null, preload: [...taskModules] };
  await Promise.all(Array.from({ length: THREADS }, () => p.run(idle)));
}

/** Ends the pool's threads (tests and scripts that exit by returning). */
export async function closeWorkers(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.destroy();
}
