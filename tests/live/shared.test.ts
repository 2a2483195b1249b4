// What watchers of one run share, on a real PostgreSQL (issue 21, F3: 200 anonymous watchers of a run of 16,000 open
// spans held the event loop ~1 s on connect): catch-up pages read once for every watcher from the same position, but
// never across a change the hub handed to its listeners meanwhile; one frame of a change for every watcher.
import { HOLD_BOUND_MS } from "../helpers/hold-bound";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { closeListener } from "@/lib/db/listen";
import { LiveHub, type RunChange } from "@/lib/live/hub";
import { liveHub, loadCatchUpPage, runChangeLoader, sharedCatchUp, type RunDelta, type RunPosition } from "@/lib/live/run-changes";
import { eventStream } from "@/lib/live/stream";
import { watchRun } from "@/lib/live/watch-run";
import { measureHold } from "@/lib/load/hold";
import { decodeOutline, type OutlineJson } from "@/lib/trajectory/outline";
import { LIVE_CATCHUP_PAGE_SPANS, LIVE_DELIVER_LISTENERS_PER_TURN } from "@/lib/limits";
import { runningJob } from "./running-job";

afterAll(async () => {
  await closeListener();
  await disconnectDb();
});

/** Open spans `from`..`from + count - 1` of run `jobId`, in one statement (one notification). */
async function openSpans(jobId: string, from: number, count: number) {
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, started_at)
    SELECT ${jobId}::uuid, s, CASE WHEN s = 0 THEN 0 ELSE 1 END, 'tool', 'step-' || s, now()
    FROM generate_series(${from}::int, ${from + count - 1}::int) AS s`;
}

const start = (): RunPosition => ({ status: "", maxSeq: -1, open: [] });

async function until(ok: () => boolean, ms = 5000) {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Reads a watcher's stream until it goes quiet for `quietMs`: the seqs it was sent. */
async function readAll(stream: ReadableStream<Uint8Array>, want: number, ms = 30_000): Promise<Set<number>> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const seqs = new Set<number>();
  let text = "";
  const t0 = Date.now();
  while (seqs.size < want && Date.now() - t0 < ms) {
    const r = await reader.read();
    if (r.done) break;
    text += decoder.decode(r.value, { stream: true });
    let cut;
    while ((cut = text.indexOf("\n\n")) >= 0) {
      const data = /^data: (.*)$/m.exec(text.slice(0, cut))?.[1];
      text = text.slice(cut + 2);
      if (!data) continue;
      const o = decodeOutline((JSON.parse(data) as { spans: OutlineJson }).spans);
      for (let i = 0; i < o.count; i++) seqs.add(o.seq[i]!);
    }
  }
  await reader.cancel();
  return seqs;
}

describe("what watchers of a run share", () => {
  it("shares a catch-up page among watchers from the same position, but not across a change handed to the listeners", async () => {
    const hub = new LiveHub<RunPosition, RunDelta>(runChangeLoader);
    const id = await runningJob();
    await openSpans(id, 0, 10);
    const heard: RunChange<RunDelta>[] = [];
    const stopA = await hub.watch(id, (c) => heard.push(c));
    const a = (await loadCatchUpPage(id, start(), LIVE_CATCHUP_PAGE_SPANS, hub))!;
    expect(a.change.delta.seq).toHaveLength(10);
    // Nothing was handed over since: the next watcher from the same position is given the same page, not a new read.
    const reads = sharedCatchUp().reads;
    const again = (await loadCatchUpPage(id, start(), LIVE_CATCHUP_PAGE_SPANS, hub))!;
    expect(again.change).toBe(a.change);
    expect(sharedCatchUp().reads).toBe(reads);

    // Span 10 comes and the hub hands it to A. B registers only now: the page read before lacks span 10, and the hub
    // will not tell B of it again, so B must read its page anew.
    await openSpans(id, 10, 1);
    await until(() => heard.some((c) => c.delta.seq.length > 0));
    const stopB = await hub.watch(id, () => {});
    const b = (await loadCatchUpPage(id, start(), LIVE_CATCHUP_PAGE_SPANS, hub))!;
    expect(b.change).not.toBe(a.change);
    expect(decodeOutline(b.change.delta).count).toBe(11);
    expect(b.next.maxSeq).toBe(10);

    // Everyone leaves; a change comes that no one is handed; a new watcher must not get the page read before it.
    stopA();
    stopB();
    expect(hub.generation(id)).toBeUndefined();
    await openSpans(id, 11, 1);
    const stopC = await hub.watch(id, () => {});
    const c = (await loadCatchUpPage(id, start(), LIVE_CATCHUP_PAGE_SPANS, hub))!;
    expect(decodeOutline(c.change.delta).count).toBe(12);
    stopC();
  });

  it("hands a shared page to a few watchers per turn of the event loop, not to all of them at once", async () => {
    const hub = new LiveHub<RunPosition, RunDelta>(runChangeLoader);
    const id = await runningJob();
    await openSpans(id, 0, 10);
    const stop = await hub.watch(id, () => {});
    await loadCatchUpPage(id, start(), LIVE_CATCHUP_PAGE_SPANS, hub);
    // Turns counted by a callback of each turn's check phase, as the hand-out's own.
    let turn = 0;
    let counting = true;
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const perTurn = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 200 }, () =>
        loadCatchUpPage(id, start(), LIVE_CATCHUP_PAGE_SPANS, hub).then(() => perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1)),
      ),
    );
    counting = false;
    stop();
    expect([...perTurn.values()].reduce((a, b) => a + b, 0)).toBe(200);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(LIVE_DELIVER_LISTENERS_PER_TURN);
  });

  it("reads each page of a run once for 50 watchers connecting from the start, and each gets every span", async () => {
    const id = await runningJob();
    const spans = 4 * LIVE_CATCHUP_PAGE_SPANS;
    await openSpans(id, 0, spans);
    const reads = sharedCatchUp().reads;
    const { result: seen, holdMs } = await measureHold(async () => {
      const streams = await Promise.all(Array.from({ length: 50 }, (_, i) => watchRun(id, -1, [], { address: `10.31.0.${i % 5}` })));
      return Promise.all(streams.map((s) => readAll(s, spans)));
    });
    for (const s of seen) expect(s.size).toBe(spans);
    // Unshared, 50 watchers read 50 × 5 pages (the last one empty); shared, a page is read again only when a watcher
    // asked for it after the shared copy was dropped, which 5 small pages are not.
    expect(sharedCatchUp().reads - reads).toBeLessThanOrEqual(5);
    expect(holdMs).toBeLessThan(HOLD_BOUND_MS);
    await until(() => liveHub().generation(id) === undefined);
  });

  it("frames a change once for every watcher it is sent to", async () => {
    const data = new TextEncoder().encode(JSON.stringify({ status: "running", spans: "x".repeat(100_000) }));
    const chunks = await Promise.all(
      [0, 1, 2].map(async () => {
        const events = eventStream({});
        expect(events.send("change", data)).toBe(true);
        const reader = events.stream.getReader();
        const { value } = await reader.read();
        events.close();
        return value!;
      }),
    );
    expect(new TextDecoder().decode(chunks[0]!.subarray(0, 20))).toBe("event: change\ndata: ");
    expect(chunks[1]).toBe(chunks[0]);
    expect(chunks[2]).toBe(chunks[0]);
  });
});
