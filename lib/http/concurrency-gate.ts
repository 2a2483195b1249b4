// A cap on work of one kind at once in this process, with a share per party, that refuses rather than queues: the
// caller answers 429 at once (an export, an OTLP request: their clients retry). Work that should wait its turn
// instead takes lib/fair-turns.ts.
import "server-only";

/**
 * A per-process cap on concurrent work of one kind: `take(key)` returns the release function (call it once), or throws
 * what `refuse(held)` makes (a 429 with Retry-After) when `max` are held, or what `perKey.refuse(mine, key)` makes when
 * `key` (a user, a client address) holds `perKey.max` already: one client does not take every slot.
 */
export function concurrencyGate(
  max: number,
  refuse: (held: number) => Error,
  perKey: { max: number; refuse: (mine: number, key: string) => Error } = { max, refuse },
): { take(key?: string): () => void; held(): number } {
  let held = 0;
  const byKey = new Map<string, number>();
  return {
    take(key = "") {
      if (held >= max) throw refuse(held);
      const mine = byKey.get(key) ?? 0;
      if (mine >= perKey.max) throw perKey.refuse(mine, key);
      held++;
      byKey.set(key, mine + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held--;
        const left = byKey.get(key)! - 1;
        if (left) byKey.set(key, left);
        else byKey.delete(key);
      };
    },
    held: () => held,
  };
}
