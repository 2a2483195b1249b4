// Issue 21 (N1, N7) on a real PostgreSQL: a run whose Results hold a million strings is read for its page and for
// Compare cut to the display budget before it is parsed, and what was cut is counted (the first items shown, "N more"
// with the stored count), a workflow's fields read wherever they stand, Compare telling fields that differ past what
// it shows; Compare's step names are cut as a page shows them, steps still aligned by their whole names.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { getRunHeader } from "@/lib/runs/queries";
import { loadForCompare } from "@/lib/compare/runs";
import { alignSteps, compareVerdicts } from "@/lib/compare/align";
import { mainVerdict, resultFields } from "@/lib/workflows/verdict";
import { headItems, jsonHead, unreadCount } from "@/lib/text/budget";
import { DISPLAY_MAX_ITEMS } from "@/lib/limits";

afterAll(disconnectDb);

const N = 990_000;

/**
 * A finished patch-triage run whose Results are 300 filler keys, FocusSymbols of N strings ("sym_1"…, the one at
 * `odd` reads "odd"), then its main field WorthFuzzing last; Args small. Written by PostgreSQL (a 7 MB value).
 */
async function plantedRun(odd = 0): Promise<string> {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source, finished_at, args, results)
     VALUES ($1, 'patch-triage', 'patch-triage', 'planted', '', 'finished', 'agent', now(), '{"KernelRepo":"git://k"}',
       ('{' || (SELECT string_agg(format('"X%s":%s', i, i), ',') FROM generate_series(1, 300) i)
        || ',"FocusSymbols":' || (SELECT json_agg(CASE WHEN i = $2 THEN 'odd' ELSE 'sym_' || i END ORDER BY i) FROM generate_series(1, ${N}) i)
        || ',"WorthFuzzing":true}')::json)`,
    [id, odd],
  );
  return id;
}

describe("a run's Results read within the display budget", () => {
  it("the run page reads the first items and the counts of a 990,000-string list, and the main verdict past 300 keys", async () => {
    const id = await plantedRun();
    const run = (await getRunHeader(db(), id))!;
    expect(run.args).toEqual({ KernelRepo: "git://k" });
    expect(mainVerdict(run.workflow, run.results, run.workflowType)).toMatchObject({ field: "WorthFuzzing", value: true });
    const focus = resultFields(run.workflow, run.results, run.workflowType).fields.find((f) => f.spec.name === "FocusSymbols")!;
    const list = focus.value as string[];
    expect(list.length).toBeLessThanOrEqual(DISPLAY_MAX_ITEMS);
    expect(list.slice(0, 3)).toEqual(["sym_1", "sym_2", "sym_3"]);
    // What the card shows: the first DISPLAY_MAX_ITEMS, and "989,800 more items".
    expect(headItems(list, DISPLAY_MAX_ITEMS).more).toBe(N - DISPLAY_MAX_ITEMS);
    // The keys not read are counted: 302 stored; the first DISPLAY_MAX_ITEMS read, and the workflow's FocusSymbols and
    // WorthFuzzing wherever they stand.
    expect(unreadCount(run.results)).toBe(302 - DISPLAY_MAX_ITEMS - 2);
    expect(JSON.stringify(run.results).length).toBeLessThan(20_000);
  });

  it("Compare shows the head of each field and still tells a field that differs only past it", async () => {
    const [a, same, other] = await Promise.all([plantedRun(), plantedRun(), plantedRun(500_000)]);
    const [ra, rs, ro] = await Promise.all([loadForCompare(db(), a), loadForCompare(db(), same), loadForCompare(db(), other)]);
    const rows = (x: typeof ra, y: typeof ra) =>
      Object.fromEntries(
        compareVerdicts(x!.workflow, x!.results, y!.results, x!.workflowType, x!.resultDigests, y!.resultDigests).map((r) => [
          r.name,
          r.differs,
        ]),
      );
    expect(rows(ra, rs)).toMatchObject({ WorthFuzzing: false, FocusSymbols: false });
    expect(rows(ra, ro)).toMatchObject({ WorthFuzzing: false, FocusSymbols: true });
    // The shown value says what it left out.
    const shown = jsonHead((ra!.results as { FocusSymbols: string[] }).FocusSymbols, 32 * 1024);
    expect(shown.cut).toBe(true);
    expect(shown.text.startsWith('[\n  "sym_1",\n  "sym_2"')).toBe(true);
    expect(shown.text).toContain(`… ${(N - DISPLAY_MAX_ITEMS).toLocaleString("en-US")} more items`);
  });

  it("Compare's steps carry their names whole (within MAX_SPAN_NAME_CHARS), and align by them", async () => {
    const run = async (first: string) => {
      const id = randomUUID();
      await pool().query(
        `INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source) VALUES ($1, 'w', 'w', '', '', 'finished', 'agent')`,
        [id],
      );
      await pool().query(
        `INSERT INTO spans (job_id, seq, nesting, type, name, started_at) VALUES
           ($1, 0, 0, 'flow', $2, '2026-07-01T10:00:00Z'), ($1, 1, 1, 'tool', $3, '2026-07-01T10:00:01Z')`,
        [id, first, "y".repeat(999)],
      );
      return id;
    };
    // Two names alike in their first 999 characters.
    const [a, b] = await Promise.all([
      loadForCompare(db(), await run("x".repeat(999) + "A")),
      loadForCompare(db(), await run("x".repeat(999) + "B")),
    ]);
    expect(a!.spans.map((s) => s.name.length)).toEqual([1000, 999]);
    expect(a!.spans[0]!.name).toBe("x".repeat(999) + "A");
    const steps = await alignSteps(a!.spans, b!.spans);
    expect(steps.map((r) => r.status).sort()).toEqual(["only-a", "only-b", "same"]);
  });
});
