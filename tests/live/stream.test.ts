// Live updates with backpressure, on a real PostgreSQL through the events route's own handler (its Response body is
// what the HTTP server reads): a watcher that stops reading is cut once its queue is full instead of buffering every
// change (issue 21, finding 3: 50 stalled watchers + 2,000 spans held 1.6 GB), a reading watcher gets every span, and
// the catch-up comes in pages as the watcher reads instead of the whole outline at connect.
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { closeListener } from "@/lib/db/listen";
import { GET } from "@/app/api/jobs/[id]/events/route";
import { eventStream, liveQueuedBytes } from "@/lib/live/stream";
import { decodeOutline, type OutlineJson } from "@/lib/trajectory/outline";
import { LIVE_CATCHUP_MAX_BYTES, LIVE_CATCHUP_PAGE_SPANS, LIVE_WATCHER_QUEUE_BYTES } from "@/lib/limits";
import { runningJob } from "./running-job";

afterAll(async () => {
  await closeListener();
  await disconnectDb();
});

/**
 * Spans of ~1,000 characters of outline each (a name of 200 characters, an error head of 300 and a summary of 500), so 2,000 of them are ~2 MB of outline: more than one watcher's queue.
 */
async function insertSpans(jobId: string, from: number, count: number) {
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, started_at, finished_at, error, summary)
    SELECT ${jobId}::uuid, s, CASE WHEN s = 0 THEN 0 ELSE 1 END, 'tool', 'grepper-' || s || repeat('x', 190), now(), now(),
      repeat('e', 300), repeat('s', 500)
    FROM generate_series(${from}::int, ${from + count - 1}::int) AS s`;
}

/** Spans whose outline rows are as large as the display heads let them be (~1.2 KB each: quotes are 2 bytes in JSON). */
async function insertQuoted(jobId: string, from: number, count: number) {
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, started_at, finished_at, error, summary)
    SELECT ${jobId}::uuid, s, CASE WHEN s = 0 THEN 0 ELSE 1 END, 'tool', s || repeat('"', 990), now(), now(),
      repeat('"', 300), repeat('"', 150)
    FROM generate_series(${from}::int, ${from + count - 1}::int) AS s`;
}

const open = (id: string, query = "after=-1") =>
  GET(new Request(`http://app.test/api/jobs/${id}/events?${query}`), { params: Promise.resolve({ id }) });

/** Reads `body` until `until` says stop or it ends; returns the seqs seen, the events, and how it ended. */
async function readEvents(body: ReadableStream<Uint8Array>, until: (seqs: Set<number>) => boolean, ms = 20_000) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const seqs = new Set<number>();
  let text = "";
  let events = 0;
  let ended: "done" | "error" | "stopped" = "stopped";
  const t0 = Date.now();
  try {
    while (!until(seqs) && Date.now() - t0 < ms) {
      const r = await reader.read();
      if (r.done) {
        ended = "done";
        break;
      }
      text += decoder.decode(r.value, { stream: true });
      let cut;
      while ((cut = text.indexOf("\n\n")) >= 0) {
        const frame = text.slice(0, cut);
        text = text.slice(cut + 2);
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (!frame.startsWith("event: change") || !data) continue;
        events++;
        const change = JSON.parse(data) as { spans: OutlineJson };
        const o = decodeOutline(change.spans);
        for (let i = 0; i < o.count; i++) seqs.add(o.seq[i]!);
      }
    }
  } catch {
    ended = "error";
  }
  reader.releaseLock();
  return { seqs, events, ended };
}

