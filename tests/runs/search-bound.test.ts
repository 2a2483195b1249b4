// In-run search reads a bounded share of a run (issue 21, finding 4): on long repetitive text a hostile pattern
// ('a'×499+'b', LIKE's worst case) reads at most MAX_SPAN_SEARCH_WORK / 500 bytes and says where it stopped.
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { searchSpans, searchSpansBounded, spanSearchBudget } from "@/lib/runs/queries";
import { saveImportedRun } from "@/lib/ingest/save-run";
import type { ImportedRun } from "@/lib/trajectory/span";
import { MAX_SPAN_SEARCH_SCAN_BYTES, MAX_SPAN_SEARCH_WORK } from "@/lib/limits";

afterAll(disconnectDb);

const t = (s: number) => new Date(Date.UTC(2026, 5, 29, 12, 5, s)).toISOString();
const LONG = "a".repeat(400_000);
const run: ImportedRun = {
  job: { Workflow: "patch-triage", Description: "search-bound test" },
  source: "trajectory-file",
  minutePrecision: false,
  spans: [
    { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: t(0), Finished: t(50) },
    ...[1, 2, 3].map((seq) => ({
      Seq: seq,
      Nesting: 1,
      Type: "action",
      Name: "read-file",
      Started: t(seq),
      Finished: t(seq + 1),
      Results: { Output: `${seq === 3 ? "late-needle " : ""}${LONG}` },
    })),
  ],
};

describe("in-run search is bounded by the bytes it reads", () => {
  it("the budget shrinks with the pattern: 64 MB for short text, 512 KB for 500 characters", () => {
    expect(spanSearchBudget("abc")).toBe(MAX_SPAN_SEARCH_SCAN_BYTES);
    expect(spanSearchBudget("a".repeat(499) + "b")).toBe(Math.floor(MAX_SPAN_SEARCH_WORK / 500));
  });

  it("a hostile pattern over 1.2 MB of 'a' stops within its budget and says at which span; a short one reads it all", async () => {
    const { id } = await saveImportedRun(run);
    const hostile = await searchSpansBounded(db(), id, { q: "a".repeat(499) + "b" });
    expect(hostile.seqs).toEqual([]);
    expect(hostile.stopped).toEqual({ bytes: Math.floor(MAX_SPAN_SEARCH_WORK / 500), atSeq: 2 });
    // A short query reads the whole run: the needle in the last span is found and nothing is said to have stopped.
    expect(await searchSpansBounded(db(), id, { q: "late-needle" })).toEqual({ seqs: [3], stopped: null });
    expect(await searchSpans(db(), id, { q: "aaaa" })).toEqual([1, 2, 3]);
  });
});
