// The write check that needs the session: a write whose sender is unproven (`Origin: null`, no Sec-Fetch-Site) and
// that carries a session cookie must carry that session's token — our own plain forms have it in a hidden field.
import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { headers as requestHeaders } from "next/headers";
import { getAuth } from "./auth";
import { isWrite, writeSource } from "./request-origin";

/** The form field the app's plain forms (sign-out) carry the token in. */
export const CSRF_FIELD = "csrf";

/**
 * The session cookie's value as better-auth will read it; "" when there is none, null when the header names it more
 * than once (a sibling site can add a cookie of that name, and which one counts is then no proof of anything).
 */
async function sessionCookie(cookieHeader: string | null): Promise<string | null> {
  if (!cookieHeader) return "";
  const { authCookies } = await (await getAuth()).$context;
  const name = authCookies.sessionToken.name;
  const values = cookieHeader
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => pair.slice(0, pair.indexOf("=")) === name)
    .map((pair) => pair.slice(pair.indexOf("=") + 1));
  if (values.length > 1) return null;
  return values[0] ?? "";
}

/**
 * HMAC-SHA256 of the session cookie under the app's signing secret, base64url (43 characters): a page of another
 * origin can neither read the HttpOnly cookie nor compute this. "" without a session cookie.
 */
export async function csrfToken(cookieHeader: string | null): Promise<string> {
  const session = await sessionCookie(cookieHeader);
  if (!session) return "";
  const { secret } = await (await getAuth()).$context;
  return createHmac("sha256", secret).update(`csrf\0${session}`).digest("base64url");
}

/** The token for this request's session (server components: the hidden field of a plain form). */
export async function csrfTokenOfRequest(): Promise<string> {
  return csrfToken((await requestHeaders()).get("cookie"));
}

/**
 * Null when this request may write, else the reason it may not. Reads go through; a write from another origin is
 * refused; an unproven write (see writeSource) goes through without a session cookie (it acts for nobody) and
 * otherwise only with the session's token, which `formToken` reads (only then: it may read the body).
 */
export async function writeRefusal(method: string, headers: Headers, formToken: () => Promise<string | null>): Promise<string | null> {
  if (!isWrite(method)) return null;
  const source = writeSource(headers);
  if (typeof source === "object") return source.refused;
  if (source !== "unproven") return null;
  const session = await sessionCookie(headers.get("cookie"));
  if (session === "") return null;
  const expected = await csrfToken(headers.get("cookie"));
  const given = (await formToken()) ?? "";
  if (expected && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return null;
  return "a write from a page that is not proven to be this app's (Origin: null, and no valid form token)";
}

/**
 * For server actions: the same check on this request. Next.js itself refuses an action whose Origin is "null" or
 * another host (500 "Invalid Server Actions request"), so our forms post actions only once hydrated (fetch sends the
 * real Origin); this repeats the rule here so an action never depends on that alone.
 */
export async function actionWriteRefusal(): Promise<string | null> {
  return writeRefusal("POST", await requestHeaders(), async () => null);
}
