// The per-day rollups the triggers keep (prisma/migrations/*_history_rollups) agree with a scan of the runs after
// inserts, updates of counted and uncounted columns, and deletes.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { rollupTrendsSql, trendsSql, whereSql } from "@/lib/history/sql";
import type { HistoryFilters } from "@/lib/history/query";
import { saveRun, uniqueWorkflow } from "./seed";

const DAY = 86_400_000;

async function both(f: HistoryFilters, start: Date, end: Date) {
  const [scan, roll] = await Promise.all([
    db().$queryRaw<Record<string, unknown>[]>(trendsSql(whereSql(f, null), start, end)),
    db().$queryRaw<Record<string, unknown>[]>(rollupTrendsSql(f, start, end)),
  ]);
  const norm = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
    rows.map((r) => ({
      ...r,
      tokens: Math.round(Number(r.tokens)),
      durationMs: r.durationMs == null ? null : Math.round(Number(r.durationMs)),
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
});
