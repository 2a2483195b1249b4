// Live runs on a real PostgreSQL: one listener per process, changes announced by the database's triggers,
// loaded once per change for every watcher of a run, and caps on connections.
import { HOLD_BOUND_MS } from "../helpers/hold-bound";
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { LiveHub } from "@/lib/live/hub";
import { closeListener } from "@/lib/db/listen";
import { runChangeLoader, type RunDelta, type RunPosition } from "@/lib/live/run-changes";
import { takeWatcherSlot } from "@/lib/live/watchers";
import { LIVE_WATCHERS_ANONYMOUS, LIVE_WATCHERS_PER_ADDRESS, LIVE_WATCHERS_PER_KEY, LIVE_WATCHERS_PER_USER } from "@/lib/limits";
import type { RunChange } from "@/lib/live/hub";
import { measureHold } from "@/lib/load/hold";
import { runningJob } from "./running-job";

const hub = new LiveHub<RunPosition, RunDelta>(runChangeLoader);
afterAll(async () => {
  await closeListener();
  await disconnectDb();
});

async function insertSpans(jobId: string, seqs: number[], finished: boolean) {
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, started_at, finished_at)
    SELECT ${jobId}::uuid, s, CASE WHEN s = 0 THEN 0 ELSE 1 END, 'tool', 'grepper', now(), ${finished ? new Date() : null}::timestamptz
    FROM unnest(${seqs}::int[]) AS s
    ON CONFLICT (job_id, seq) DO UPDATE SET finished_at = EXCLUDED.finished_at`;
}

/** Resolves with the next change that satisfies `ok`. */
function next(changes: RunChange<RunDelta>[], ok: (c: RunChange<RunDelta>) => boolean, ms = 5000): Promise<RunChange<RunDelta>> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      const found = changes.find(ok);
      if (found) return resolve(found);
      if (Date.now() - t0 > ms)
        return reject(new Error(`no such change in ${ms} ms; got ${JSON.stringify(changes.map((c) => [c.status, c.delta.seq]))}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe("live hub", () => {
  it("tells a watcher of the new spans, of spans that finish, and of the status", async () => {
    const id = await runningJob();
    const changes: RunChange<RunDelta>[] = [];
    const stop = await hub.watch(id, (c) => changes.push(c));
    await insertSpans(id, [0, 1], false);
    const added = await next(changes, (c) => c.delta.seq.length === 2);
    expect(added.delta.dur).toEqual([null, null]); // no finish yet
    await insertSpans(id, [1], true);
    const finished = await next(changes, (c) => c.delta.seq.length === 1 && (c.delta.dur[0] ?? -1) >= 0);
    expect(finished.delta.seq).toEqual([1]); // seq is delta-coded from 0: the first is the seq itself
    await db().job.update({ where: { id }, data: { status: "finished" } });
    await next(changes, (c) => c.status === "finished");
    stop();
  });

  it("a change of a run of 100,000 open spans reads only what changed: the new and the newly finished spans", async () => {
    const id = await runningJob();
    await db().$executeRaw`
      INSERT INTO spans (job_id, seq, nesting, type, name, started_at)
      SELECT ${id}::uuid, s, CASE WHEN s = 0 THEN 0 ELSE 1 END, 'tool', 'grepper', now() FROM generate_series(0, 99999) AS s`;
    const start = (await runChangeLoader.load(id, null))!.state;
    expect(start.open).toHaveLength(100_000);
    await insertSpans(id, [500, 100_000], true);
    await insertSpans(id, [100_001], false);
    // Every open span was read, mapped and dropped again in this process on each change: ~1 s of event loop.
    const { result, holdMs } = await measureHold(() => runChangeLoader.load(id, start));
    expect(result!.change.delta.seq.length).toBe(3);
    expect(result!.state.maxSeq).toBe(100_001);
    expect(result!.state.open).toHaveLength(100_000);
    expect(result!.state.open.includes(500)).toBe(false);
    expect(result!.state.open.at(-1)).toBe(100_001);
    expect(holdMs).toBeLessThan(HOLD_BOUND_MS);
  });

  it("loads each change once however many watch the run", async () => {
    const id = await runningJob();
    const counts = new Array(200).fill(0);
    const stops = await Promise.all(counts.map((_, i) => hub.watch(id, () => counts[i]++)));
    const before = hub.stats.refreshes;
    for (let round = 0; round < 5; round++) {
      await insertSpans(id, [round], true);
      await new Promise((r) => setTimeout(r, 300));
    }
    await new Promise((r) => setTimeout(r, 500));
    const loads = hub.stats.refreshes - before;
    expect(loads).toBeGreaterThanOrEqual(1);
    expect(loads).toBeLessThanOrEqual(6);
    expect(Math.min(...counts)).toBe(Math.max(...counts));
    expect(counts[0]).toBe(loads);
    for (const stop of stops) stop();
    expect(hub.watcherCount()).toBe(0);
  });

  it("hears one notification for a bulk insert of many spans", async () => {
    const id = await runningJob();
    const stop = await hub.watch(id, () => {});
    const before = hub.stats.notifications;
    await insertSpans(
      id,
      Array.from({ length: 5000 }, (_, i) => i),
      false,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.stats.notifications - before).toBe(1);
    stop();
  });

  it("a heartbeat alone (last_seen_at) is not a change", async () => {
    const id = await runningJob();
    const changes: RunChange<RunDelta>[] = [];
    const stop = await hub.watch(id, (c) => changes.push(c));
    await db().job.update({ where: { id }, data: { lastSeenAt: new Date() } });
    await new Promise((r) => setTimeout(r, 400));
    expect(changes).toEqual([]);
    stop();
  });
});

