// Password hashing a few at a time. better-auth's hash (scrypt, N=16384, r=16: ~180 ms of CPU and 32 MiB each) runs on
// libuv's four shared threads, which also read Next's static files and inflate bodies: 100 wrong sign-ins at once
// (allowed: 100 per address per 15 minutes, and addresses are cheap) held every thread ~20 s, a 4 ms static file took
// 20 s, and the sign-in limiter's own transaction timed out (500). Here at most PASSWORD_CHECKS_AT_ONCE hashes run at
// once per process; the others wait their turn (p-limit's queue), so sign-ins slow down under a storm and nothing else does.
import "server-only";
import pLimit from "p-limit";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { PASSWORD_CHECKS_AT_ONCE } from "@/lib/limits";

const turns = pLimit(PASSWORD_CHECKS_AT_ONCE);

/** better-auth's own hash and verify (its stored format), a few at a time: emailAndPassword.password in lib/auth/auth.ts. */
export const passwordHashing = {
  hash: (password: string): Promise<string> => turns(() => hashPassword(password)),
  verify: (data: { hash: string; password: string }): Promise<boolean> => turns(() => verifyPassword(data)),
};

/** How many password hashes run and wait in this process (tests). */
export function passwordChecks(): { running: number; waiting: number } {
  return { running: turns.activeCount, waiting: turns.pendingCount };
}
