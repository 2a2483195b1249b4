// Sign-in limits that bound password guessing but cannot lock an account's owner out, for the form and the HTTP
// endpoint alike (better-auth hooks). Counts live in PostgreSQL, so every app process shares them.
import "server-only";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { Db } from "@/lib/db/client";
import { db } from "@/lib/db/client";
import {
  SIGN_IN_ACCOUNT_WINDOW_SECONDS,
  SIGN_IN_ATTEMPTS_PER_ACCOUNT,
  SIGN_IN_ATTEMPTS_PER_ADDRESS,
  SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS,
  SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS,
  SIGN_IN_KNOWN_ADDRESS_DAYS,
  SIGN_IN_MAX_WAIT_SECONDS,
  SIGN_IN_WINDOW_SECONDS,
  EMAIL_MAX_CHARS,
} from "@/lib/limits";
import { clientAddress } from "./client-address";
import { markKnownSignIn } from "@/lib/served-client";

/** A count: at most `max` attempts per window, then refused until the window ends. */
interface Cap {
  kind: "cap";
  key: string;
  max: number;
  windowSeconds: number;
  /** "for this account from this address", for the refusal */
  what: string;
}
/** A slowdown: `free` attempts per window, then each waits twice as long as the last (1 s, 2 s, … up to the max). */
interface Slowdown {
  kind: "slowdown";
  key: string;
  free: number;
  maxWaitSeconds: number;
  windowSeconds: number;
}
type Rule = Cap | Slowdown;

/** A row of sign_in_counts. */
export interface Bucket {
  attempts: number;
  windowEnd: Date;
  notBefore: Date | null;
}

/** The wait after the n-th attempt of a slowdown window, in ms: none for the free ones, then 1 s doubling to the max. */
export function slowdownWaitMs(attempts: number, free: number, maxWaitSeconds: number): number {
  if (attempts < free) return 0;
  return Math.min(2 ** (attempts - free), maxWaitSeconds) * 1000;
}

/**
 * One attempt against one rule: the bucket afterwards, or how long (ms) the attempt must wait. A refused attempt
 * changes nothing (it never ran). Pure, so the rules are tested without a clock.
 */
export function advance(bucket: Bucket | undefined, rule: Rule, now: Date): { next: Bucket } | { waitMs: number } {
  const fresh = !bucket || bucket.windowEnd <= now;
  const attempts = fresh ? 1 : bucket.attempts + 1;
  const windowEnd = fresh ? new Date(now.getTime() + rule.windowSeconds * 1000) : bucket.windowEnd;
  if (rule.kind === "cap") {
    if (attempts > rule.max) return { waitMs: windowEnd.getTime() - now.getTime() };
    return { next: { attempts, windowEnd, notBefore: null } };
  }
  if (!fresh && bucket.notBefore && bucket.notBefore > now) return { waitMs: bucket.notBefore.getTime() - now.getTime() };
  return { next: { attempts, windowEnd, notBefore: new Date(now.getTime() + slowdownWaitMs(attempts, rule.free, rule.maxWaitSeconds)) } };
}

// "<email> <address>": an address holds no space, so the last word is always the address.
const pairKey = (email: string, address: string) => `${email} ${address}`;

function rulesFor(email: string, address: string, known: boolean): Rule[] {
  if (known) {
    return [
      {
        kind: "slowdown",
        key: `known:${pairKey(email, address)}`,
        free: SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS,
        maxWaitSeconds: SIGN_IN_MAX_WAIT_SECONDS,
        windowSeconds: SIGN_IN_WINDOW_SECONDS,
      },
    ];
  }
  const rules: Rule[] = [
    {
      kind: "cap",
      key: `address:${address}`,
      max: SIGN_IN_ATTEMPTS_PER_ADDRESS,
      windowSeconds: SIGN_IN_WINDOW_SECONDS,
      what: "from this address",
    },
  ];
  if (!email) return rules;
  return [
    ...rules,
    {
      kind: "cap",
      key: `pair:${pairKey(email, address)}`,
      max: SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS,
      windowSeconds: SIGN_IN_WINDOW_SECONDS,
      what: "for this account from this address",
    },
    {
      kind: "cap",
      key: `account:${email}`,
      max: SIGN_IN_ATTEMPTS_PER_ACCOUNT,
      windowSeconds: SIGN_IN_ACCOUNT_WINDOW_SECONDS,
      what: "for this account from addresses it never signed in from (sign in from one you used before)",
    },
  ];
}

async function isKnownAddress(prisma: Db, email: string, address: string): Promise<boolean> {
  if (!email) return false;
  const since = new Date(Date.now() - SIGN_IN_KNOWN_ADDRESS_DAYS * 86_400_000);
  return (await prisma.signInAddress.count({ where: { email, address, lastSignInAt: { gt: since } } })) > 0;
}

/** `known`: the address is one the account signed in from lately (only a slowdown applies to it). */
export type SignInVerdict = { ok: true; known: boolean } | { ok: false; message: string; retryAfterSeconds: number };

