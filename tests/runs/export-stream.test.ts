// Whole-run exports over real HTTP (GET /api/jobs/<id>/trajectory and /otlp): written a page of spans at a time as the
// client reads, never the whole run at once, and only a few at once per process (429 with Retry-After past it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { COMMAND_LINE } from "@/lib/audit/log";
import { importFiles } from "@/lib/import/import-files";
import { EXPORT_MAX_CONCURRENT, EXPORT_PAGE_SPANS, EXPORT_STALLED_CUT_MS, EXPORTS_PER_CLIENT } from "@/lib/limits";
import { GET as trajectoryGET } from "@/app/api/jobs/[id]/trajectory/route";
import { GET as otlpGET } from "@/app/api/jobs/[id]/otlp/route";
import { serveRoutes } from "../helpers/route-server";

let base = "";
let close = async () => {};
beforeAll(async () => {
  ({ base, close } = await serveRoutes([
    { path: /^\/api\/jobs\/(?<id>[^/]+)\/trajectory$/, handlers: { GET: trajectoryGET } },
    { path: /^\/api\/jobs\/(?<id>[^/]+)\/otlp$/, handlers: { GET: otlpGET } },
  ]));
});
afterAll(async () => {
  await close();
  await disconnectDb();
});

/** A run of one flow span and then `n` spans under it (seq 1..n), each with Args of `argBytes` characters. */
async function bigRun(n: number, argBytes: number): Promise<string> {
  const outcome = await importFiles(
    [
      {
        name: "big.json",
        content: Buffer.from(
          JSON.stringify([{ Seq: 0, Nesting: 0, Type: "flow", Name: `big-${randomUUID().slice(0, 8)}`, Started: "2026-03-01T10:00:00Z" }]),
        ),
      },
    ],
    COMMAND_LINE,
  );
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  const id = outcome.jobs[0]!.id;
  // Test data in bulk: the same row shape the write path stores (a tool span under the flow).
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, parent_seq, type, name, started_at, finished_at, args)
    SELECT ${id}::uuid, g, 1, 0, 'tool', 'read-file', '2026-03-01T10:00:01Z', '2026-03-01T10:00:02Z',
      json_build_object('File', g::text || repeat('x', ${argBytes}))
    FROM generate_series(1, ${n}) g`;
  return id;
}

/** GET `url`, read the head of the body, then call `between` while the rest waits unread, then read the rest. */
function getPaused(url: string, between: () => Promise<void>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const parts: Buffer[] = [];
        let paused = false;
        res.on("data", (b: Buffer) => {
          parts.push(b);
          if (paused) return;
          paused = true;
          res.pause();
          // Give the server time to fill what the socket buffers hold, then change the run and read on.
          setTimeout(() => {
            between().then(() => res.resume(), reject);
          }, 300);
        });
        res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString() }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

describe("whole-run exports", () => {
  it("stream a run of several pages with every span, in seq order, parents across pages resolved", async () => {
    const n = EXPORT_PAGE_SPANS * 2 + 10;
    const id = await bigRun(n, 10);
    const t = await fetch(`${base}/api/jobs/${id}/trajectory`);
    expect(t.status).toBe(200);
    const spans = (await t.json()) as { Seq: number; Args?: { File: string } }[];
    expect(spans.map((s) => s.Seq)).toEqual(Array.from({ length: n + 1 }, (_, i) => i));
    expect(spans[n]!.Args!.File).toBe(`${n}${"x".repeat(10)}`);

    const o = await fetch(`${base}/api/jobs/${id}/otlp`);
    expect(o.status).toBe(200);
    const otlp = (await o.json()) as { resourceSpans: { scopeSpans: { spans: { spanId: string; parentSpanId: string }[] }[] }[] };
    const out = otlp.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(out).toHaveLength(n + 1);
    // The flow (first page) is every later span's parent, the last page's too.
    expect(out[0]!.parentSpanId).toBe("");
    expect(new Set(out.slice(1).map((s) => s.parentSpanId))).toEqual(new Set([out[0]!.spanId]));
  });

  it("read the run as the client reads: a span stored while the client waits is in the rest of the answer", async () => {
    // 30 MB of Args: far more than the sockets buffer, so the server must wait for the client between pages.
    const n = 300;
    const id = await bigRun(n, 100_000);
    for (const path of ["trajectory", "otlp"]) {
      const late = n + 1 + (path === "otlp" ? 1 : 0);
      const { status, body } = await getPaused(`${base}/api/jobs/${id}/${path}`, async () => {
        await db().$executeRaw`
          INSERT INTO spans (job_id, seq, nesting, parent_seq, type, name, started_at)
          VALUES (${id}::uuid, ${late}, 1, 0, 'tool', ${`late-${path}`}, '2026-03-01T10:00:03Z')`;
      });
      expect(status).toBe(200);
      // A whole-run read made before the first byte would not have it.
      expect(body).toContain(`late-${path}`);
      expect(() => JSON.parse(body)).not.toThrow();
    }
  });

  it("are capped per process and per client: past EXPORT_MAX_CONCURRENT or EXPORTS_PER_CLIENT the answer is 429 with Retry-After, and a slot comes back", async () => {
    const id = await bigRun(300, 100_000);
    const held: http.ClientRequest[] = [];
    // Readers that take the first bytes and stop reading hold their slots, EXPORTS_PER_CLIENT from each address.
    const address = (i: number) => `10.9.0.${1 + Math.floor(i / EXPORTS_PER_CLIENT)}`;
    for (let i = 0; i < EXPORT_MAX_CONCURRENT; i++) {
      if (i === EXPORTS_PER_CLIENT) {
        // One client's next export is refused while the process has slots left: one client does not take them all.
        const mine = await fetch(`${base}/api/jobs/${id}/otlp`, { headers: { "x-forwarded-for": address(0) } });
        expect(mine.status).toBe(429);
        expect((await mine.json()).error).toBe(
          `you are downloading ${EXPORTS_PER_CLIENT} whole-run exports already, the limit is ${EXPORTS_PER_CLIENT} at once; try again when one ends`,
        );
      }
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`${base}/api/jobs/${id}/trajectory`, { headers: { "x-forwarded-for": address(i) } }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once("data", () => {
            res.pause();
            resolve();
          });
        });
        req.on("error", () => {});
        held.push(req);
        setTimeout(() => reject(new Error("no first bytes")), 10_000);
      });
    }
    const refused = await fetch(`${base}/api/jobs/${id}/otlp`, { headers: { "x-forwarded-for": "10.9.1.1" } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error).toMatch(/whole-run exports/);
    // A reader that goes gives its slot back.
    held.pop()!.destroy();
    await new Promise((r) => setTimeout(r, 300));
    const again = await fetch(`${base}/api/jobs/${id}/trajectory`, { headers: { "x-forwarded-for": "10.9.1.1" } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as unknown[]).length).toBe(301);
    for (const r of held) r.destroy();
  });

  it("cut the reader that has read nothing longest, once it has stalled EXPORT_STALLED_CUT_MS, when every slot is taken and another client asks", async () => {
    const id = await bigRun(300, 100_000);
    const stalled: { res: http.IncomingMessage; req: http.ClientRequest; outcome: Promise<string> }[] = [];
    for (let i = 0; i < EXPORT_MAX_CONCURRENT; i++) {
      await new Promise<void>((resolve, reject) => {
        let settle: (how: string) => void = () => {};
        const outcome = new Promise<string>((r) => (settle = r));
        const req = http.get(`${base}/api/jobs/${id}/trajectory`, { headers: { "x-forwarded-for": `10.9.2.${i}` } }, (res) => {
          res.once("data", () => {
            res.pause();
            stalled.push({ res, req, outcome });
            resolve();
          });
          res.on("end", () => settle("whole"));
          res.on("error", () => settle("cut"));
          res.on("aborted", () => settle("cut"));
        });
        req.on("error", () => settle("cut"));
        setTimeout(() => reject(new Error("no first bytes")), 10_000);
      });
    }
    // Stalled, but not yet long: the newcomer is refused.
    expect((await fetch(`${base}/api/jobs/${id}/otlp`, { headers: { "x-forwarded-for": "10.9.3.1" } })).status).toBe(429);
    await new Promise((r) => setTimeout(r, EXPORT_STALLED_CUT_MS + 300));
    // Now the stalled reader left unread longest is cut, and the newcomer gets its slot and its whole answer.
    const got = await fetch(`${base}/api/jobs/${id}/trajectory`, { headers: { "x-forwarded-for": "10.9.3.1" } });
    expect(got.status).toBe(200);
    expect(((await got.json()) as unknown[]).length).toBe(301);
    // When the stalled readers read on, the cut one's answer breaks off; the others get theirs whole.
    for (const s of stalled) s.res.resume();
    expect((await Promise.all(stalled.map((s) => s.outcome))).sort()).toEqual(["cut", "whole", "whole", "whole"]);
  }, 60_000);
});
