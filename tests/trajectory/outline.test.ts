import { describe, expect, it } from "vitest";
import { decodeOutline, encodeOutline, outlineWindow, type OutlineRow } from "@/lib/trajectory/outline";
import { ancestorsOf, indexOfSeq, toolCallIndices, visibleRows, withAncestors } from "@/lib/trajectory/outline-tree";
import { END_BEFORE_START, NO_START, REAL_TIME_AFTER_US, SKEWED, UNFINISHED, VALID, ZERO_TIME_US } from "@/lib/trajectory/timing";

/** µs since the Unix epoch */
const T0 = Date.UTC(2026, 5, 29, 12, 0, 0) * 1000;
const S = 1_000_000;
const ZERO = -62_135_596_800 * S; // 0001-01-01T00:00:00Z
function row(seq: number, nesting: number, type = "action", name = `s${seq}`, extra: Partial<OutlineRow> = {}): OutlineRow {
  return {
    seq,
    nesting,
    type,
    name,
    model: null,
    startUs: T0 + seq * S,
    finishUs: T0 + seq * S + S / 2,
    error: null,
    inputTokens: null,
    outputTokens: null,
    thoughtsTokens: null,
    size: 10,
    ...extra,
  };
}

const flags = (n: number, on: number[]) => {
  const a = new Uint8Array(n);
  for (const i of on) a[i] = 1;
  return a;
};

describe("encodeOutline / decodeOutline", () => {
  it("round-trips every column and links parents from nesting", () => {
    const rows = [
      row(0, 0, "flow", "patch-triage"),
      row(1, 1, "agent", "patch-evaluator", { model: "best-expensive" }),
      row(2, 2, "llm", "patch-evaluator", { model: "gemini-3.1-pro-preview", inputTokens: 5066, outputTokens: 30, thoughtsTokens: 337 }),
      row(3, 2, "tool", "grepper", { error: "no matches", finishUs: null }),
      row(4, 1, "action", "If"),
    ];
    const o = decodeOutline(JSON.parse(JSON.stringify(encodeOutline(rows))));
    expect(o.count).toBe(5);
    expect([...o.seq]).toEqual([0, 1, 2, 3, 4]);
    expect([...o.parent]).toEqual([-1, 0, 1, 1, 0]);
    expect([...o.depth]).toEqual([0, 1, 2, 2, 1]);
    expect([...o.end]).toEqual([5, 4, 3, 4, 5]);
    expect(o.names[o.name[2]!]).toBe("patch-evaluator");
    expect(o.models[o.model[2]!]).toBe("gemini-3.1-pro-preview");
    expect(o.models[o.model[0]!]).toBe("");
    expect(o.tokIn[2]).toBe(5066);
    expect(o.tokThoughts[2]).toBe(337);
    expect(o.start[3]).toBe(T0 + 3 * S);
    expect(o.dur[0]).toBe(S / 2);
    expect(Number.isNaN(o.dur[3]!)).toBe(true);
    expect(o.errors.get(3)).toBe("no matches");
    expect(o.t0).toBe(T0);
    expect(o.t1).toBe(T0 + 4 * S + S / 2);
  });

  it("sorts out-of-order spans and keeps the later copy of a duplicate seq", () => {
    const start = row(1, 1, "tool", "grepper", { finishUs: null });
    const finish = row(1, 1, "tool", "grepper", { error: "boom" });
    const o = decodeOutline(encodeOutline([row(2, 1), start, row(0, 0, "flow"), finish]));
    expect([...o.seq]).toEqual([0, 1, 2]);
    expect(o.dur[1]).toBe(S / 2);
    expect(o.errors.get(1)).toBe("boom");
    expect([...o.parent]).toEqual([-1, 0, 0]);
  });

  it("keeps microseconds, and judges every span's timing", () => {
    const rows = [
      row(0, 0, "flow", "f", { finishUs: T0 + 60 * S }),
      row(1, 1, "tool", "sub-ms", { startUs: T0 + S + 3, finishUs: T0 + S + 853 }),
      row(2, 1, "tool", "zero-start", { startUs: ZERO, finishUs: T0 + 11 * S }),
      row(3, 1, "llm", "no-end", { finishUs: null }),
      row(4, 1, "tool", "backwards", { finishUs: T0 + 3 * S }),
      row(5, 1, "tool", "late", { finishUs: T0 + 70 * S }),
    ];
    const o = decodeOutline(JSON.parse(JSON.stringify(encodeOutline(rows))));
    expect(o.dur[1]).toBe(850);
    expect(o.start[1]).toBe(T0 + S + 3);
    expect(Number.isNaN(o.start[2]!)).toBe(true);
    expect(o.dur[4]).toBe(-S);
    expect([...o.timing]).toEqual([VALID, VALID, NO_START, UNFINISHED, END_BEFORE_START, SKEWED]);
    // The window: the zero start and the backwards span stretch nothing; the late child does (it is drawn as recorded).
    expect([o.t0, o.t1]).toEqual([T0, T0 + 70 * S]);
    expect(outlineWindow(rows)).toEqual({ t0: T0, t1: T0 + 70 * S, after: REAL_TIME_AFTER_US });
    // Spans after a zero-time start keep their exact times: deltas chain through real starts only.
    expect(o.start[3]).toBe(T0 + 3 * S);
  });

  it("times a stub-clock run (every start in year 1, as upstream's golden trajectories) by its own clock", () => {
    const Y1 = ZERO_TIME_US;
    const rows = [
      row(0, 0, "flow", "f", { startUs: Y1 + S, finishUs: Y1 + 6 * S }),
      row(1, 1, "action", "a", { startUs: Y1 + 2 * S, finishUs: Y1 + 3 * S }),
      row(2, 1, "tool", "zero", { startUs: Y1, finishUs: Y1 + 4 * S }),
    ];
    expect(outlineWindow(rows)).toEqual({ t0: Y1 + S, t1: Y1 + 6 * S, after: ZERO_TIME_US });
    const o = decodeOutline(JSON.parse(JSON.stringify(encodeOutline(rows))));
    expect([o.dur[0], o.dur[1]]).toEqual([5 * S, S]);
    // The zero time itself stays no start, on a stub clock too.
    expect([...o.timing]).toEqual([VALID, VALID, NO_START]);
  });

  it("keeps unknown span types as they are", () => {
    const o = decodeOutline(encodeOutline([row(0, 0, "flow"), row(1, 1, "custom-check", "sanity")]));
    expect(o.types[o.type[1]!]).toBe("custom-check");
  });

  it("makes a span whose parent level is missing a root, and hangs deeper spans under it", () => {
    const o = decodeOutline(encodeOutline([row(0, 0), row(1, 3), row(2, 4), row(3, 0)]));
    expect([...o.parent]).toEqual([-1, -1, 1, -1]);
    expect([...o.depth]).toEqual([0, 0, 1, 0]);
  });

  it("stays compact: 100,000 spans in a few bytes per span before gzip", () => {
    const rows = Array.from({ length: 100_000 }, (_, i) =>
      row(i, i === 0 ? 0 : 1 + (i % 3 === 0 ? 0 : 1), i % 2 ? "tool" : "llm", i % 2 ? "grepper" : "agent"),
    );
    const bytes = JSON.stringify(encodeOutline(rows)).length;
    expect(bytes / rows.length).toBeLessThan(40);
  });
});

