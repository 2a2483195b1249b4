// Every string of a run's outline is a display head (attack6 N7): a run of 100,000 spans of unique 1,000-character
// names of `"` (2 bytes each in JSON) made a 200 MB outline whose build never finished within the readers' 30 s, so
// nobody could read the run. Names, types, models and summaries are cut to OUTLINE_TEXT_HEAD_CHARS and marked in every
// place that makes outline rows; the span's own read keeps the whole name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { forgetOutlines, getOutlineBytes, getOutlineJson } from "@/lib/runs/outline-cache";
import { getOutlineHead, getOutlineRowsChanged, getSpan } from "@/lib/runs/queries";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { decodeOutline, encodeOutline, OUTLINE_CUT_MARK, outlineHead } from "@/lib/trajectory/outline";
import { MAX_SPAN_NAME_CHARS, OUTLINE_TEXT_HEAD_CHARS } from "@/lib/limits";

afterAll(disconnectDb);

const SPANS = 100_000;
/** The planted name of span `g`: unique from its first characters, then quotes up to MAX_SPAN_NAME_CHARS. */
const nameOf = (g: number) => `${g}${'"'.repeat(MAX_SPAN_NAME_CHARS - String(g).length)}`;
const headOf = (s: string) => s.slice(0, OUTLINE_TEXT_HEAD_CHARS) + OUTLINE_CUT_MARK;
let planted = "";

beforeAll(async () => {
  const { id } = await saveImportedRun({
    job: { Workflow: "patch-triage", Description: "outline heads: 100,000 unique 1,000-character names" },
    source: "trajectory-file",
    minutePrecision: false,
    spans: [{ Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: "2026-03-02T10:00:00Z" }],
  });
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, model, summary, started_at, finished_at)
    SELECT ${id}::uuid, g, 1, 'tool', g::text || repeat('"', ${MAX_SPAN_NAME_CHARS}::int - length(g::text)),
      CASE WHEN g % 1000 = 0 THEN 'model-' || repeat('m', 900) END, CASE WHEN g = 1 THEN repeat('s', 500) END,
      timestamptz '2026-03-02T10:00:01Z' + g * interval '1 millisecond', timestamptz '2026-03-02T10:00:01Z' + g * interval '2 millisecond'
    FROM generate_series(1, ${SPANS}::int) g`;
  await db().$executeRaw`UPDATE jobs SET span_count = ${SPANS + 1}, status = 'running' WHERE id = ${id}::uuid`;
  planted = id;
}, 120_000);

describe("a run of 100,000 unique 1,000-character names", () => {
  it("has an outline built within the readers' time, its bytes bounded by the display heads", async () => {
    forgetOutlines();
    const t = performance.now();
    const pieces = (await getOutlineBytes(db(), planted))!;
    const ms = performance.now() - t;
    const bytes = pieces.reduce((n, p) => n + p.length, 0);
    console.log(`outline of ${SPANS} planted spans: ${(bytes / 1e6).toFixed(1)} MB built in ${ms.toFixed(0)} ms`);
    // Whole names would be 100,000 × 2,000 bytes of escaped quotes (200 MB); heads are 100,000 × ~250.
    expect(bytes).toBeLessThan(SPANS * (2 * OUTLINE_TEXT_HEAD_CHARS + 80));
    const o = decodeOutline(JSON.parse((await getOutlineJson(db(), planted))!));
    expect(o.count).toBe(SPANS + 1);
    expect(o.names[o.name[7]!]).toBe(headOf(nameOf(7)));
    expect(o.names[o.name[0]!]).toBe("patch-triage");
    expect(o.models[o.model[1000]!]).toBe(headOf(`model-${"m".repeat(900)}`));
    expect(o.summaries.get(1)).toBe(headOf("s".repeat(500)));
  }, 120_000);

  it("cuts names the same way in the page's head, the live deliveries and the app's encoder", async () => {
    const head = decodeOutline(await getOutlineHead(db(), planted, 10));
    expect(head.names[head.name[3]!]).toBe(headOf(nameOf(3)));
    const changed = await getOutlineRowsChanged(db(), planted, SPANS - 2, []);
    expect(changed.map((r) => r.name)).toEqual([headOf(nameOf(SPANS - 1)), headOf(nameOf(SPANS))]);
    const encoded = encodeOutline([{ ...changed[0]!, name: nameOf(5), summary: "t".repeat(400) }]);
    expect(encoded.names).toEqual([headOf(nameOf(5))]);
    expect(encoded.summaries).toEqual([[0, headOf("t".repeat(400))]]);
    // A head cut again is the same head; a name within the budget, astral characters counted as one, is kept whole.
    expect(outlineHead(headOf(nameOf(5)))).toBe(headOf(nameOf(5)));
    const astral = "😀".repeat(OUTLINE_TEXT_HEAD_CHARS);
    expect(outlineHead(astral)).toBe(astral);
    expect(outlineHead(astral + "x")).toBe(astral + OUTLINE_CUT_MARK);
  });

  it("keeps the whole name in the span's own read", async () => {
    const span = await getSpan(db(), planted, 7);
    expect(span!.span.Name).toBe(nameOf(7));
  });
});
