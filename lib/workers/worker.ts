// The worker threads' entry (piscina loads it in each thread of lib/workers/pool.ts): imports a task's module (a path
// under the project, from the task's definition in code, never from a request), runs its export on the input, and
// answers the output, or the HttpError it threw as plain data (an Error subclass does not survive the thread boundary,
// and a refusal must reach the client as the same 4xx reason as inline). Anything else is a bug and is rethrown.
import path from "node:path";
import { createRequire } from "node:module";
import type { HttpError } from "@/lib/http/errors";
import { Piscina } from "piscina";
import type { TaskMessage, TaskResult } from "./pool";
import { movedBuffers } from "./moved";

/** The project's root: this file is lib/workers/worker.ts. */
const ROOT = path.resolve(import.meta.dirname, "..", "..");

// Loaded through require: tsx's hooks for it are in every thread (`--import tsx` registers them; in Node 20 a worker
// thread's dynamic import() does not see tsx's ESM hooks). Modules loaded so are not those the thread's ESM side may
// hold, so an HttpError is known by its name, not by its class.
const requireModule = createRequire(import.meta.url);
const load = (module: string) => requireModule(path.join(ROOT, module)) as Record<string, (input: unknown) => unknown>;

function isHttpError(e: unknown): e is HttpError {
  return e instanceof Error && e.name === "HttpError" && typeof (e as HttpError).code === "string";
}

export default function run({ module, name, input, preload = [] }: TaskMessage): TaskResult | ReturnType<typeof Piscina.move> {
  for (const m of preload) load(m);
  const exports = load(module);
  try {
    const value = exports[name]!(input);
    // The output's large parts move to the main thread (./moved.ts): piscina sends a movable's transfer list along.
    const buffers = movedBuffers(value);
    const result: TaskResult = { ok: true, value };
    if (!buffers.length) return result;
    return Piscina.move({ [Piscina.transferableSymbol]: buffers, [Piscina.valueSymbol]: result } as unknown as ArrayBuffer);
  } catch (e) {
    if (!isHttpError(e)) throw e;
    return { ok: false, error: { code: e.code, message: e.message, extra: e.extra, headers: e.headers } };
  }
}
