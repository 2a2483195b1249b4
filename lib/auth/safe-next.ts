// Where sign-in sends people afterwards: only a path on this site, decided the way the browser will read it.

// Any origin does: `next` is resolved against it and must stay on it. ".invalid" can never be a real host.
const BASE = "http://app.invalid";

/**
 * `next` as a same-origin path (pathname + search + hash), else "/". The check is done on the URL as a browser
 * parses it, not on the string: browsers drop tabs and newlines and read "\" as "/", so "/\t/evil.example" or
 * "/\\evil.example" is "//evil.example", another host; "javascript:…" and absolute URLs have another origin too.
 * A path that normalises to start with "//" ("/.//evil.example") would again be read as a host, so it is refused.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next === "") return "/";
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = url.pathname + url.search + url.hash;
  return path.startsWith("/") && !path.startsWith("//") ? path : "/";
}
