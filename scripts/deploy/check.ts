// How `npm run test:deploy` reports: each check prints one line (✓ with its time and detail, or ✗ with the reason),
// a failure is remembered rather than thrown so the later checks still run, and figures are printed at the end.
/** Names of the checks that failed so far. */
export const failures: string[] = [];
/** Measured figures (CPU, reads, latencies), printed after the checks. */
export const figures: string[] = [];

/** Runs `fn` as the check `name`; its return value is the line's detail. Returns whether it passed. */
export async function check(name: string, fn: () => Promise<string | void>): Promise<boolean> {
  const t = Date.now();
  try {
    const detail = await fn();
    console.log(`  ✓ ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)${detail ? `: ${detail}` : ""}`);
    return true;
  } catch (e) {
    console.log(`  ✗ ${name}: ${e instanceof Error ? e.message : String(e)}`);
    failures.push(name);
    return false;
  }
}

/** Throws `message` unless `ok`: a check's failed condition. */
export function assert(ok: unknown, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
