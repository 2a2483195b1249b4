// Admission of Next's requests (lib/server/admission.ts) over real HTTP: a few at once, the rest in turn, 503 with
// Retry-After past the queue, the liveness check that passes by, and streams that hold a turn only until their head.
// Next itself is stood in for by a handler that answers when the test lets it (the server's other parts are tested
// through Next in e2e/).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { admission } from "@/lib/server/admission";

/** Admission limits for a test: 1 turn, 10 waiting, 1 and 10 per address, times long enough never to end a turn; `o` overrides. */
const limits = (o: Partial<Parameters<typeof admission>[0]>) => ({
  concurrent: 1,
  waiting: 10,
  perClient: 1,
  perClientWaiting: 10,
  turnMs: 60_000,
  streamHeadMs: 60_000,
  bodyWaitMs: 60_000,
  idleCheckMs: 60_000,
  ...o,
});

const turns = admission(limits({ concurrent: 2, waiting: 3, perClient: 2, perClientWaiting: 3 }));
/** Requests the stand-in is working on, and how to let each answer. */
const open: { path: string; finish: () => void; head?: () => void }[] = [];
const server = http.createServer((req, res) => {
  void turns.admit(req, res, () => {
    return new Promise<void>((resolve) => {
      open.push({
        head: () => {
          res.writeHead(200, { "content-type": "text/plain" });
          res.write("head ");
        },
        path: req.url!,
        finish: () => {
          res.end(`done ${req.url}`);
          resolve();
        },
      });
    });
  });
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
};

describe("admission of Next's requests", () => {
  it("works on a few at once, queues the next in order, answers 503 with Retry-After past the queue", async () => {
    const answers = ["/a", "/b", "/c", "/d", "/e"].map((p) => fetch(base + p, { headers: { connection: "close" } }));
    await until(() => turns.stats().running === 2 && turns.stats().waiting === 3);
    expect(open.map((o) => o.path)).toEqual(["/a", "/b"]);
    const refused = await fetch(`${base}/f`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("2");
    expect(await refused.text()).toContain("3 requests wait already");
    // The liveness check passes by a full queue.
    const health = fetch(`${base}/api/health`);
    await until(() => open.some((o) => o.path === "/api/health"));
    open
      .splice(
        open.findIndex((o) => o.path === "/api/health"),
        1,
      )[0]!
      .finish();
    expect(await (await health).text()).toBe("done /api/health");
    // Signing in has turns of its own: a full queue of pages does not hold it up (nor it the pages).
    const signIn = fetch(`${base}/api/auth/sign-in/email`, { method: "POST", body: "{}" });
    await until(() => open.some((o) => o.path === "/api/auth/sign-in/email"));
    expect(turns.stats()).toEqual({ running: 2, waiting: 3 });
    open
      .splice(
        open.findIndex((o) => o.path === "/api/auth/sign-in/email"),
        1,
      )[0]!
      .finish();
    expect((await signIn).status).toBe(200);
    // In turn, first come first served.
    open.shift()!.finish();
    await until(() => open.some((o) => o.path === "/c"));
    expect(open.map((o) => o.path)).toEqual(["/b", "/c"]);
    // /b, /c, then /d and /e as turns come free.
    for (let left = 4; left > 0; left--) {
      await until(() => open.length > 0);
      open.shift()!.finish();
    }
    const texts = await Promise.all(answers.map(async (a) => (await a).text()));
    expect(texts).toEqual(["/a", "/b", "/c", "/d", "/e"].map((p) => `done ${p}`));
    expect(turns.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it("gives a stream (a live run's events, an export) a turn until its head is written, then the turn is free", async () => {
    const pages = ["/p", "/q"].map((p) => fetch(base + p));
    await until(() => turns.stats().running === 2);
    // With every turn taken, streams wait like pages (200 watchers connecting at once held the loop unqueued).
    const events = fetch(`${base}/api/jobs/x/events`);
    const exported = fetch(`${base}/api/jobs/x/trajectory`);
    await until(() => turns.stats().waiting === 2);
    expect(open.some((o) => o.path.startsWith("/api/jobs/"))).toBe(false);
    open.shift()!.finish();
    await until(() => open.some((o) => o.path === "/api/jobs/x/events"));
    // The stream's head frees its turn while its answer goes on: the export gets the turn.
    open.find((o) => o.path === "/api/jobs/x/events")!.head!();
    await until(() => open.some((o) => o.path === "/api/jobs/x/trajectory"));
    expect(turns.stats()).toEqual({ running: 2, waiting: 0 });
    const take = (path: string) =>
      open.splice(
        open.findIndex((o) => o.path === path),
        1,
      )[0]!;
    take("/api/jobs/x/trajectory").finish();
    take("/api/jobs/x/events").finish();
    take("/q").finish();
    expect(await (await events).text()).toBe("head done /api/jobs/x/events");
    expect(await (await exported).text()).toBe("done /api/jobs/x/trajectory");
    await Promise.all(pages.map(async (a) => (await a).text()));
    await until(() => turns.stats().running === 0);
  });

  it("shares the turns between client addresses, and a turn ends when its client leaves or after its time", async () => {
    // Its own admission: 2 turns, 1 per address, a turn of at most 400 ms.
    const fair = admission(limits({ concurrent: 2, turnMs: 400, streamHeadMs: 400 }));
    const held: { path: string; finish: () => void }[] = [];
    const srv = http.createServer((req, res) => {
      void fair.admit(
        req,
        res,
        () => new Promise<void>((resolve) => held.push({ path: req.url!, finish: () => (res.end("ok"), resolve()) })),
      );
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as AddressInfo).port;
    // Requests that hold their turn and never finish: each socket can be cut by the test (a client that leaves).
    const hold = (path: string, address: string) => {
      const req = http.get({ port, host: "127.0.0.1", path, headers: { "x-forwarded-for": address }, agent: false });
      req.on("error", () => {});
      return req;
    };
    try {
      // Address A sends three requests, then B one: A holds one turn at most, so B's goes before A's second.
      const a1 = hold("/a1", "10.0.0.1");
      await until(() => held.length === 1);
      const a2 = hold("/a2", "10.0.0.1");
      const a3 = hold("/a3", "10.0.0.1");
      await until(() => fair.stats().waiting === 2);
      const b1 = hold("/b1", "10.0.0.2");
      await until(() => held.length === 2);
      expect(held.map((h) => h.path)).toEqual(["/a1", "/b1"]);
      // A client that leaves gives its turn back at once (they were kept for good): A's next request starts.
      a1.destroy();
      await until(() => held.length === 3);
      expect(held[2]!.path).toBe("/a2");
      // A turn held past its time ends; the request goes on outside the turns, and the waiting one starts.
      const started = performance.now();
      await until(() => held.length === 4);
      expect(held[3]!.path).toBe("/a3");
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
      for (const r of [a2, a3, b1]) r.destroy();
      await until(() => fair.stats().running === 0 && fair.stats().waiting === 0);
    } finally {
      for (const h of held) h.finish();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it("answers 429 to an address past its share of the queue, while other addresses still wait their turn", async () => {
    // Its own admission: 1 turn, 10 waiting in all, 2 waiting per address.
    const capped = admission(limits({ perClientWaiting: 2 }));
    const held: (() => void)[] = [];
    const srv = http.createServer((req, res) => {
      void capped.admit(req, res, () => new Promise<void>((resolve) => held.push(() => (res.end(`ok ${req.url}`), resolve()))));
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as AddressInfo).port;
    const get = (path: string, address: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, { headers: { "x-forwarded-for": address, connection: "close" } });
    try {
      const running = get("/a1", "10.0.0.1");
      await until(() => held.length === 1);
      const waiting = [get("/a2", "10.0.0.1"), get("/a3", "10.0.0.1")];
      await until(() => capped.stats().waiting === 2);
      // A's third waiting request is refused at once, naming the limit; the queue had room (10).
      const refused = await get("/a4", "10.0.0.1");
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("2");
      expect(await refused.text()).toContain("2 of yours wait already (NEXT_WAITING_PER_CLIENT)");
      // Another address is not refused: it waits its turn like A's.
      const other = get("/b1", "10.0.0.2");
      await until(() => capped.stats().waiting === 3);
      for (let left = 4; left > 0; left--) {
        await until(() => held.length === 1);
        held.shift()!();
      }
      const texts = await Promise.all([running, ...waiting, other].map(async (a) => (await a).text()));
      expect(texts).toEqual(["ok /a1", "ok /a2", "ok /a3", "ok /b1"]);
    } finally {
      for (const h of held) h();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it("lets a body arrive outside the turns (408 past its time), and ends a turn whose request only waits on its client", async () => {
    // Its own admission: 1 turn, bodies wait 600 ms at most, a turn looks every 100 ms whether it waits on its client.
    const bodies = admission(limits({ bodyWaitMs: 600, idleCheckMs: 100 }));
    const started: string[] = [];
    const srv = http.createServer((req, res) => {
      void bodies.admit(req, res, async () => {
        started.push(req.url!);
        let bytes = 0;
        try {
          for await (const chunk of req) bytes += (chunk as Buffer).length;
        } catch {
          return; // the test cut the client
        }
        res.end(`read ${bytes}`);
      });
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as AddressInfo).port;
    /** A POST that announces `length` bytes and sends `first` of them, then nothing (a client that trickles). */
    const trickle = (path: string, address: string, length: number, first: number) => {
      const req = http.request({
        port,
        host: "127.0.0.1",
        path,
        method: "POST",
        headers: { "x-forwarded-for": address, "content-length": String(length) },
        agent: false,
      });
      req.on("error", () => {});
      req.write(Buffer.alloc(first, 97));
      return {
        req,
        answer: new Promise<{ status: number; text: string }>((resolve) =>
          req.on("response", (res) => {
            let text = "";
            res.on("data", (d: Buffer) => (text += d.toString()));
            res.on("end", () => resolve({ status: res.statusCode!, text }));
          }),
        ),
      };
    };
    const post = (address: string) =>
      fetch(`http://127.0.0.1:${port}/ok`, { method: "POST", body: "hello", headers: { "x-forwarded-for": address } });
    try {
      // A body that does not come takes no turn: another address's POST is served meanwhile, then the trickler gets 408.
      const slow = trickle("/slow", "10.0.0.1", 100, 1);
      await new Promise((r) => setTimeout(r, 50));
      const t = performance.now();
      const honest = await post("10.0.0.2");
      expect(await honest.text()).toBe("read 5");
      expect(performance.now() - t).toBeLessThan(500);
      const refused = await slow.answer;
      expect(refused.status).toBe(408);
      expect(refused.text).toContain("did not arrive within 0.6 s (NEXT_BODY_WAIT_MS)");
      expect(started).toEqual(["/ok"]);
      // A body larger than Node's buffer takes its turn at once; when it stops coming, the turn ends though the handler
      // still reads, and the next request gets the turn long before turnMs.
      const big = trickle("/big", "10.0.0.3", 4 * 1024 * 1024, 1024 * 1024);
      await until(() => started.includes("/big"));
      const t2 = performance.now();
      expect(await (await post("10.0.0.4")).text()).toBe("read 5");
      expect(performance.now() - t2).toBeLessThan(2_000);
      big.req.destroy();
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
