// A task's output whose large parts are moved back to the main thread rather than copied: a task returns
// movedWith(value, buffers), the worker (worker.ts) sends `buffers` in the message's transfer list, and the views into
// them in `value` arrive as views into the same memory, no byte copied, nothing for the main thread's heap to collect.
// Pure: task modules (loaded on the threads and inline) import it.

// From the global registry: the worker loads task modules through require and this file through import, two copies.
const MOVED = Symbol.for("trajectory-viewer: buffers moved with a task's output");

/** `value`, with the ArrayBuffers its views point into to be moved, not copied, when it leaves a worker thread. */
export function movedWith<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  return Object.assign(value, { [MOVED]: buffers });
}

/** The buffers movedWith attached to a task's output (none for any other value); structured clone drops the symbol. */
export function movedBuffers(value: unknown): ArrayBuffer[] {
  if (!value || typeof value !== "object") return [];
  return (value as { [MOVED]?: ArrayBuffer[] })[MOVED] ?? [];
}
