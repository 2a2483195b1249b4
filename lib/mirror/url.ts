// The addresses the mirror builds, and the rule that keeps its requests on the dashboard an admin named. Everything a
// dashboard sends is data: no URL in a list entry or job page is ever followed; every request URL is built here from
// the base URL an admin (or the `npm run mirror` command line) gave, and checked against it (mayContact). Whether the
// dashboard's host may be contacted at all is lib/outbound's one rule for outbound URLs (checkOutboundUrl), asked
// when a dashboard is added (dashboards.ts) and before every request (client.ts).

/** A path without its trailing slashes ("/" → ""). */
function trimSlashes(p: string): string {
  let end = p.length;
  while (end > 0 && p[end - 1] === "/") end--;
  return p.slice(0, end);
}

/** A base URL that cannot be mirrored, with the reason. */
export class MirrorUrlError extends Error {}

/**
 * The dashboard's base URL, normalised: http or https, a host, no user or password, no query or fragment, the path
 * (if the app is served under one) without a trailing slash. Throws MirrorUrlError naming what is wrong.
 */
export function normalizeBaseUrl(input: string): string {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    throw new MirrorUrlError(`"${input.slice(0, 200)}" is not a URL (expected e.g. https://syzkaller.appspot.com)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new MirrorUrlError(`a dashboard URL is http or https, not ${u.protocol}`);
  if (u.username || u.password) throw new MirrorUrlError("a dashboard URL carries no user name or password");
  if (u.search || u.hash) throw new MirrorUrlError("a dashboard URL has no query or fragment: give the dashboard's base URL");
  return `${u.origin}${trimSlashes(u.pathname)}`;
}

/** A namespace as the dashboard names them (dashboard/app config: letters, digits, dashes, dots, underscores). */
export function isNamespace(ns: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(ns);
}

/**
 * True when `url` is on the dashboard at `base`: same scheme, host and port, and a path under the base's (redirects
 * included). Whether that host may be contacted is lib/outbound's check, which every request also passes.
 */
export function mayContact(base: string, url: string): boolean {
  let b: URL, u: URL;
  try {
    b = new URL(base);
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return false;
  if (u.origin !== b.origin || u.username || u.password) return false;
  const prefix = trimSlashes(b.pathname);
  return u.pathname === prefix || u.pathname.startsWith(`${prefix}/`);
}

/** The job list page (dashboard/app/ai.go handleAIJobsPage, `/{ns}/ai?json=1`), after the cursor of the page before. */
export function jobListUrl(base: string, namespace: string, cursor?: { time: string; id: string }): string {
  const q = new URLSearchParams({ json: "1", show_aborted: "1" });
  if (cursor) {
    q.set("cursor_time", cursor.time);
    q.set("cursor_id", cursor.id);
  }
  return `${base}/${encodeURIComponent(namespace)}/ai?${q}`;
}

/** A job's page as JSON (`/ai_job?id=…&json=1`, uiAIJobDetails). */
export function jobPageUrl(base: string, id: string): string {
  return `${base}/ai_job?${new URLSearchParams({ id, json: "1" })}`;
}

/** A job's inputs (`/ai_job?id=…&export=1`, dashapi.AIJobPollResp). */
export function jobExportUrl(base: string, id: string): string {
  return `${base}/ai_job?${new URLSearchParams({ id, export: "1" })}`;
}

/** A job's page for people (the link a mirrored run shows): only ever built from the admin's base URL. */
export function jobHumanUrl(base: string, id: string): string {
  return `${base}/ai_job?${new URLSearchParams({ id })}`;
}
