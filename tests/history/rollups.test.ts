// The per-day rollups the triggers keep (prisma/migrations/*_history_rollups, *_history_rollup_deltas) agree with a
// scan of the runs after inserts, updates of counted and uncounted columns, and deletes, before and after the deltas
// are folded in; and writers of runs on the same day never wait on one another for them.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { compactRollups } from "@/lib/history/rollups";
import { rollupAnswers, rollupCountSql, rollupTrendsSql, trendsSql, whereSql } from "@/lib/history/sql";
import { countJobs, jobTrends } from "@/lib/history/stats";
import type { HistoryFilters } from "@/lib/history/query";
import { saveRun, uniqueWorkflow } from "./seed";

const DAY = 86_400_000;

async function both(f: HistoryFilters, start: Date, end: Date) {
  const [scan, roll] = await Promise.all([
    db().$queryRaw<Record<string, unknown>[]>(trendsSql(whereSql(f, null), start, end, 1_000_000)),
    db().$queryRaw<Record<string, unknown>[]>(rollupTrendsSql(f, start, end)),
  ]);
  const norm = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
    rows.map((r) => ({
      ...r,
      tokens: Math.round(Number(r.tokens)),
      durationMs: r.durationMs == null ? null : Math.round(Number(r.durationMs)),
      scanned: undefined,
    }));
  return { scan: norm(scan), roll: norm(roll) };
}

