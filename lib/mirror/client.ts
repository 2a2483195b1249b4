// HTTP to one dashboard, politely and defensively: at most `concurrency` requests at once and `delayMs` between two
// starts; a 429 or 503 pauses every request to that dashboard for its Retry-After (capped) and retries; each response
// is read under a byte cap and a timeout; redirects are followed only within the dashboard (mayContact). Every request,
// redirects included, first passes the one check of outbound URLs (lib/outbound: the admins' allow-list, private and
// loopback addresses only when listed), so a dashboard host is allowed exactly as a model endpoint is.
import { MIRROR_MAX_REDIRECTS, MIRROR_MAX_RETRIES, MIRROR_MAX_RETRY_AFTER_SECONDS, MIRROR_REQUEST_TIMEOUT_MS } from "@/lib/limits";
import type { Db } from "@/lib/db/client";
import { HttpError } from "@/lib/http/errors";
import { checkOutboundUrl, type Resolver } from "@/lib/outbound/allow-list";
import { mayContact } from "./url";

/** A request that did not give a usable answer; `reason` is what the admin page and the command line show. */
export class MirrorFetchError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    /**
     * the sync stops here, the next resumes: the dashboard asked to wait longer than MIRROR_MAX_RETRY_AFTER_SECONDS,
     * or its host is not (or no longer) allowed by the outbound allow-list
     */
    readonly stopSync = false,
  ) {
    super(`${url}: ${reason}`);
  }
}

export interface ClientOptions {
  /** the database holding the outbound allow-list every request is checked against */
  db: Db;
  /** how host names are resolved for that check (the system's resolver unless a test replaces it) */
  resolve?: Resolver;
  concurrency: number;
  /** least time between two request starts (ms) */
  delayMs: number;
  /** called for every HTTP request sent (retries and redirects included) */
  onRequest?: (url: string) => void;
  /** called when the dashboard says to wait (429/503), with the wait in ms */
  onBackoff?: (ms: number) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

/** The body as text, refused past `maxBytes` (counted as it arrives, so a huge answer is never held whole). */
async function cappedText(url: string, res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new MirrorFetchError(url, `the answer is ${declared} bytes, more than the ${maxBytes} allowed`);
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new MirrorFetchError(url, `the answer is more than the ${maxBytes} bytes allowed`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** One dashboard's HTTP client (see the file comment). */
export class DashboardClient {
  private active = 0;
  private waiting: (() => void)[] = [];
  private nextStart = 0;
  requests = 0;

  constructor(
    readonly base: string,
    private readonly opts: ClientOptions,
  ) {}

  private async slot(): Promise<void> {
    if (this.active >= this.opts.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  /** Waits for the next start time: the delay between requests, and any Retry-After the dashboard asked for. */
  private async pace(): Promise<void> {
    for (;;) {
      const wait = this.nextStart - Date.now();
      if (wait <= 0) break;
      await sleep(wait);
    }
    this.nextStart = Math.max(this.nextStart, Date.now()) + this.opts.delayMs;
  }

  /** GET `url` (which must be on the dashboard) and return its body as text; throws MirrorFetchError. */
  async getText(url: string, maxBytes: number): Promise<string> {
    await this.slot();
    try {
      for (let attempt = 0; ; attempt++) {
        await this.pace();
        const res = await this.follow(url);
        if (res.status === 429 || res.status === 503) {
          await res.body?.cancel();
          const ms = retryAfterMs(res.headers.get("retry-after")) ?? 2 ** attempt * 1000;
          if (ms > MIRROR_MAX_RETRY_AFTER_SECONDS * 1000) {
            throw new MirrorFetchError(url, `the dashboard asks to wait ${Math.round(ms / 1000)} s (HTTP ${res.status})`, true);
          }
          if (attempt >= MIRROR_MAX_RETRIES) throw new MirrorFetchError(url, `still HTTP ${res.status} after ${attempt + 1} tries`);
          // Every request to this dashboard waits, not only this one.
          this.nextStart = Math.max(this.nextStart, Date.now() + ms);
          this.opts.onBackoff?.(ms);
          continue;
        }
        if (res.status !== 200) {
          await res.body?.cancel();
          throw new MirrorFetchError(url, `HTTP ${res.status}`);
        }
        return await cappedText(url, res, maxBytes);
      }
    } finally {
      this.release();
    }
  }

  /** Throws MirrorFetchError (stopping the sync) with lib/outbound's reason, naming host and port, unless `url` may be requested. */
  private async allowed(url: string): Promise<void> {
    try {
      await checkOutboundUrl(this.opts.db, url, "the dashboard", this.opts.resolve);
    } catch (e) {
      if (e instanceof HttpError) throw new MirrorFetchError(url, e.message, true);
      throw e;
    }
  }

  /** One request, following same-dashboard redirects only. */
  private async follow(url: string): Promise<Response> {
    let current = url;
    for (let hop = 0; ; hop++) {
      if (!mayContact(this.base, current)) throw new MirrorFetchError(current, `not on the dashboard ${this.base}; not requested`);
      await this.allowed(current);
      this.requests++;
      this.opts.onRequest?.(current);
      let res: Response;
      try {
        res = await fetch(current, {
          redirect: "manual",
          signal: AbortSignal.timeout(MIRROR_REQUEST_TIMEOUT_MS),
          headers: { accept: "application/json", "user-agent": "trajectory-viewer-mirror" },
        });
      } catch (e) {
        const why =
          e instanceof Error && e.name === "TimeoutError"
            ? `no answer within ${MIRROR_REQUEST_TIMEOUT_MS / 1000} s`
            : String((e as Error).cause ?? e);
        throw new MirrorFetchError(current, why);
      }
      if (res.status < 300 || res.status >= 400) return res;
      await res.body?.cancel();
      const location = res.headers.get("location");
      if (!location) throw new MirrorFetchError(current, `HTTP ${res.status} without a Location`);
      if (hop >= MIRROR_MAX_REDIRECTS) throw new MirrorFetchError(url, `more than ${MIRROR_MAX_REDIRECTS} redirects`);
      const next = new URL(location, current).href;
      if (!mayContact(this.base, next))
        throw new MirrorFetchError(current, `redirects off the dashboard (to ${next.slice(0, 200)}); not followed`);
      current = next;
    }
  }
}
