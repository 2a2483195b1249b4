// A task that does nothing: run once on each thread by startWorkers (lib/workers/pool.ts) so every thread has started.
export function idle(): null {
  return null;
}
