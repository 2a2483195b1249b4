// Reading stored JSON cut to what a page shows (lib/text/json-scan.ts budgetJsonText, lib/text/budget.ts parseBudgeted):
// lists and objects cut to their first items with the stored counts kept, a workflow's fields read wherever they
// stand, and the counts said wherever the value is shown.
import { describe, expect, it } from "vitest";
import { budgetJsonText } from "@/lib/text/json-scan";
import { headItems, jsonHead, readBudgeted, storedCount, unreadCount } from "@/lib/text/budget";
import { JsonTextError } from "@/lib/text/json";

describe("budgetJsonText", () => {
  it("keeps a value within the budget as it is, spacing aside", () => {
    const v = { a: [1, 'x"y', { b: null, c: true }], d: {}, e: [], "k\u00e9": -1.5e3 };
    const text = JSON.stringify(v, null, 2);
    const cut = budgetJsonText(text, { items: 10, values: 100 });
    expect(cut.cuts).toEqual([]);
    expect(JSON.parse(cut.text)).toEqual(v);
  });

  it("cuts each list to its first items and counts the rest, without reading them", () => {
    const list = Array.from({ length: 100_000 }, (_, i) => `s${i}`);
    const text = JSON.stringify({ List: list, Nested: [[1, 2, 3, 4, 5], { a: 1, b: 2, c: 3, d: 4 }] });
    const cut = budgetJsonText(text, { items: 3, values: 1000 });
    expect(cut.cuts).toEqual([
      { path: ["List"], total: 100_000 },
      { path: ["Nested", 0], total: 5 },
      { path: ["Nested", 1], total: 4 },
    ]);
    expect(cut.text.length).toBeLessThan(100);
    const value = readBudgeted(text, { items: 3, values: 1000 }) as { List: string[]; Nested: [number[], object] };
    expect(value.List).toEqual(["s0", "s1", "s2"]);
    expect(storedCount(value.List)).toBe(100_000);
    expect(headItems(value.List, 2)).toEqual({ items: ["s0", "s1"], more: 99_998 });
    expect(unreadCount(value.Nested[1])).toBe(1);
    // Shown as JSON, a cut list says how many items it left out.
    const shown = jsonHead(value.List, 10_000);
    expect(shown).toEqual({ text: '[\n  "s0",\n  "s1",\n  "s2",\n  … 99,997 more items\n]', cut: true });
    expect(jsonHead(value.Nested[1], 10_000).text).toContain("… 1 more keys");
  });

  it("stops at the values budget (the rest counted by their containers) but reads the kept keys wherever they stand", () => {
    const fill: Record<string, number[]> = {};
    for (let i = 0; i < 50; i++) fill[`F${i}`] = [1, 2, 3];
    const text = JSON.stringify({ ...fill, Main: true, Tail: [9, 9] });
    const value = readBudgeted(text, { items: 100, values: 20, keep: ["Main", "Tail"] }) as Record<string, unknown>;
    expect(value.Main).toBe(true);
    expect(value.F0).toEqual([1, 2, 3]);
    // The budget (20 values) runs out inside F4; later members are not read, the root counts them.
    expect(value.F4).toEqual([1, 2]);
    expect(storedCount(value.F4 as number[])).toBe(3);
    expect(value.F5).toBeUndefined();
    expect(storedCount(value)).toBe(52);
    // A kept key's list past the budget is read empty, its items counted.
    expect(value.Tail).toEqual([]);
    expect(headItems(value.Tail as number[], 10)).toEqual({ items: [], more: 2 });
    expect(jsonHead([], 100)).toEqual({ text: "[]", cut: false });
  });

  it("refuses text that is not JSON", () => {
    expect(() => budgetJsonText('{"a": [1, 2', { items: 1, values: 10 })).toThrow(JsonTextError);
    expect(() => budgetJsonText("", { items: 1, values: 10 })).toThrow(JsonTextError);
  });
});
