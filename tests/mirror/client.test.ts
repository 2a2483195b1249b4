// The mirror's HTTP rules against real loopback servers: only the dashboard named is contacted (redirects to another
// host are refused), and only when the outbound allow-list allows its host (lib/outbound: loopback servers are listed
// here as an admin would list them); answers past the cap are cut off, a 429's Retry-After is waited out, and the
// schedule's advisory lock lets one instance sync at a time.
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DashboardClient, MirrorFetchError, retryAfterMs } from "@/lib/mirror/client";
import { mayContact, MirrorUrlError, normalizeBaseUrl } from "@/lib/mirror/url";
import { mirrorTick } from "@/lib/mirror/schedule";
import { closePool } from "@/lib/db/pool";
import { db, disconnectDb } from "@/lib/db/client";
import { addDashboard } from "@/lib/mirror/dashboards";
import { allowOutbound, disallowOutbound, type Resolver } from "@/lib/outbound/allow-list";
import { EXT4_SCENARIO, patchTriageRun } from "@/lib/demo/patch-triage";
import { StandInDashboard } from "./stand-in-dashboard";
import { randomUUID } from "node:crypto";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const admin = { id: null, label: "test admin" };
/** Lists `base`'s host:port on the outbound allow-list, as an admin does at /admin. */
const allow = (base: string) => allowOutbound(db(), new URL(base).host, admin);

