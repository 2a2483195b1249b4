// Sign-in limits on a real PostgreSQL: an attacker elsewhere cannot lock the owner out, guessing stays bounded, and two
// app processes (two database clients here) share one count.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { db, disconnectDb } from "@/lib/db/client";
import { advance, countSignInAttempt, recordSignIn, slowdownWaitMs, type SignInVerdict } from "@/lib/auth/sign-in-limit";
import { addUser, resetPassword } from "@/lib/auth/users";
import { COMMAND_LINE } from "@/lib/audit/log";
import {
  SIGN_IN_ATTEMPTS_PER_ACCOUNT,
  SIGN_IN_ATTEMPTS_PER_ADDRESS,
  SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS,
  SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS,
  SIGN_IN_MAX_WAIT_SECONDS,
  SIGN_IN_WINDOW_SECONDS,
} from "@/lib/limits";

// A second "app process": its own client and connection pool on the same database.
const other = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 4 }) });
afterAll(async () => {
  await other.$disconnect();
  await disconnectDb();
});

let account = "";
beforeEach(() => {
  account = `owner-${randomUUID().slice(0, 8)}@unit.test`;
});
// Addresses of the documentation ranges, unique per test so tests do not share counts.
let next = 0;
const address = () => `198.51.${Math.floor(++next / 250)}.${next % 250}`;

const attempts = async (n: number, email: string, from: string, client = db()): Promise<SignInVerdict[]> => {
  const out: SignInVerdict[] = [];
  for (let i = 0; i < n; i++) out.push(await countSignInAttempt(client, email, from));
  return out;
};
const allowed = (vs: SignInVerdict[]) => vs.filter((v) => v.ok).length;

describe("the counting rules", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const cap = { kind: "cap" as const, key: "k", max: 2, windowSeconds: 60, what: "x" };
  const slow = { kind: "slowdown" as const, key: "k", free: 2, maxWaitSeconds: 8, windowSeconds: 600 };

  it("a cap lets `max` attempts through per window, then refuses until the window ends, and counts no refused one", () => {
    const first = advance(undefined, cap, now);
    expect(first).toEqual({ next: { attempts: 1, windowEnd: new Date("2026-06-01T12:01:00Z"), notBefore: null } });
    const second = advance("next" in first ? first.next : undefined, cap, new Date("2026-06-01T12:00:30Z"));
    expect(second).toMatchObject({ next: { attempts: 2 } });
    const third = advance("next" in second ? second.next : undefined, cap, new Date("2026-06-01T12:00:45Z"));
    expect(third).toEqual({ waitMs: 15_000 });
    expect(advance("next" in second ? second.next : undefined, cap, new Date("2026-06-01T12:01:00Z"))).toMatchObject({
      next: { attempts: 1 },
    });
  });

  it("a slowdown never refuses for longer than its longest wait: free attempts, then waits doubling up to the max", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => slowdownWaitMs(n, 2, 8))).toEqual([0, 1000, 2000, 4000, 8000, 8000, 8000]);
    let bucket = undefined as Parameters<typeof advance>[0];
    let t = now.getTime();
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      let step = advance(bucket, slow, new Date(t));
      if ("waitMs" in step) {
        waits.push(step.waitMs);
        t += step.waitMs;
        step = advance(bucket, slow, new Date(t));
      }
      expect("next" in step).toBe(true);
      if ("next" in step) bucket = step.next;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(Math.max(...waits)).toBeLessThanOrEqual(slow.maxWaitSeconds * 1000);
  });

  it("the owner's figures: free attempts, then waits of 1 s doubling to at most the max", () => {
    expect(slowdownWaitMs(SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS - 1, SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS, SIGN_IN_MAX_WAIT_SECONDS)).toBe(0);
    expect(slowdownWaitMs(SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS, SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS, SIGN_IN_MAX_WAIT_SECONDS)).toBe(1000);
    expect(slowdownWaitMs(1000, SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS, SIGN_IN_MAX_WAIT_SECONDS)).toBe(SIGN_IN_MAX_WAIT_SECONDS * 1000);
  });
});

