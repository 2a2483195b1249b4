// A task for tests/workers/fair-share.test.ts: holds its worker thread until the test sets its flag (a shared Int32Array),
// so a test decides when each thread frees up.
/** Counts itself in `started[0]`, then blocks the thread until `flag[0]` is not 0 (Atomics.notify wakes it), at most 20 s; returns `id`. */
export function holdThread({ flag, started, id }: { flag: Int32Array; started: Int32Array; id: string }): string {
  Atomics.add(started, 0, 1);
  Atomics.wait(flag, 0, 0, 20_000);
  return id;
}
