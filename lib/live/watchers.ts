// Caps on live connections: per signed-in user, per agent key, per address of readers who are not signed in, for all
// of those readers together, and per process; one place. One address alone cannot take the shared slots (1,000
// anonymous streams from one client once locked every other anonymous reader and agent key out).
import {
  LIVE_WATCHERS_ANONYMOUS,
  LIVE_WATCHERS_PER_ADDRESS,
  LIVE_WATCHERS_PER_KEY,
  LIVE_WATCHERS_PER_PROCESS,
  LIVE_WATCHERS_PER_USER,
} from "@/lib/limits";
import { tooManyRequests } from "@/lib/http/errors";

/** Who holds a live connection: a signed-in user (id), an agent key (its client name), or an anonymous reader's address. */
export type Watcher = { user: string } | { agentKey: string } | { address: string };

const held = new Map<string, number>();
let anonymous = 0;
let total = 0;

function refusal(who: Watcher, mine: number, cap: number): Error {
  if ("user" in who)
    return tooManyRequests(
      `too many live connections: you have ${mine} open, the limit is ${cap}; close the tabs of live runs you no longer watch`,
      10,
    );
  if ("agentKey" in who)
    return tooManyRequests(`too many live connections for agent key ${who.agentKey}: ${mine} open, the limit is ${cap}`, 10);
  return tooManyRequests(
    `too many live connections from your address without signing in: ${mine} open, the limit is ${cap}; sign in, or close some`,
    10,
  );
}

/**
 * Takes a live connection for `who` and returns its release function (call it once); throws HttpError
 * TooManyRequests (429) naming the cap when one is reached: LIVE_WATCHERS_PER_USER per user, LIVE_WATCHERS_PER_KEY per
 * agent key, LIVE_WATCHERS_PER_ADDRESS per anonymous address and LIVE_WATCHERS_ANONYMOUS for every anonymous address
 * together, LIVE_WATCHERS_PER_PROCESS in all.
 */
export function takeWatcherSlot(who: Watcher): () => void {
  const isAnonymous = "address" in who;
  const key = "user" in who ? `user:${who.user}` : "agentKey" in who ? `key:${who.agentKey}` : `address:${who.address}`;
  const mine = held.get(key) ?? 0;
  const cap = "user" in who ? LIVE_WATCHERS_PER_USER : "agentKey" in who ? LIVE_WATCHERS_PER_KEY : LIVE_WATCHERS_PER_ADDRESS;
  if (mine >= cap) throw refusal(who, mine, cap);
  if (isAnonymous && anonymous >= LIVE_WATCHERS_ANONYMOUS)
    throw tooManyRequests(
      `too many live connections from readers who are not signed in (the limit is ${LIVE_WATCHERS_ANONYMOUS}); sign in, or try again shortly`,
      10,
    );
  if (total >= LIVE_WATCHERS_PER_PROCESS)
    throw tooManyRequests(`this server follows ${total} live connections, its limit; try again shortly`, 10);
  held.set(key, mine + 1);
  total++;
  if (isAnonymous) anonymous++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    total--;
    if (isAnonymous) anonymous--;
    const n = (held.get(key) ?? 1) - 1;
    if (n > 0) held.set(key, n);
    else held.delete(key);
  };
}
