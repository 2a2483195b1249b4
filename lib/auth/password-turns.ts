// Password hashing a few at a time. better-auth's hash (scrypt, N=16384, r=16: ~180 ms of CPU and 32 MiB each) runs on
// libuv's four shared threads, which also read Next's static files and inflate bodies: 100 wrong sign-ins at once
// (allowed: 100 per address per 15 minutes, and addresses are cheap) held every thread ~20 s, a 4 ms static file took
// 20 s, and the sign-in limiter's own transaction timed out (500). Here at most PASSWORD_CHECKS_AT_ONCE hashes run at
// once per process; the others wait their turn, so sign-ins slow down under a storm and nothing else does. The turns
// are shared between client addresses (lib/fair-turns.ts): one address's 100 wrong sign-ins (its allowance) held a
// correct sign-in from another address 20.7 s in one first-come queue (attack6 G4); now it goes next. Addresses are
// cheap, though: 100 addresses with one wrong sign-in each held the operator's correct one 15.1 s (attack7 G4b). So a
// sign-in from an address its account signed in from lately (lib/auth/sign-in-limit.ts; an attacker cannot make one
// without the password) checks in a lane of its own, PASSWORD_CHECKS_KNOWN_ADDRESSES more hashes beside the others.
import "server-only";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { FairTurns } from "@/lib/fair-turns";
import { servedClientAddress, servingKnownSignIn } from "@/lib/served-client";
import { PASSWORD_CHECKS_AT_ONCE, PASSWORD_CHECKS_KNOWN_ADDRESSES } from "@/lib/limits";

const turns = new FairTurns(PASSWORD_CHECKS_AT_ONCE, Math.max(1, PASSWORD_CHECKS_AT_ONCE - 1));
const knownTurns = new FairTurns(PASSWORD_CHECKS_KNOWN_ADDRESSES, 1);

/** `work` in a turn of the served client's address, in the known addresses' lane for a sign-in from one. */
async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  const release = await (servingKnownSignIn() ? knownTurns : turns).take(servedClientAddress());
  try {
    return await work();
  } finally {
    release();
  }
}

/** better-auth's own hash and verify (its stored format), a few at a time: emailAndPassword.password in lib/auth/auth.ts. */
export const passwordHashing = {
  hash: (password: string): Promise<string> => inTurn(() => hashPassword(password)),
  verify: (data: { hash: string; password: string }): Promise<boolean> => inTurn(() => verifyPassword(data)),
};

/** How many password hashes run and wait in this process, known addresses' lane apart (tests). */
export function passwordChecks(): { running: number; waiting: number; known: { running: number; waiting: number } } {
  return { running: turns.active, waiting: turns.pending, known: { running: knownTurns.active, waiting: knownTurns.pending } };
}