describe("tree navigation", () => {
  // 0 flow / 1 agent / 2 llm, 3 tool / 4 action / 5 tool
  const o = decodeOutline(encodeOutline([row(0, 0), row(1, 1), row(2, 2, "llm"), row(3, 2, "tool"), row(4, 1), row(5, 2, "tool")]));

  it("shows only the rows under expanded nodes", () => {
    expect([...visibleRows(o, flags(6, []), null)]).toEqual([0]);
    expect([...visibleRows(o, flags(6, [0]), null)]).toEqual([0, 1, 4]);
    expect([...visibleRows(o, flags(6, [0, 1, 4]), null)]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("with a filter shows matches and the path to them only", () => {
    const shown = withAncestors(o, flags(6, [3]));
    expect([...shown]).toEqual([1, 1, 0, 1, 0, 0]);
    expect([...visibleRows(o, flags(6, [0, 1, 2, 3, 4, 5]), shown)]).toEqual([0, 1, 3]);
  });

  it("finds a seq and its ancestors", () => {
    expect(indexOfSeq(o, 5)).toBe(5);
    expect(indexOfSeq(o, 99)).toBe(-1);
    expect(ancestorsOf(o, 3)).toEqual([1, 0]);
  });

  it("lists the tool calls an llm span decided on", () => {
    const p = decodeOutline(
      encodeOutline([
        row(0, 0, "agent"),
        row(1, 1, "llm"),
        row(2, 1, "tool"),
        row(3, 1, "tool"),
        row(4, 1, "llm"),
        row(5, 1, "tool"),
        row(6, 0, "action"),
        row(7, 0, "tool"),
      ]),
    );
    expect(toolCallIndices(p)).toEqual(
      new Map([
        [1, [2, 3]],
        [4, [5]],
      ]),
    );
  });
});
