// Where a request comes from, read from its headers alone (no database): whether its Host is one this app answers
// to, and whether a write was sent by one of this app's own pages. proxy.ts runs both on every request; authorize()
// and the server actions finish the write check with the session's token (lib/auth/csrf.ts).
import { isIP } from "node:net";
import { appConfig } from "@/lib/config";
import { HttpError } from "@/lib/http/errors";

/** "Example.org:3000" → "example.org"; "[::1]:3000" → "::1"; null when the header is missing or malformed. */
function hostName(host: string | null): string | null {
  if (!host) return null;
  try {
    const name = new URL(`http://${host}`).hostname.toLowerCase();
    return name.startsWith("[") ? name.slice(1, -1) : name;
  } catch {
    return null;
  }
}

/** The host names of ALLOWED_HOSTS and BETTER_AUTH_URL, for messages and the check. */
export function allowedHostNames(): string[] {
  const { ALLOWED_HOSTS, BETTER_AUTH_URL } = appConfig();
  const names = new Set(["localhost", ...ALLOWED_HOSTS]);
  if (BETTER_AUTH_URL) names.add(new URL(BETTER_AUTH_URL).hostname.toLowerCase());
  return [...names];
}

/**
 * Whether a request's Host header names this app: any IP address (a page whose origin is an IP address is this app
 * itself, so no DNS trick is involved), `localhost`, or a name in ALLOWED_HOSTS / BETTER_AUTH_URL. A DNS-rebinding
 * page reaches the app under the attacker's own name, which fails here. Ports are not compared: the browser's origin
 * already has the port it connected to.
 */
export function hostAllowed(host: string | null): boolean {
  const name = hostName(host);
  if (!name) return false;
  return isIP(name) !== 0 || allowedHostNames().includes(name);
}

/** The refusal of a request whose Host is not this app's (hostAllowed false): 421, naming the host and the allowed ones. */
export function misdirectedRequest(host: string | null): HttpError {
  return new HttpError(
    "MisdirectedRequest",
    `misdirected request: this app does not answer to the host ${JSON.stringify((host ?? "").slice(0, 200))}; it answers to IP addresses and ${allowedHostNames().join(", ")} (add a name with ALLOWED_HOSTS)`,
  );
}

/**
 * What a write's headers say of its sender:
 * - "same-origin": a page of this app (Sec-Fetch-Site same-origin or none, else an Origin equal to Host or to
 *   BETTER_AUTH_URL's origin);
 * - "no-browser": neither header (curl, scripts, agents: nothing rides on a browser's cookies);
 * - "unproven": `Origin: null` and no Sec-Fetch-Site. A browser sends that for a plain form post when the page has
 *   `Referrer-Policy: no-referrer` — our own forms on plain-HTTP hosts (where Sec-Fetch-* is not sent) as well as a
 *   sibling site's. Such a write must carry the session's token when it carries a session cookie (lib/auth/csrf.ts);
 * - `{ refused }`: another origin — another site, and also another port or subdomain of this one (same-site), whose
 *   requests browsers send with SameSite=Lax cookies.
 */
export type WriteSource = "same-origin" | "no-browser" | "unproven" | { refused: string };

export function writeSource(headers: Headers): WriteSource {
  const site = headers.get("sec-fetch-site");
  if (site) {
    return site === "same-origin" || site === "none"
      ? "same-origin"
      : { refused: `a write from another origin (Sec-Fetch-Site: ${site.slice(0, 20)})` };
  }
  const origin = headers.get("origin");
  if (origin === null) return "no-browser";
  if (origin === "null") return "unproven";
  return sameOrigin(origin, headers.get("host"))
    ? "same-origin"
    : { refused: `a write from another origin (Origin ${origin.slice(0, 200)} is not this app's)` };
}

function sameOrigin(origin: string, host: string | null): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const publicUrl = appConfig().BETTER_AUTH_URL;
  if (publicUrl !== undefined && url.origin === new URL(publicUrl).origin) return true;
  if (!host) return false;
  try {
    // Parsed alike, so "Host: app:80" matches "Origin: http://app".
    return url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** GET, HEAD and OPTIONS read; everything else may write. */
export function isWrite(method: string): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());
}