describe("live updates with backpressure", () => {
  it("cuts watchers that stop reading once their queue is full; a reading watcher gets every span", async () => {
    const id = await runningJob();
    const stalled = await Promise.all(Array.from({ length: 10 }, () => open(id)));
    const reading = await open(id);
    for (const r of [...stalled, reading]) expect(r.status).toBe(200);
    const seen = readEvents(reading.body!, (s) => s.size === 3000);
    const before = liveQueuedBytes();
    for (let from = 0; from < 3000; from += 300) {
      await insertSpans(id, from, 300);
      await new Promise((r) => setTimeout(r, 300));
    }
    const got = await seen;
    expect(got.seqs.size).toBe(3000);
    // Each stalled watcher holds at most its queue (and is then cut), not 3 MB of changes.
    expect(liveQueuedBytes() - before).toBeLessThanOrEqual(stalled.length * LIVE_WATCHER_QUEUE_BYTES);
    for (const r of stalled) {
      const s = await readEvents(r.body!, () => false, 5000);
      expect(s.ended).toBe("error");
      expect(s.seqs.size).toBeLessThan(3000);
    }
  });

  it("sends the catch-up in pages as the watcher reads, and ends with the run", async () => {
    const id = await runningJob();
    await insertSpans(id, 0, 2100);
    const res = await open(id);
    const reader = res.body!.getReader();
    // Not read yet: what is queued is a page or two, not the run's 2 MB outline.
    await new Promise((r) => setTimeout(r, 300));
    expect(liveQueuedBytes()).toBeLessThan(3 * LIVE_CATCHUP_PAGE_SPANS * 1100);
    reader.releaseLock();
    await db().job.update({ where: { id }, data: { status: "finished" } });
    const got = await readEvents(res.body!, () => false);
    expect(got.seqs.size).toBe(2100);
    expect(got.events).toBeGreaterThanOrEqual(Math.ceil(2100 / LIVE_CATCHUP_PAGE_SPANS));
    expect(got.ended).toBe("done");
  });

  it("tells a watcher of a run that had already ended, more than a page behind, to reload instead of paging", async () => {
    const id = await runningJob();
    await insertSpans(id, 0, LIVE_CATCHUP_PAGE_SPANS + 10);
    await db().job.update({ where: { id }, data: { status: "finished" } });
    const res = await open(id);
    expect(res.status).toBe(200);
    const text = await new Response(res.body).text();
    expect(text).toContain('event: reload\ndata: {"status":"finished"}');
    // Not the outline (~1 KB a span here); a change the hub heard of the status may still come before the reload.
    expect(text.length).toBeLessThan(LIVE_CATCHUP_PAGE_SPANS * 100);
    // One page behind or less: the spans themselves, and the stream ends with the run.
    const near = await open(id, `after=${LIVE_CATCHUP_PAGE_SPANS - 1}`);
    const got = await readEvents(near.body!, () => false);
    expect(got.seqs.size).toBe(10);
    expect(got.ended).toBe("done");
  });

  it("tells a watcher of a live run whose catch-up would pass LIVE_CATCHUP_MAX_BYTES to reload; one near its end gets the spans", async () => {
    const id = await runningJob();
    // ~1.2 KB of outline a span (a 120-character head of quotes, 2 bytes each in JSON, an error head of 300 quotes and a
    // summary head): 10,000 of them are ~12 MB of catch-up, past the budget.
    await insertQuoted(id, 0, 10_000);
    const res = await open(id);
    expect(res.status).toBe(200);
    const text = await new Response(res.body).text();
    expect(text).toContain('event: reload\ndata: {"status":"running"}');
    // Judged on the first page: not even that page is sent.
    expect(text.length).toBeLessThan(LIVE_CATCHUP_PAGE_SPANS * 100);
    const near = await open(id, `after=${10_000 - 301}`);
    const got = await readEvents(near.body!, (seqs) => seqs.size === 300, 10_000);
    expect(got.seqs.size).toBe(300);
    await near.body!.cancel();
  });

  it("tells a watcher to reload once the catch-up it was sent reaches LIVE_CATCHUP_MAX_BYTES, though its first page was small", async () => {
    const id = await runningJob();
    await db().$executeRaw`
      INSERT INTO spans (job_id, seq, nesting, type, name, started_at, finished_at)
      SELECT ${id}::uuid, s, CASE WHEN s = 0 THEN 0 ELSE 1 END, 'tool', 't' || s, now(), now()
      FROM generate_series(0, ${LIVE_CATCHUP_PAGE_SPANS - 1}::int) AS s`;
    await insertQuoted(id, LIVE_CATCHUP_PAGE_SPANS, 8_000);
    const res = await open(id);
    const text = await new Response(res.body).text();
    expect(text).toContain("event: reload");
    // Pages were sent until the next would pass the budget.
    expect(text.length).toBeGreaterThan(LIVE_CATCHUP_MAX_BYTES / 2);
    expect(text.length).toBeLessThan(LIVE_CATCHUP_MAX_BYTES + 10_000);
  });

  it("does not cut a watcher whose queue is full of the catch-up pages it asked for when a small change comes", async () => {
    const page = "x".repeat(600 * 1024);
    let pages = 0;
    const events = eventStream({
      queueBytes: 1024 * 1024,
      more: async () => {
        events.send("change", page, true);
        return ++pages < 3;
      },
    });
    // Not read yet: the stream pulls pages until its queue passes the limit (two of 600 KB).
    await new Promise((r) => setTimeout(r, 50));
    expect(pages).toBe(2);
    // A status change from the hub still fits beside them; a flood of pushed changes past the limit cuts.
    expect(events.send("change", '{"status":"finished"}')).toBe(true);
    expect(events.send("change", "y".repeat(900 * 1024))).toBe(true);
    expect(events.send("change", "z".repeat(200 * 1024))).toBe(false);
    expect(events.closed).toBe(true);
  });

  it("answers 404 for a run that does not exist", async () => {
    const res = await open(randomUUID());
    expect(res.status).toBe(404);
  });
});
