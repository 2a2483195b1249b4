// The trajectory panel's logic without a browser: its reducer, its keyboard and its filter, all pure functions.
import { describe, expect, it } from "vitest";
import { decodeOutline, encodeOutline, type OutlineRow } from "@/lib/trajectory/outline";
import { visibleRows } from "@/lib/trajectory/outline-tree";
import { initialPanel, panelReducer, permalinkHash, seqFromHash, OPEN_ALL_UP_TO } from "@/components/run/panel-state";
import { treeKeyCommand, type KeyInput } from "@/components/run/tree-keys";
import { filterSpans, nextMatch, NO_FILTER } from "@/components/run/span-filter";

const T0 = Date.UTC(2026, 2, 2) * 1000;
function row(seq: number, nesting: number, type = "action", name = `s${seq}`, extra: Partial<OutlineRow> = {}): OutlineRow {
  return {
    seq,
    nesting,
    type,
    name,
    model: null,
    startUs: T0 + seq * 1e6,
    finishUs: T0 + seq * 1e6 + 5e5,
    error: null,
    inputTokens: null,
    outputTokens: null,
    thoughtsTokens: null,
    size: 1,
    ...extra,
  };
}

// 0 flow / 1 agent / 2 llm, 3 tool (error) / 4 action / 5 tool named with a bidi override
const o = decodeOutline(
  encodeOutline([
    row(0, 0, "flow", "patch-triage"),
    row(1, 1, "agent", "patch-evaluator", { model: "best-expensive" }),
    row(2, 2, "llm", "patch-evaluator"),
    row(3, 2, "tool", "grepper", { error: "\u001b[31mno matches\u001b[0m for ext4_foo" }),
    row(4, 1, "action", "If"),
    row(5, 2, "tool", "grepper-\u202Egnp.exe"),
  ]),
);
const key = (k: string, shift = false): KeyInput => ({ key: k, shiftKey: shift, ctrlKey: false, metaKey: false, altKey: false });

describe("panelReducer", () => {
  it("opens small runs fully, selects with the path opened, and writes the permalink it selects", () => {
    let s = initialPanel(o, 6);
    expect([...s.expanded]).toEqual([1, 1, 1, 1, 1, 1]);
    s = panelReducer(s, { type: "collapseAll" });
    expect([...visibleRows(o, s.expanded, null)]).toEqual([0]);
    s = panelReducer(s, { type: "select", index: 3 });
    expect(s.selected).toBe(3);
    expect([...visibleRows(o, s.expanded, null)]).toEqual([0, 1, 2, 3, 4]);
    expect(s.scroll).toEqual({ index: 3, nonce: 1 });
    expect(s.openedHash).toBe("#span-3");
    expect(seqFromHash(permalinkHash(o, 5))).toBe(5);
    expect(seqFromHash("#nope")).toBeNull();
  });

  it("toggles without touching the previous state's flags (immutable updates)", () => {
    const s = initialPanel(o, 6);
    const t = panelReducer(s, { type: "toggle", index: 1 });
    expect(t.expanded[1]).toBe(0);
    expect(s.expanded[1]).toBe(1);
    expect(panelReducer(t, { type: "toggle", index: 1, open: false })).toBe(t);
  });

  it("opens a permalink: clears the filter, marks the target, scrolls to it", () => {
    let s = panelReducer(initialPanel(o, 6), { type: "filter", filter: { ...NO_FILTER, query: "x" } });
    s = panelReducer(panelReducer(s, { type: "collapseAll" }), { type: "permalink", hash: "#span-5", index: 5 });
    expect(s).toMatchObject({ selected: 5, target: 5, filter: NO_FILTER, openedHash: "#span-5" });
    expect(s.expanded[4]).toBe(1);
  });

  it("keeps what the reader opened and closed when the outline grows, and gives new spans the initial state", () => {
    const big = decodeOutline(
      encodeOutline(
        Array.from({ length: OPEN_ALL_UP_TO + 2 }, (_, i) => row(i, i === 0 ? 0 : i % 50 === 1 ? 1 : 2, i % 50 === 1 ? "agent" : "tool")),
      ),
    );
    const head = decodeOutline(
      encodeOutline(Array.from({ length: 60 }, (_, i) => row(i, i === 0 ? 0 : i % 50 === 1 ? 1 : 2, i % 50 === 1 ? "agent" : "tool"))),
    );
    let s = initialPanel(head, big.count);
    expect(s.expanded[1]).toBe(1); // agents open, even in a big run
    s = panelReducer(s, { type: "toggle", index: 1 });
    s = panelReducer(s, { type: "outline", o: big, spanCount: big.count });
    expect(s.o).toBe(big);
    expect(s.expanded[1]).toBe(0);
    expect(s.expanded[51]).toBe(1);
    expect(s.expanded[OPEN_ALL_UP_TO]).toBe(0);
  });

  it("opens the path to every match of a filter once", () => {
    let s = panelReducer(initialPanel(o, 6), { type: "collapseAll" });
    const result = filterSpans(o, { ...NO_FILTER, query: "grepper" }, []);
    s = panelReducer(s, { type: "revealMatches", shown: result.shown, matches: result.matches });
    expect([...visibleRows(o, s.expanded, result.shown)]).toEqual([0, 1, 3, 4, 5]);
    expect(panelReducer(s, { type: "revealMatches", shown: result.shown, matches: result.matches })).toBe(s);
  });
});