describe("history rollups", () => {
  it("equal a scan of the runs after inserts, updates and deletes", async () => {
    const workflow = uniqueWorkflow("rollup");
    const day = Date.UTC(2026, 3, 10, 12);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await saveRun(workflow, `roll${i}`, new Date(day + (i % 3) * DAY))).id);
    const start = new Date(Date.UTC(2026, 3, 9));
    const end = new Date(Date.UTC(2026, 3, 14));
    const f = { workflow };
    let r = await both(f, start, end);
    expect(r.roll).toEqual(r.scan);
    expect(r.roll.reduce((n, d) => n + (d.runs as number), 0)).toBe(6);

    await db().$executeRaw`UPDATE jobs SET status = 'failed', verdict = NULL WHERE id = ${ids[0]}::uuid`;
    await db()
      .$executeRaw`UPDATE jobs SET created_at = created_at + interval '1 day', total_tokens = total_tokens + 7 WHERE id = ANY(${ids.slice(1, 3)}::uuid[])`;
    await db().$executeRaw`UPDATE jobs SET last_seen_at = now() WHERE id = ANY(${ids}::uuid[])`;
    await db().$executeRaw`DELETE FROM jobs WHERE id = ${ids[5]}::uuid`;
    r = await both(f, start, end);
    expect(r.roll).toEqual(r.scan);
    expect(r.roll.reduce((n, d) => n + (d.failed as number), 0)).toBe(1);
    r = await both({ workflow, status: "failed" }, start, end);
    expect(r.roll).toEqual(r.scan);
  });

  it("are the same after the deltas are folded in, and folding twice changes nothing", async () => {
    const workflow = uniqueWorkflow("fold");
    const day = Date.UTC(2026, 4, 2, 9);
    for (let i = 0; i < 4; i++) await saveRun(workflow, `fold${i}`, new Date(day + (i % 2) * DAY));
    const start = new Date(Date.UTC(2026, 4, 1));
    const end = new Date(Date.UTC(2026, 4, 5));
    const before = await both({ workflow }, start, end);
    expect(before.roll).toEqual(before.scan);
    const pending = async () =>
      (await db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM job_day_deltas WHERE workflow = ${workflow}`)[0]!.n;
    expect(await pending()).toBeGreaterThan(0);
    // Another compaction (the server's timer, another test) may hold the lock for a moment: fold until none is left.
    for (let i = 0; i < 50 && (await pending()) > 0; i++) await compactRollups();
    expect(await pending()).toBe(0);
    const folded = (
      await db().$queryRaw<{ n: number }[]>`SELECT coalesce(sum(runs), 0)::int AS n FROM job_days WHERE workflow = ${workflow}`
    )[0]!.n;
    expect(folded).toBe(4);
    await compactRollups();
    const after = await both({ workflow }, start, end);
    expect(after.roll).toEqual(before.roll);
  });

  it("never make a writer of a run wait for another open transaction on the same day", async () => {
    // Before the deltas, each statement upserted the (day, workflow, status, verdict) row and held its lock until
    // commit: a second run of the same day and workflow waited for the first transaction, and two transactions that
    // touched two keys in opposite orders deadlocked.
    const workflow = uniqueWorkflow("nowait");
    const insert = `INSERT INTO jobs (id, workflow, status, source, created_at, total_tokens) VALUES ($1, $2, 'running', 'test', '2026-05-20T10:00:00Z', 5)`;
    const a = await pool().connect();
    const b = await pool().connect();
    try {
      await a.query("BEGIN");
      await a.query(insert, [randomUUID(), workflow]);
      await a.query(`UPDATE jobs SET total_tokens = 9 WHERE workflow = $1`, [workflow]);
      // b writes runs of the same keys while a's transaction is open; a lock wait would hit the 2 s timeout.
      await b.query("BEGIN");
      await b.query(`SET LOCAL lock_timeout = '2s'`);
      const id = randomUUID();
      await b.query(insert, [id, workflow]);
      await b.query(`UPDATE jobs SET status = 'finished', total_tokens = 11 WHERE id = $1`, [id]);
      await b.query("COMMIT");
      await a.query(`UPDATE jobs SET status = 'failed' WHERE workflow = $1 AND total_tokens = 9`, [workflow]);
      await a.query("COMMIT");
    } finally {
      await a.query("ROLLBACK").catch(() => {});
      a.release();
      b.release();
    }
    const r = await both({ workflow }, new Date(Date.UTC(2026, 4, 19)), new Date(Date.UTC(2026, 4, 22)));
    expect(r.roll).toEqual(r.scan);
    expect(r.roll.map((d) => [d.runs, d.failed])).toEqual([[2, 1]]);
  });

  it("answer the errors, rerun and review filters, and exact counts, as a scan of the runs does", async () => {
    const workflow = uniqueWorkflow("keys");
    const day = Date.UTC(2026, 5, 3, 8);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await saveRun(workflow, `keys${i}`, new Date(day + (i % 2) * DAY))).id);
    // One run failed, one had a tool error only, one is a rerun, two are reviewed (one correct, one incorrect).
    await db().$executeRaw`UPDATE jobs SET status = 'failed', error = 'boom', verdict = NULL WHERE id = ${ids[0]}::uuid`;
    await db().$executeRaw`UPDATE jobs SET tool_errors = 2 WHERE id = ${ids[1]}::uuid`;
    await db().$executeRaw`UPDATE jobs SET rerun_of_id = ${ids[2]}::uuid WHERE id = ${ids[3]}::uuid`;
    await db().$executeRaw`UPDATE jobs SET correct = true WHERE id = ${ids[4]}::uuid`;
    await db().$executeRaw`UPDATE jobs SET correct = false WHERE id = ${ids[5]}::uuid`;
    const start = new Date(Date.UTC(2026, 5, 2));
    const end = new Date(Date.UTC(2026, 5, 6));
    const cases: [HistoryFilters, number][] = [
      [{ workflow, errors: "yes" }, 2],
      [{ workflow, errors: "no" }, 4],
      [{ workflow, rerun: "yes" }, 1],
      [{ workflow, rerun: "no" }, 5],
      [{ workflow, review: "correct" }, 1],
      [{ workflow, review: "incorrect" }, 1],
      [{ workflow, review: "unreviewed" }, 4],
      [{ workflow, errors: "yes", status: "failed" }, 1],
      [{ workflow, review: "unreviewed", from: "2026-06-04", to: "2026-06-04" }, 2],
    ];
    for (let pass = 0; pass < 2; pass++) {
      for (const [f, n] of cases) {
        expect(rollupAnswers(f)).toBe(true);
        const r = await both(f, start, end);
        expect(r.roll, JSON.stringify(f)).toEqual(r.scan);
        const [counted] = await db().$queryRaw<{ n: number }[]>(rollupCountSql(f));
        expect(counted!.n, JSON.stringify(f)).toBe(n);
        expect(await countJobs(db(), f)).toEqual({ count: n, kind: "exact" });
      }
      // The same after the deltas are folded in.
      for (let i = 0; i < 50; i++) if ((await compactRollups()) === 0) break;
    }
    // A review undone moves the run back to "unreviewed".
    await db().$executeRaw`UPDATE jobs SET correct = NULL WHERE id = ${ids[4]}::uuid`;
    expect(await countJobs(db(), { workflow, review: "unreviewed" })).toEqual({ count: 5, kind: "exact" });
  });

  it("draw trends under other filters from at most the newest EXACT_COUNT_CAP matching runs, and say so", async () => {
    const workflow = uniqueWorkflow("capped");
    // Three days of runs of one worker; a cap of 2 (the test's) reads the newest two only.
    for (let i = 0; i < 3; i++) await saveRun(workflow, `cap${i}`, new Date(Date.UTC(2026, 6, 10 + i, 9)), { worker: "capped-worker" });
    const f: HistoryFilters = { workflow, worker: "capped-worker", from: "2026-07-01", to: "2026-07-20" };
    expect(rollupAnswers(f)).toBe(false);
    const whole = await jobTrends(db(), f);
    expect(whole.capped).toBeUndefined();
    expect(whole.days.reduce((n, d) => n + d.runs, 0)).toBe(3);
    const capped = await jobTrends(db(), f, 2);
    expect(capped.capped).toEqual({ runs: 2, windowFrom: "2026-07-01" });
    expect(capped.from).toBe("2026-07-11");
    expect(capped.days.map((d) => [d.day, d.runs])).toEqual(
      Array.from({ length: 10 }, (_, i) => [`2026-07-${String(11 + i).padStart(2, "0")}`, i < 2 ? 1 : 0]),
    );
  });
});
