// Caps sign-in attempts per account and per client address, for the form and the HTTP endpoint alike (a better-auth hook).
import "server-only";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { SIGN_IN_ATTEMPTS_PER_ACCOUNT, SIGN_IN_ATTEMPTS_PER_ADDRESS, SIGN_IN_WINDOW_SECONDS } from "@/lib/limits";

// In this process's memory: one app instance is the deployment this serves; counts restart with it.
const perAccount = new RateLimiterMemory({ keyPrefix: "sign-in-account", points: SIGN_IN_ATTEMPTS_PER_ACCOUNT, duration: SIGN_IN_WINDOW_SECONDS });
const perAddress = new RateLimiterMemory({ keyPrefix: "sign-in-address", points: SIGN_IN_ATTEMPTS_PER_ADDRESS, duration: SIGN_IN_WINDOW_SECONDS });

const SIGN_IN_PATH = "/sign-in/email";

function accountKey(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" ? email.trim().toLowerCase() : "";
}

/**
 * The client's address: the last x-forwarded-for entry, the one a proxy in front appends (Next fills the header with
 * the socket's address only when it is absent, so without a proxy a client can set it: the per-account count is the
 * one that cannot be dodged). One shared key when unknown.
 */
function addressKey(headers: Headers | undefined): string {
  return headers?.get("x-forwarded-for")?.split(",").at(-1)?.trim() || "unknown";
}

function refusal(res: RateLimiterRes, what: string): APIError {
  const minutes = Math.max(1, Math.ceil(res.msBeforeNext / 60_000));
  return new APIError("TOO_MANY_REQUESTS", {
    message: `Too many sign-in attempts ${what}; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
  });
}

/** Counts each attempt before it runs and refuses it (429) once either count is spent. */
export const limitSignInAttempts = createAuthMiddleware(async (ctx) => {
  if (ctx.path !== SIGN_IN_PATH) return;
  const account = accountKey(ctx.body);
  try {
    await perAddress.consume(addressKey(ctx.headers));
  } catch (res) {
    if (res instanceof RateLimiterRes) throw refusal(res, "from this address");
    throw res;
  }
  if (!account) return; // the endpoint refuses a missing email itself
  try {
    await perAccount.consume(account);
  } catch (res) {
    if (res instanceof RateLimiterRes) throw refusal(res, "for this account");
    throw res;
  }
});

/** A successful sign-in clears its account's count: a person who mistyped a few times starts afresh. */
export const clearOnSignIn = createAuthMiddleware(async (ctx) => {
  if (ctx.path !== SIGN_IN_PATH || !ctx.context.newSession) return;
  await perAccount.delete(accountKey(ctx.body));
});