describe("treeKeyCommand", () => {
  const view = (selected: number) => ({
    o,
    rows: visibleRows(o, new Uint8Array(6).fill(1), null),
    selected,
    expanded: new Uint8Array(6).fill(1),
  });

  it("moves with j/k and arrows, to the ends with Home/End", () => {
    expect(treeKeyCommand(key("j"), view(-1), false)).toEqual({ do: "select", index: 0, focusTree: true });
    expect(treeKeyCommand(key("j"), view(2), false)).toEqual({ do: "select", index: 3, focusTree: true });
    expect(treeKeyCommand(key("k"), view(0), false)).toEqual({ do: "select", index: 0, focusTree: true });
    expect(treeKeyCommand(key("ArrowDown"), view(5), true)).toEqual({ do: "select", index: 5, focusTree: false });
    expect(treeKeyCommand(key("End"), view(0), true)).toEqual({ do: "select", index: 5, focusTree: false });
    expect(treeKeyCommand(key("ArrowDown"), view(0), false)).toBeNull();
  });

  it("opens, closes and goes to the parent", () => {
    expect(treeKeyCommand(key("Enter"), view(1), true)).toEqual({ do: "toggle", index: 1 });
    expect(treeKeyCommand(key("Enter"), view(2), true)).toEqual({ do: "nothing" });
    expect(treeKeyCommand(key("ArrowLeft"), view(1), true)).toEqual({ do: "toggle", index: 1, open: false });
    expect(treeKeyCommand(key("ArrowLeft"), view(3), true)).toEqual({ do: "select", index: 1 });
    const closed = { ...view(1), expanded: new Uint8Array(6) };
    expect(treeKeyCommand(key("ArrowRight"), closed, true)).toEqual({ do: "toggle", index: 1, open: true });
    expect(treeKeyCommand(key("ArrowRight"), view(-1), true)).toEqual({ do: "nothing" });
  });

  it("expands, collapses and searches from anywhere, and leaves modified keys alone", () => {
    expect(treeKeyCommand(key("e"), view(0), false)).toEqual({ do: "expandAll" });
    expect(treeKeyCommand(key("E", true), view(0), false)).toEqual({ do: "collapseAll" });
    expect(treeKeyCommand(key("/"), view(0), false)).toEqual({ do: "focusSearch" });
    expect(treeKeyCommand({ ...key("j"), ctrlKey: true }, view(0), true)).toBeNull();
  });
});

describe("filterSpans", () => {
  it("matches names, models, types and error heads as shown, folded like the server's search", () => {
    expect(filterSpans(o, NO_FILTER, null).matches).toBeNull();
    const count = (query: string) => filterSpans(o, { ...NO_FILTER, query }, null).count;
    expect(count("GREPPER")).toBe(2);
    expect(count("best-exp")).toBe(1);
    expect(count("no matches for")).toBe(1); // the error's ANSI codes are not part of what is shown
    expect(count("[31m")).toBe(0);
    expect(count("U+202E")).toBe(1); // the hidden character as it is shown
    expect(count("llm")).toBe(1);
  });

  it("adds the server's payload hits, narrows by type and errors, and says while payloads are searched", () => {
    const waiting = filterSpans(o, { ...NO_FILTER, query: "needle" }, null);
    expect([waiting.count, waiting.searching]).toEqual([0, true]);
    const found = filterSpans(o, { ...NO_FILTER, query: "needle" }, [4]);
    expect([found.count, found.searching, found.matches![4]]).toEqual([1, false, 1]);
    expect(filterSpans(o, { ...NO_FILTER, type: "tool", errorsOnly: true }, null).count).toBe(1);
  });

  it("finds the next and previous match, wrapping around", () => {
    const { matches } = filterSpans(o, { ...NO_FILTER, query: "grepper" }, []);
    const rows = visibleRows(o, new Uint8Array(6).fill(1), null);
    expect(nextMatch(rows, matches, -1, false)).toBe(3);
    expect(nextMatch(rows, matches, 3, false)).toBe(5);
    expect(nextMatch(rows, matches, 5, false)).toBe(3);
    expect(nextMatch(rows, matches, 3, true)).toBe(5);
    expect(nextMatch(rows, null, 3, false)).toBe(-1);
  });
});
