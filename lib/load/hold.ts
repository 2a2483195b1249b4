// How long this process's event loop was held: the longest time a 5 ms timer waited past its due time while `fn`
// ran. Every other request of the process waits at least that long, so it is what a hostile request costs the rest.
/**
 * The longest event-loop hold (ms) while `fn` ran, and `fn`'s result, wall time (ms) and this process's CPU time (ms,
 * user + system: unlike the hold, it hardly grows when other processes crowd the machine).
 */
export async function measureHold<T>(fn: () => Promise<T>): Promise<{ result: T; holdMs: number; ms: number; cpuMs: number }> {
  let worst = 0;
  let due = performance.now() + 5;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - due);
    due = now + 5;
  }, 5);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const result = await fn();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    // A hold at the very end shows on the next tick.
    await new Promise((r) => setTimeout(r, 6));
    return { result, holdMs: Math.max(worst, performance.now() - due), ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    clearInterval(timer);
  }
}
