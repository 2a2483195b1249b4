// The whole outline of a huge run on a real PostgreSQL (issue 21): built once for every reader who asks meanwhile, kept
// whatever its size, a live run's until it changes, on a pool of its own, and never holding the event loop.
import { HOLD_BOUND_MS } from "../helpers/hold-bound";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { dbFor } from "@/lib/db/pools";
import { ageOutlines, forgetOutlines, getOutlineBytes, getOutlineJson } from "@/lib/runs/outline-cache";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { decodeOutline } from "@/lib/trajectory/outline";
import { GET as outlineGET } from "@/app/api/jobs/[id]/outline/route";
import { serveRoutes } from "../helpers/route-server";
import { measureHold } from "@/lib/load/hold";
import { OUTLINE_TEXT_HEAD_CHARS } from "@/lib/limits";

afterAll(disconnectDb);

const SPANS = 100_000;
let big = "";

/** A run of `n` spans besides its root, each with its own ~150-character name and ~100-character model (gen.py's uniq100k). */
async function hugeRun(n: number): Promise<string> {
  const { id } = await saveImportedRun({
    job: { Workflow: "patch-triage", Description: `outline-cache test of ${n} spans` },
    source: "trajectory-file",
    minutePrecision: false,
    spans: [{ Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: "2026-03-02T10:00:00Z", Finished: "2026-03-02T12:00:00Z" }],
  });
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, model, started_at, finished_at, input_tokens, output_tokens)
    SELECT ${id}::uuid, g, 1, CASE WHEN g % 2 = 0 THEN 'llm' ELSE 'tool' END, 'agent-' || g || '-' || repeat('n', 140),
      CASE WHEN g % 2 = 0 THEN 'model-' || g || '-' || repeat('m', 90) END,
      timestamptz '2026-03-02T10:00:01Z' + g * interval '1 millisecond', timestamptz '2026-03-02T10:00:01Z' + g * interval '2 millisecond', 100, 10
    FROM generate_series(1, ${n}::int) g`;
  await db().$executeRaw`UPDATE jobs SET span_count = ${n + 1} WHERE id = ${id}::uuid`;
  return id;
}

const size = (pieces: readonly Uint8Array[]) => pieces.reduce((n, p) => n + p.length, 0);

beforeAll(async () => {
  big = await hugeRun(SPANS);
}, 120_000);

describe("the outline of a 100,000-span run", () => {
  it("is built once for ten readers at once, on the outline pool's connections only, and kept though over 16 MB", async () => {
    forgetOutlines();
    let most = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const [r] = await dbFor("read").$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE state = 'active' AND application_name = 'trajectory-viewer outline' AND query LIKE '%WITH s AS MATERIALIZED%'`;
        most = Math.max(most, r!.n);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const all = await Promise.all(Array.from({ length: 10 }, () => getOutlineBytes(db(), big)));
    watching = false;
    await watch;
    // One build: every reader got the very same bytes, and one connection of the outline's own pool ran it.
    expect(new Set(all).size).toBe(1);
    expect(most).toBe(1);
    const bytes = all[0]!;
    expect(size(bytes)).toBeGreaterThan(16 * 1024 * 1024);
    const o = decodeOutline(JSON.parse((await getOutlineJson(db(), big))!));
    expect(o.count).toBe(SPANS + 1);
    // Names are cut to the outline's display head (outlineHead), marked.
    expect(o.names[o.name[SPANS]!]).toBe(`agent-${SPANS}-${"n".repeat(140)}`.slice(0, OUTLINE_TEXT_HEAD_CHARS) + "…");
    // Kept: the next reader gets it without a build.
    const t = performance.now();
    expect((await getOutlineBytes(db(), big)) === bytes).toBe(true);
    expect(performance.now() - t).toBeLessThan(1000);
  }, 120_000);

  it("never holds the event loop 200 ms, built or kept", async () => {
    forgetOutlines();
    const cold = await measureHold(() => getOutlineBytes(db(), big));
    const warm = await measureHold(() => getOutlineBytes(db(), big));
    expect(size(cold.result!)).toBeGreaterThan(16 * 1024 * 1024);
    expect(cold.holdMs).toBeLessThan(HOLD_BOUND_MS);
    expect(warm.holdMs).toBeLessThan(HOLD_BOUND_MS);
  }, 120_000);

  it("of a live run is kept for ten times its build after a change, then built again once a span is added or finishes", async () => {
    await db().$executeRaw`UPDATE jobs SET status = 'running' WHERE id = ${big}::uuid`;
    try {
      forgetOutlines();
      // A reader who comes while the build runs shares it, though a span came meanwhile: one build at a time per live run.
      const building = getOutlineBytes(db(), big);
      await new Promise((r) => setTimeout(r, 1000));
      await db().$executeRaw`UPDATE spans SET finished_at = NULL WHERE job_id = ${big}::uuid AND seq = 1`;
      const meanwhile = getOutlineBytes(db(), big);
      const first = await building;
      expect((await meanwhile) === first).toBe(true);
      await db().$executeRaw`UPDATE spans SET finished_at = timestamptz '2026-03-02T10:00:01.003Z' WHERE job_id = ${big}::uuid AND seq = 1`;
      // Changed, but built a moment ago: a reader follows the run's events from where the kept outline stands.
      expect((await getOutlineBytes(db(), big)) === first).toBe(true);
      ageOutlines(3_600_000);
      const again = await getOutlineBytes(db(), big);
      expect(again === first).toBe(false);
      expect((await getOutlineBytes(db(), big)) === again).toBe(true);
      await db().$executeRaw`INSERT INTO spans (job_id, seq, nesting, type, name, started_at)
        VALUES (${big}::uuid, ${SPANS + 1}, 1, 'tool', 'late', timestamptz '2026-03-02T11:00:00Z')`;
      ageOutlines(3_600_000);
      const added = await getOutlineBytes(db(), big);
      expect(added === again).toBe(false);
      const o = decodeOutline(JSON.parse((await getOutlineJson(db(), big))!));
      expect(o.count).toBe(SPANS + 2);
      expect(Number.isNaN(o.dur[SPANS + 1]!)).toBe(true);
      expect((await getOutlineBytes(db(), big)) === added).toBe(true);
      await db()
        .$executeRaw`UPDATE spans SET finished_at = timestamptz '2026-03-02T11:00:01Z' WHERE job_id = ${big}::uuid AND seq = ${SPANS + 1}`;
      ageOutlines(3_600_000);
      const finished = decodeOutline(JSON.parse((await getOutlineJson(db(), big))!));
      expect(finished.dur[SPANS + 1]).toBe(1_000_000);
    } finally {
      await db().$executeRaw`DELETE FROM spans WHERE job_id = ${big}::uuid AND seq = ${SPANS + 1}`;
      await db().$executeRaw`UPDATE spans SET finished_at = timestamptz '2026-03-02T10:00:01.002Z' WHERE job_id = ${big}::uuid AND seq = 1`;
      await db().$executeRaw`UPDATE jobs SET status = 'finished' WHERE id = ${big}::uuid`;
    }
  }, 120_000);

  it("of a small run is built while two large runs' outlines are built in turn, not behind both", async () => {
    forgetOutlines();
    const other = await hugeRun(60_000);
    const small = await hugeRun(10);
    const done: string[] = [];
    const large = [big, other].map((id) => getOutlineBytes(db(), id).then(() => done.push(id === big ? "big" : "other")));
    // Both large builds under way (each takes seconds) before the small run's reader comes.
    await new Promise((r) => setTimeout(r, 300));
    await getOutlineBytes(db(), small);
    done.push("small");
    await Promise.all(large);
    // Both large builds at once would take both of the outline pool's connections; the small one would wait for one.
    expect(done[0]).toBe("small");
    expect(done).toHaveLength(3);
  }, 120_000);

  it("is sent over HTTP in pieces, whole, without holding the event loop", async () => {
    const { base, close } = await serveRoutes([{ path: /^\/api\/jobs\/(?<id>[^/]+)\/outline$/, handlers: { GET: outlineGET } }]);
    try {
      forgetOutlines();
      const { result: text, holdMs } = await measureHold(async () => {
        const res = await fetch(`${base}/api/jobs/${big}/outline`);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("application/json");
        const body = await res.arrayBuffer();
        expect(Number(res.headers.get("content-length"))).toBe(body.byteLength);
        return body.byteLength;
      });
      expect(text).toBeGreaterThan(16 * 1024 * 1024);
      expect(holdMs).toBeLessThan(HOLD_BOUND_MS);
      const o = decodeOutline(await (await fetch(`${base}/api/jobs/${big}/outline`)).json());
      expect(o.count).toBe(SPANS + 1);
      expect((await fetch(`${base}/api/jobs/00000000-0000-4000-8000-000000000000/outline`)).status).toBe(404);
    } finally {
      await close();
    }
  }, 120_000);
});
