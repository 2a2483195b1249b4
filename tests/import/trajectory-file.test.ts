// Shape 1: JSON span arrays with start and finish copies, unicode, zero times and unknown types.
import { describe, expect, it } from "vitest";
import { parseRunFile } from "@/lib/import/detect";
import { mergeSpanCopies } from "@/lib/import/merge";
import type { Span } from "@/lib/trajectory/span";
import { readFixture } from "./helpers";

describe("trajectory file (JSON array of spans)", () => {
  const [run] = parseRunFile("run.json", readFixture("trajectory-both-copies.json"));
  const bySeq = (seq: number) => run!.spans.find((s) => s.Seq === seq)!;

  it("merges start and finish copies into one span per Seq, sorted", () => {
    expect(run!.source).toBe("trajectory-file");
    expect(run!.minutePrecision).toBe(false);
    expect(run!.spans.map((s) => s.Seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // finish copy came last in the file
    expect(bySeq(0).Finished).toBe("2026-07-01T10:01:00Z");
    expect(bySeq(0).Results).toEqual({ WorthFuzzing: false, Reasoning: "良い 👍" });
    // finish copy came first, a late start copy must not undo it
    expect(bySeq(3).Finished).toBe("2026-07-01T10:00:09.123456789Z");
    expect(bySeq(3).OutputThoughtsTokens).toBe(300);
    // two finished copies: the later one wins
    expect(bySeq(4).Error).toBe("no matches");
    expect(bySeq(4).Finished).toBe("2026-07-01T10:00:12Z");
  });

  it("keeps a span without Finished as running", () => {
    expect(bySeq(2).Finished).toBeUndefined();
    expect(bySeq(6).Finished).toBeUndefined();
  });

  it("accepts zero timestamps", () => {
    expect(bySeq(1).Started).toBe("0001-01-01T00:00:00Z");
    expect(bySeq(1).Finished).toBe("0001-01-01T00:00:03.25Z");
  });

  it("keeps unknown span types and non-object Results", () => {
    expect(bySeq(5).Type).toBe("custom-step");
    expect(bySeq(5).Results).toEqual(["not", "an", "object"]);
  });

  it("preserves CJK and emoji", () => {
    expect(bySeq(2).Prompt).toBe("差分を確認してください 🔍\nSecond line with emoji 🧪");
    expect(bySeq(3).Thoughts).toBe("漢字とかな — thinking 🚀");
    expect(bySeq(0).Args).toEqual({ Input: "入力データ" });
  });

  it("derives the job from the flow span", () => {
    expect(run!.job).toEqual({
      Workflow: "demo-flow",
      Results: { WorthFuzzing: false, Reasoning: "良い 👍" },
      Args: { Input: "入力データ" },
      Started: "2026-07-01T10:00:00.5Z",
      Finished: "2026-07-01T10:01:00Z",
    });
  });
});

describe("mergeSpanCopies", () => {
  const span = (seq: number, extra: Partial<Span> = {}): Span => ({
    Seq: seq,
    Nesting: 0,
    Type: "tool",
    Name: "t",
    Started: "2026-01-01T00:00:00Z",
    ...extra,
  });

  it("prefers finished copies, then the later copy", () => {
    const merged = mergeSpanCopies([
      span(2, { Name: "start-2" }),
      span(1, { Finished: "2026-01-01T00:00:01Z", Name: "fin-1" }),
      span(1, { Name: "late-start-1" }),
      span(2, { Name: "second-start-2" }),
    ]);
    expect(merged.map((s) => [s.Seq, s.Name])).toEqual([
      [1, "fin-1"],
      [2, "second-start-2"],
    ]);
  });
});