function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 120) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minutes`;
  return `${Math.ceil(minutes / 60)} hours`;
}

/**
 * Counts one sign-in attempt at `email` (lowercased; "" when the body has none) from `address`, or refuses it:
 * from an address the account signed in from before, only a slowdown applies; from any other, the caps per
 * (account, address), per address and per account. The buckets' rows are locked for the check, so concurrent
 * attempts (from any app process) are counted one after the other.
 */
export async function countSignInAttempt(prisma: Db, email: string, address: string): Promise<SignInVerdict> {
  const known = await isKnownAddress(prisma, email, address);
  const rules = rulesFor(email, address, known);
  const keys = rules.map((r) => r.key).sort();
  return prisma.$transaction(async (tx) => {
    // Rows first (an expired placeholder), so that the lock below holds also for the very first attempts.
    await tx.$executeRaw`INSERT INTO sign_in_counts (key, attempts, window_end) SELECT unnest(${keys}::text[]), 0, 'epoch' ON CONFLICT (key) DO NOTHING`;
    const rows = await tx.$queryRaw<({ key: string; now: Date } & Bucket)[]>`
      SELECT key, attempts, window_end AS "windowEnd", not_before AS "notBefore", now() AS now
      FROM sign_in_counts WHERE key = ANY(${keys}::text[]) ORDER BY key FOR UPDATE`;
    const now = rows[0]!.now;
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const updates: (Bucket & { key: string })[] = [];
    let refusal: { waitMs: number; rule: Rule } | null = null;
    for (const rule of rules) {
      const step = advance(byKey.get(rule.key), rule, now);
      if ("waitMs" in step) {
        if (!refusal || step.waitMs > refusal.waitMs) refusal = { waitMs: step.waitMs, rule };
      } else updates.push({ key: rule.key, ...step.next });
    }
    if (refusal) {
      const message =
        refusal.rule.kind === "cap"
          ? `Too many sign-in attempts ${refusal.rule.what}; try again in ${waitText(refusal.waitMs)}`
          : `Too many sign-in attempts; wait ${waitText(refusal.waitMs)} before the next`;
      return { ok: false, message, retryAfterSeconds: Math.ceil(refusal.waitMs / 1000) };
    }
    await tx.$executeRaw`
      UPDATE sign_in_counts c SET attempts = u.attempts, window_end = u.window_end, not_before = u.not_before
      FROM unnest(${updates.map((u) => u.key)}::text[], ${updates.map((u) => u.attempts)}::int[],
                  ${updates.map((u) => u.windowEnd)}::timestamptz[], ${updates.map((u) => u.notBefore)}::timestamptz[])
        AS u(key, attempts, window_end, not_before)
      WHERE c.key = u.key`;
    return { ok: true, known };
  });
}

/**
 * A successful sign-in: the address becomes (or stays) known to the account, the (account, address) counts are
 * cleared, and the attempt is taken back from the per-address and per-account counts, so those count failures.
 */
export async function recordSignIn(prisma: Db, email: string, address: string): Promise<void> {
  await prisma.$transaction([
    prisma.signInAddress.upsert({
      where: { email_address: { email, address } },
      create: { email, address, lastSignInAt: new Date() },
      update: { lastSignInAt: new Date() },
    }),
    prisma.signInCount.deleteMany({ where: { key: { in: [`pair:${pairKey(email, address)}`, `known:${pairKey(email, address)}`] } } }),
    prisma.$executeRaw`UPDATE sign_in_counts SET attempts = greatest(attempts - 1, 0) WHERE key IN (${`address:${address}`}, ${`account:${email}`})`,
  ]);
}

/** An admin's password reset: the account starts afresh everywhere (its owner may have been kept out by its caps). */
export async function clearSignInCounts(prisma: Pick<Db, "signInCount">, email: string): Promise<void> {
  await prisma.signInCount.deleteMany({
    where: { OR: [{ key: `account:${email}` }, { key: { startsWith: `pair:${email} ` } }, { key: { startsWith: `known:${email} ` } }] },
  });
}

// Expired rows are dropped now and then (at most once a minute per process), so attackers' addresses do not pile up.
const PURGE_EVERY_MS = 60_000;
let lastPurge = 0;
async function purgeExpired(prisma: Db): Promise<void> {
  if (Date.now() - lastPurge < PURGE_EVERY_MS) return;
  lastPurge = Date.now();
  await prisma.signInCount.deleteMany({ where: { windowEnd: { lt: new Date() } } });
  await prisma.signInAddress.deleteMany({
    where: { lastSignInAt: { lt: new Date(Date.now() - SIGN_IN_KNOWN_ADDRESS_DAYS * 86_400_000) } },
  });
}

const SIGN_IN_PATH = "/sign-in/email";

function accountOf(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" ? email.trim().toLowerCase() : "";
}

/** better-auth "before" hook: counts each sign-in attempt before it runs and refuses it (429 with Retry-After) when over. */
export const limitSignInAttempts = createAuthMiddleware(async (ctx) => {
  if (ctx.path !== SIGN_IN_PATH) return;
  // Refused before it is counted: the count's key is the address, in a btree whose rows hold at most ~2.7 KB (a
  // 5,000-character address answered 500).
  const email = accountOf(ctx.body);
  if (email.length > EMAIL_MAX_CHARS) throw new APIError("BAD_REQUEST", { message: `email: longer than ${EMAIL_MAX_CHARS} characters` });
  await purgeExpired(db());
  const verdict = await countSignInAttempt(db(), email, ctx.headers ? clientAddress(ctx.headers) : "unknown");
  if (!verdict.ok) {
    throw new APIError("TOO_MANY_REQUESTS", { message: verdict.message }, { "retry-after": String(verdict.retryAfterSeconds) });
  }
  // Its password check goes in the known addresses' lane: a storm of attempts from new addresses does not hold it.
  if (verdict.known) markKnownSignIn();
});

/** better-auth "after" hook: a successful sign-in is recorded (see recordSignIn). */
export const recordSuccessfulSignIn = createAuthMiddleware(async (ctx) => {
  if (ctx.path !== SIGN_IN_PATH || !ctx.context.newSession) return;
  await recordSignIn(db(), ctx.context.newSession.user.email.toLowerCase(), ctx.headers ? clientAddress(ctx.headers) : "unknown");
});