describe("live connection caps", () => {
  it("caps one user's connections with a 429 that says why, and frees them again", () => {
    const user = `u-${randomUUID()}`;
    const releases = Array.from({ length: LIVE_WATCHERS_PER_USER }, () => takeWatcherSlot({ user }));
    expect(() => takeWatcherSlot({ user })).toThrow(
      expect.objectContaining({ status: 429, message: expect.stringMatching(/you have 20 open, the limit is 20/) }),
    );
    // Another user is not affected.
    takeWatcherSlot({ user: `other-${randomUUID()}` })();
    releases[0]!();
    releases[0]!(); // twice is once
    const again = takeWatcherSlot({ user });
    expect(() => takeWatcherSlot({ user })).toThrow(/limit is 20/);
    again();
    for (const r of releases.slice(1)) r();
  });

  it("caps readers who are not signed in together", () => {
    const address = (i: number) => `10.9.${i >> 8}.${i & 255}`;
    const releases = Array.from({ length: LIVE_WATCHERS_ANONYMOUS }, (_, i) => takeWatcherSlot({ address: address(i) }));
    expect(() => takeWatcherSlot({ address: "10.8.0.1" })).toThrow(/not signed in \(the limit is 1000\)/);
    // Agent keys and users have their own allowance.
    takeWatcherSlot({ agentKey: `k-${randomUUID()}` })();
    takeWatcherSlot({ user: `u-${randomUUID()}` })();
    for (const r of releases) r();
    takeWatcherSlot({ address: "10.8.0.1" })();
  });

  it("caps one anonymous address, so it cannot take the shared slots from other readers and agent keys", () => {
    const releases = Array.from({ length: LIVE_WATCHERS_PER_ADDRESS }, () => takeWatcherSlot({ address: "10.7.0.1" }));
    expect(() => takeWatcherSlot({ address: "10.7.0.1" })).toThrow(
      expect.objectContaining({
        status: 429,
        message: expect.stringMatching(/from your address without signing in: 20 open, the limit is 20/),
      }),
    );
    takeWatcherSlot({ address: "10.7.0.2" })();
    const key = `k-${randomUUID()}`;
    const keys = Array.from({ length: LIVE_WATCHERS_PER_KEY }, () => takeWatcherSlot({ agentKey: key }));
    expect(() => takeWatcherSlot({ agentKey: key })).toThrow(/agent key .* the limit is 20/);
    for (const r of [...releases, ...keys]) r();
  });
});