describe("sign-in limits in PostgreSQL", () => {
  it("an attacker's failures from another address do not keep the owner out of their usual address", async () => {
    const home = address();
    const attacker = address();
    expect((await countSignInAttempt(db(), account, home)).ok).toBe(true);
    await recordSignIn(db(), account, home);

    const attack = await attempts(SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS + 5, account, attacker);
    expect(allowed(attack)).toBe(SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS);
    const refused = attack.at(-1)!;
    expect(refused).toMatchObject({
      ok: false,
      message: expect.stringContaining("for this account from this address; try again in 15 minutes"),
    });
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_WINDOW_SECONDS);

    expect(await countSignInAttempt(db(), account, home)).toEqual({ ok: true, known: true });
  });

  it("two app processes share the count: attempts through either client add up, and the refusal holds in both", async () => {
    const from = address();
    const verdicts: SignInVerdict[] = [];
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS; i++) verdicts.push(await countSignInAttempt(i % 2 ? other : db(), account, from));
    expect(allowed(verdicts)).toBe(SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS);
    expect((await countSignInAttempt(other, account, from)).ok).toBe(false);
    expect((await countSignInAttempt(db(), account, from)).ok).toBe(false);
  });

  it("concurrent attempts are counted one after the other: a burst gets no more through than the cap", async () => {
    const from = address();
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => countSignInAttempt(i % 2 ? other : db(), account, from)));
    expect(allowed(burst)).toBe(SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS);
  });

  it("the account's cap over all new addresses bounds guessing from many addresses, and never touches a known one", async () => {
    const home = address();
    await recordSignIn(db(), account, home);
    let through = 0;
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_ACCOUNT / 5 + 5; i++) through += allowed(await attempts(5, account, address()));
    expect(through).toBe(SIGN_IN_ATTEMPTS_PER_ACCOUNT);
    const fresh = await countSignInAttempt(db(), account, address());
    expect(fresh).toMatchObject({ ok: false, message: expect.stringContaining("from addresses it never signed in from") });
    expect((await countSignInAttempt(db(), account, home)).ok).toBe(true);
  });

  it("one address spraying many accounts is capped; accounts it signed in to before are not held up by that", async () => {
    const office = address();
    const colleague = `colleague-${randomUUID().slice(0, 8)}@unit.test`;
    await recordSignIn(db(), colleague, office);
    let through = 0;
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_ADDRESS + 3; i++) through += allowed(await attempts(1, `sprayed-${i}-${account}`, office));
    expect(through).toBe(SIGN_IN_ATTEMPTS_PER_ADDRESS);
    expect(await countSignInAttempt(db(), `one-more-${account}`, office)).toMatchObject({
      ok: false,
      message: expect.stringContaining("from this address"),
    });
    expect((await countSignInAttempt(db(), colleague, office)).ok).toBe(true);
  });

  it("from a known address the owner is slowed, not refused: after the free attempts the next waits a second", async () => {
    const home = address();
    await recordSignIn(db(), account, home);
    const free = await attempts(SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS, account, home);
    expect(allowed(free)).toBe(SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS);
    const next = await countSignInAttempt(db(), account, home);
    expect(next).toMatchObject({
      ok: false,
      retryAfterSeconds: 1,
      message: expect.stringMatching(/^Too many sign-in attempts; wait 1 second before the next$/),
    });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await countSignInAttempt(db(), account, home)).ok).toBe(true);
  });

  it("a sign-in clears its (account, address) count; an admin's password reset clears the account's counts", async () => {
    const from = address();
    await attempts(SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS - 1, account, from);
    await recordSignIn(db(), account, from);
    // Now known: the free attempts start afresh.
    expect(allowed(await attempts(SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS, account, from))).toBe(SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS);

    const user = await addUser(db(), { email: `reset-${account}`, role: "viewer", password: "long enough pw" }, COMMAND_LINE);
    const elsewhere = address();
    await attempts(SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS, user.email, elsewhere);
    expect((await countSignInAttempt(db(), user.email, elsewhere)).ok).toBe(false);
    await resetPassword(db(), user.id, "another long pw", COMMAND_LINE);
    expect((await countSignInAttempt(db(), user.email, elsewhere)).ok).toBe(true);
  });
});