/** A loopback server; listed on the outbound allow-list unless `listed` is false. */
async function serve(handler: Handler, listed = true): Promise<{ base: string; close: () => Promise<void>; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (listed) await allow(base);
  return {
    base,
    hits,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const client = (base: string, resolve?: Resolver) => new DashboardClient(base, { db: db(), resolve, concurrency: 2, delayMs: 0 });

describe("mirror URLs", () => {
  it("normalises a base URL and refuses what is not one", () => {
    expect(normalizeBaseUrl(" https://syzkaller.appspot.com/ ")).toBe("https://syzkaller.appspot.com");
    expect(normalizeBaseUrl("http://10.0.0.5:8080/dash//")).toBe("http://10.0.0.5:8080/dash");
    expect(() => normalizeBaseUrl("file:///etc/passwd")).toThrow(MirrorUrlError);
    expect(() => normalizeBaseUrl("https://u:p@example.org")).toThrow(/user name or password/);
    expect(() => normalizeBaseUrl("https://example.org/?x=1")).toThrow(/no query/);
    expect(() => normalizeBaseUrl("not a url")).toThrow(/is not a URL/);
  });

  it("contacts only the dashboard's own origin, under its path", () => {
    const base = "https://dash.example.org/sub";
    expect(mayContact(base, "https://dash.example.org/sub/ai_job?id=1&json=1")).toBe(true);
    expect(mayContact(base, "https://dash.example.org/other/ai_job?id=1")).toBe(false);
    expect(mayContact(base, "https://dash.example.org.evil.test/sub/x")).toBe(false);
    expect(mayContact(base, "http://dash.example.org/sub/x")).toBe(false);
    expect(mayContact(base, "https://dash.example.org:444/sub/x")).toBe(false);
    expect(mayContact(base, "https://x@dash.example.org/sub/x")).toBe(false);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs("soon")).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});

describe("DashboardClient", () => {
  const servers: { close: () => Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it("follows a redirect within the dashboard, and refuses one to another host without contacting it", async () => {
    const other = await serve((_req, res) => res.end("{}"));
    const dash = await serve((req, res) => {
      if (req.url === "/moved") res.writeHead(302, { location: "/here" }).end();
      else if (req.url === "/away") res.writeHead(302, { location: `${other.base}/steal` }).end();
      else res.end(`"ok"`);
    });
    servers.push(other, dash);
    expect(await client(dash.base).getText(`${dash.base}/moved`, 100)).toBe(`"ok"`);
    const err = await client(dash.base)
      .getText(`${dash.base}/away`, 100)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MirrorFetchError);
    expect((err as MirrorFetchError).reason).toMatch(/redirects off the dashboard/);
    expect(other.hits).toEqual([]);
    // A URL off the dashboard is never requested at all.
    await expect(client(dash.base).getText(`${other.base}/x`, 100)).rejects.toThrow(/not on the dashboard/);
    expect(other.hits).toEqual([]);
  });

  it("contacts a dashboard only when the outbound allow-list allows its host, and says which host to allow", async () => {
    const dash = await serve((_req, res) => res.end(`"ok"`), false);
    servers.push(dash);
    const host = new URL(dash.base).host;
    const refused = `the dashboard ${host} is not on the outbound allow-list; an admin can allow it under Outbound requests at /admin`;
    // Adding it is refused with the host named, and nothing is stored.
    await expect(addDashboard(db(), { baseUrl: dash.base, namespace: "unlisted" }, admin)).rejects.toThrow(MirrorUrlError);
    await expect(addDashboard(db(), { baseUrl: dash.base, namespace: "unlisted" }, admin)).rejects.toThrow(refused);
    expect(await db().mirrorDashboard.count({ where: { baseUrl: dash.base } })).toBe(0);
    // A request is refused before it is sent, and stops the sync.
    const err = await client(dash.base)
      .getText(`${dash.base}/x`, 100)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MirrorFetchError);
    expect((err as MirrorFetchError).reason).toBe(refused);
    expect((err as MirrorFetchError).stopSync).toBe(true);
    expect(dash.hits).toEqual([]);
    // Listed, it is contacted; no longer listed, it is not (the check is made at every request, not once).
    await allow(dash.base);
    expect(await client(dash.base).getText(`${dash.base}/x`, 100)).toBe(`"ok"`);
    await disallowOutbound(db(), host, admin);
    await expect(client(dash.base).getText(`${dash.base}/x`, 100)).rejects.toThrow(refused);
    expect(dash.hits).toEqual(["/x"]);
  });

  it("refuses a listed dashboard name that resolves to a loopback address unless that address is listed too", async () => {
    const dash = await serve((_req, res) => res.end(`"ok"`), false);
    servers.push(dash);
    const port = new URL(dash.base).port;
    // A stand-in resolver: this machine reaches no DNS; what matters is that the name gives a loopback address.
    const resolve: Resolver = async () => ["127.0.0.1"];
    const named = `http://dash.example.org:${port}`;
    await allowOutbound(db(), `dash.example.org:${port}`, admin);
    await expect(addDashboard(db(), { baseUrl: named, namespace: "rebound" }, admin, resolve)).rejects.toThrow(
      `the dashboard dash.example.org:${port} resolves to 127.0.0.1, a private or loopback address that is not on the outbound allow-list`,
    );
    await expect(client(named, resolve).getText(`${named}/x`, 100)).rejects.toThrow(/resolves to 127\.0\.0\.1/);
    await allow(dash.base);
    expect(await addDashboard(db(), { baseUrl: named, namespace: "rebound", follow: false }, admin, resolve)).toBeGreaterThan(0);
  });

  it("stops reading an answer past its cap, declared or streamed", async () => {
    const dash = await serve((req, res) => {
      if (req.url === "/declared") res.writeHead(200, { "content-length": "5000" }).end("x".repeat(5000));
      else {
        res.writeHead(200); // chunked: no length up front
        res.write("y".repeat(3000));
        res.end("y".repeat(3000));
      }
    });
    servers.push(dash);
    await expect(client(dash.base).getText(`${dash.base}/declared`, 4096)).rejects.toThrow(/5000 bytes, more than the 4096 allowed/);
    await expect(client(dash.base).getText(`${dash.base}/streamed`, 4096)).rejects.toThrow(/more than the 4096 bytes allowed/);
  });

  it("waits out a 429's Retry-After, then gets the answer", async () => {
    let first = true;
    const times: number[] = [];
    const dash = await serve((_req, res) => {
      times.push(Date.now());
      if (first) {
        first = false;
        res.writeHead(429, { "retry-after": "1" }).end();
      } else res.end(`"late"`);
    });
    servers.push(dash);
    expect(await client(dash.base).getText(`${dash.base}/x`, 100)).toBe(`"late"`);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });
});

describe("the schedule", () => {
  let holder: pg.Client;
  beforeAll(async () => {
    process.env.DATABASE_URL = inject("databaseUrl");
    holder = new pg.Client({ connectionString: inject("databaseUrl") });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
    await closePool();
    await disconnectDb();
  });

  it("skips its tick while another instance holds the lock, and runs once it is free", async () => {
    await holder.query(`SELECT pg_advisory_lock(7314250001)`);
    expect(await mirrorTick()).toBeNull();
    await holder.query(`SELECT pg_advisory_unlock(7314250001)`);
    expect(await mirrorTick()).toBeInstanceOf(Map);
  });

  it("syncs a dashboard an admin follows, then waits for the interval before syncing it again", async () => {
    const runs = [1, 2, 3].map((i) =>
      patchTriageRun({ ...EXT4_SCENARIO, seed: 70_000 + i, start: new Date(Date.UTC(2026, 8, i)), description: `tick ${i}`, steps: 1 }),
    );
    const dash = new StandInDashboard(
      "tick",
      runs.map((run) => ({ id: randomUUID(), run })),
    );
    await dash.start();
    try {
      await allow(dash.base);
      const id = await addDashboard(db(), { baseUrl: dash.base, namespace: "tick", follow: true }, admin);
      const first = await mirrorTick();
      expect(first?.get(id)).toMatchObject({ seen: 3, created: 3, failed: 0, error: null });
      // Due again only MIRROR_INTERVAL_MINUTES later.
      const requests = dash.requests.length;
      expect((await mirrorTick())?.has(id)).toBe(false);
      expect(dash.requests.length).toBe(requests);
      const later = await mirrorTick(new Date(Date.now() + 16 * 60_000));
      expect(later?.get(id)).toMatchObject({ seen: 3, created: 0, unchanged: 3 });
    } finally {
      await dash.close();
    }
  });
});
