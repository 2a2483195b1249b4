// recomputeJob on a real PostgreSQL with 7 MB of stored results (issue 21): the search text is the same as reading the
// parsed results would give, and the results' JSON is never parsed on the event loop.
import { HOLD_BOUND_MS } from "../helpers/hold-bound";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/pool";
import { recomputeJob } from "@/lib/ingest/recompute";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { searchFields } from "@/lib/history/search-fields";
import { closeWorkers, startWorkers } from "@/lib/workers/pool";
import type { Span } from "@/lib/trajectory/span";
import { measureHold } from "@/lib/load/hold";

beforeAll(startWorkers, 60_000);
afterAll(async () => {
  await closeWorkers();
  await disconnectDb();
});

const spans: Span[] = [
  { Seq: 0, Nesting: 0, Type: "flow", Name: "patching", Started: "2026-03-02T10:00:00Z", Finished: "2026-03-02T10:00:09Z" },
  {
    Seq: 1,
    Nesting: 1,
    Type: "tool",
    Name: "grepper",
    Started: "2026-03-02T10:00:01Z",
    Finished: "2026-03-02T10:00:02Z",
    Error: "no match",
  },
];

/** Results of about 7 MB: prose, a long list of symbols and many small objects nobody searches. */
const results = {
  Reasoning: "the needle is in the reasoning",
  FocusSymbols: ["needle", ...Array.from({ length: 50_000 }, (_, i) => `sym_${i}`)],
  Notes: Array.from({ length: 400_000 }, (_, i) => ({ l: i, k: [i % 10] })),
};

describe("recomputeJob", () => {
  it("keeps the same search text from 7 MB of results without parsing them on the event loop", async () => {
    const { id } = await saveImportedRun({
      job: { Workflow: "patching", Description: "recompute test" },
      source: "trajectory-file",
      minutePrecision: false,
      spans,
    });
    const text = JSON.stringify(results);
    expect(text.length).toBeGreaterThan(6_000_000);
    await db().$executeRaw`UPDATE jobs SET results = ${text}::json, search_vector = NULL WHERE id = ${id}::uuid`;
    const { holdMs: hold } = await measureHold(() => inTransaction((sql) => recomputeJob(sql, id)));
    const expected = searchFields({
      workflow: "patching",
      description: "recompute test",
      link: "",
      results,
      error: null,
      spans,
    }).searchText;
    const [row] = await db().$queryRaw<{ same: boolean; needle: boolean }[]>`
      SELECT search_vector = to_tsvector('simple', ${expected}) AS same, search_vector @@ to_tsquery('simple', 'needle') AS needle
      FROM jobs WHERE id = ${id}::uuid`;
    expect(row).toEqual({ same: true, needle: true });
    expect(hold).toBeLessThan(HOLD_BOUND_MS);
  }, 60_000);

  it("of a 100,000-span run gives the digest and parents the import did, without holding the event loop", async () => {
    const { id } = await saveImportedRun({
      job: { Workflow: "patching", Description: "recompute of a big run" },
      source: "trajectory-file",
      minutePrecision: false,
      spans,
    });
    // Spans written as an OTLP trace's placement writes them, with parents left wrong for recompute to mend.
    await db()
      .$executeRaw`INSERT INTO spans (job_id, seq, nesting, parent_seq, type, name, model, started_at, finished_at, error, input_tokens)
      SELECT ${id}::uuid, g, 1 + g % 2, NULL, CASE WHEN g % 2 = 0 THEN 'llm' ELSE 'tool' END, 'step-' || g || '-' || repeat('n', 40),
        CASE WHEN g % 2 = 0 THEN 'model-' || (g % 7) END, timestamptz '2026-03-02T10:00:01Z' + g * interval '1 microsecond',
        timestamptz '2026-03-02T10:00:01Z' + g * interval '2 microsecond', CASE WHEN g % 1000 = 1 THEN 'boom ' || g END, CASE WHEN g % 2 = 0 THEN 3 END
      FROM generate_series(2, 100001) g`;
    const { holdMs } = await measureHold(() => inTransaction((sql) => recomputeJob(sql, id)));
    const [job] = await db().$queryRaw<{ span_count: number; input_tokens: bigint; tool_errors: number; models: string[] }[]>`
      SELECT span_count, input_tokens, tool_errors, models FROM jobs WHERE id = ${id}::uuid`;
    expect(job).toEqual({ span_count: 100_002, input_tokens: 150_000n, tool_errors: 101, models: expect.any(Array) });
    expect(job!.models.length).toBe(7);
    const wrong = await db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM spans s WHERE s.job_id = ${id}::uuid
      AND s.nesting = 2 AND s.parent_seq IS DISTINCT FROM s.seq - 1`;
    expect(wrong[0]!.n).toBe(0);
    // Read and digested here: 1-1.6 s of event loop for a run this size.
    expect(holdMs).toBeLessThan(HOLD_BOUND_MS);
  }, 120_000);
});
