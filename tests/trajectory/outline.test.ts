import { describe, expect, it } from "vitest";
import {
  ancestorsOf, decodeOutline, encodeOutline, indexOfSeq, toolCallIndices, visibleRows, withAncestors, type OutlineRow,
} from "@/lib/trajectory/outline";

const T0 = Date.UTC(2026, 5, 29, 12, 0, 0);
function row(seq: number, nesting: number, type = "action", name = `s${seq}`, extra: Partial<OutlineRow> = {}): OutlineRow {
  return {
    seq, nesting, type, name, model: null, startMs: T0 + seq * 1000, finishMs: T0 + seq * 1000 + 500, error: null,
    inputTokens: null, outputTokens: null, thoughtsTokens: null, size: 10, ...extra,
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
      row(3, 2, "tool", "grepper", { error: "no matches", finishMs: null }),
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
    expect(o.start[3]).toBe(T0 + 3000);
    expect(o.dur[0]).toBe(500);
    expect(Number.isNaN(o.dur[3]!)).toBe(true);
    expect(o.errors.get(3)).toBe("no matches");
    expect(o.t0).toBe(T0);
    expect(o.t1).toBe(T0 + 4500);
  });

  it("sorts out-of-order spans and keeps the later copy of a duplicate seq", () => {
    const start = row(1, 1, "tool", "grepper", { finishMs: null });
    const finish = row(1, 1, "tool", "grepper", { error: "boom" });
    const o = decodeOutline(encodeOutline([row(2, 1), start, row(0, 0, "flow"), finish]));
    expect([...o.seq]).toEqual([0, 1, 2]);
    expect(o.dur[1]).toBe(500);
    expect(o.errors.get(1)).toBe("boom");
    expect([...o.parent]).toEqual([-1, 0, 0]);
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
    const rows = Array.from({ length: 100_000 }, (_, i) => row(i, i === 0 ? 0 : 1 + (i % 3 === 0 ? 0 : 1), i % 2 ? "tool" : "llm", i % 2 ? "grepper" : "agent"));
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
    const p = decodeOutline(encodeOutline([row(0, 0, "agent"), row(1, 1, "llm"), row(2, 1, "tool"), row(3, 1, "tool"), row(4, 1, "llm"), row(5, 1, "tool"), row(6, 0, "action"), row(7, 0, "tool")]));
    expect(toolCallIndices(p)).toEqual(new Map([[1, [2, 3]], [4, [5]]]));
  });
});
