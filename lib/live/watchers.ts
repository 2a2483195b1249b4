// Caps on live connections: per signed-in user, for everyone not signed in together, and per process; one place.
import { LIVE_WATCHERS_ANONYMOUS, LIVE_WATCHERS_PER_PROCESS, LIVE_WATCHERS_PER_USER } from "@/lib/limits";
import { tooManyRequests } from "@/lib/http/errors";

const held = new Map<string, number>();
let total = 0;

/**
 * Takes a live connection for `userId` (null: not signed in) and returns its release function (call it once);
 * throws HttpError TooManyRequests (429) naming the cap when one is reached.
 */
export function takeWatcherSlot(userId: string | null): () => void {
  const key = userId ?? "(not signed in)";
  const mine = held.get(key) ?? 0;
  const cap = userId ? LIVE_WATCHERS_PER_USER : LIVE_WATCHERS_ANONYMOUS;
  if (mine >= cap) {
    throw tooManyRequests(
      userId
        ? `too many live connections: you have ${mine} open, the limit is ${cap}; close the tabs of live runs you no longer watch`
        : `too many live connections from readers who are not signed in (the limit is ${cap}); sign in, or try again shortly`,
      10,
    );
  }
  if (total >= LIVE_WATCHERS_PER_PROCESS)
    throw tooManyRequests(`this server follows ${total} live connections, its limit; try again shortly`, 10);
  held.set(key, mine + 1);
  total++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    total--;
    const n = (held.get(key) ?? 1) - 1;
    if (n > 0) held.set(key, n);
    else held.delete(key);
  };
}
