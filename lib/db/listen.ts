// One LISTEN connection per process for every channel the app follows: run changes for live pages (lib/live), and
// invalidations of what processes remember (agent keys, settings). PostgreSQL is what app instances share, so a change
// made through one instance reaches the caches of all of them within milliseconds.
import "server-only";
import pg from "pg";
import { appConfig } from "@/lib/config";

type Handler = (payload: string) => void;

interface Channel {
  handlers: Set<Handler>;
  /** called after the connection came back: notifications sent meanwhile were lost, so state must be refreshed */
  resets: Set<() => void>;
}

const globalForListen = globalThis as unknown as { trajectoryListener?: Listener };

class Listener {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly channels = new Map<string, Channel>();
  /** channels LISTENed to on the current connection: their notifications will arrive */
  private readonly live = new Set<string>();
  private closed = false;

  constructor(private readonly url: () => string | undefined) {}

  async listen(channel: string, handler: Handler, reset?: () => void): Promise<() => void> {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    let c = this.channels.get(channel);
    const fresh = !c;
    if (!c) this.channels.set(channel, (c = { handlers: new Set(), resets: new Set() }));
    c.handlers.add(handler);
    if (reset) c.resets.add(reset);
    await this.connect();
    if (fresh) await this.client?.query(`LISTEN ${channel}`);
    if (this.client) this.live.add(channel);
    return () => {
      c.handlers.delete(handler);
      if (reset) c.resets.delete(reset);
    };
  }

  /** Whether a change notified on `channel` now would be delivered to this process. */
  listening(channel: string): boolean {
    return this.client !== null && this.live.has(channel);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live.clear();
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.client) return;
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    await this.connecting;
  }

  private async open(): Promise<void> {
    const url = this.url();
    if (!url) throw new Error("DATABASE_URL is not set");
    const client = new pg.Client({ connectionString: url });
    client.on("notification", (msg) => {
      for (const h of this.channels.get(msg.channel)?.handlers ?? []) h(msg.payload ?? "");
    });
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    await client.connect();
    for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
    this.client = client;
    for (const channel of this.channels.keys()) this.live.add(channel);
  }

  /** The connection broke (database restart): listen again with backoff, then let every channel refresh. */
  private lost(broken: pg.Client): void {
    if (this.client !== broken || this.closed) return;
    this.client = null;
    this.live.clear();
    void broken.end().catch(() => undefined);
    const retry = async (delay: number): Promise<void> => {
      if (this.closed) return;
      await new Promise((r) => setTimeout(r, delay));
      try {
        await this.connect();
        for (const c of this.channels.values()) for (const reset of c.resets) reset();
      } catch {
        await retry(Math.min(delay * 2, 5000));
      }
    };
    void retry(250);
  }
}

/**
 * Follows a PostgreSQL notification channel for this process; resolves once listening (a notification committed after
 * that is delivered). `reset` runs after a lost connection came back. Returns the function that stops following.
 */
export function listen(channel: string, handler: Handler, reset?: () => void): Promise<() => void> {
  globalForListen.trajectoryListener ??= new Listener(() => appConfig().DATABASE_URL);
  return globalForListen.trajectoryListener.listen(channel, handler, reset);
}

/** Closes the process's listening connection (tests and command-line tools, before exiting). */
export async function closeListener(): Promise<void> {
  await globalForListen.trajectoryListener?.close();
  globalForListen.trajectoryListener = undefined;
}

/**
 * Keeps a process-local memo honest across app instances: `forget(payload)` runs for every notification on `channel`
 * (the triggers of prisma/migrations/*_app_changes send them) and `forgetAll` after a lost connection. The returned
 * function starts following on first use and says whether the channel is being listened to right now: a memo may keep
 * what it reads only then, since a change made before listening began, or while the connection is down, would never
 * be heard of (the caller's own expiry would be the only bound).
 */
export function invalidatedBy(channel: string, forget: (payload: string) => void, forgetAll: () => void): () => boolean {
  let started = false;
  return () => {
    if (!started) {
      started = true;
      listen(channel, forget, forgetAll).catch(() => {
        started = false;
      });
    }
    return globalForListen.trajectoryListener?.listening(channel) ?? false;
  };
}
