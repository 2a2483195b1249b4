// What a page shows of a stored value (lib/text/budget.ts) and when markdown is shown plain (lib/text/markdown-budget.ts).
import { describe, expect, it } from "vitest";
import { headItems, headText, headTexts, jsonHead } from "@/lib/text/budget";
import { markdownRefusal } from "@/lib/text/markdown-budget";
import { MARKDOWN_MAX_CHARS, MARKDOWN_MAX_DELIMITERS, MARKDOWN_MAX_NESTING } from "@/lib/limits";

describe("display budget", () => {
  it("keeps the first items and characters and counts the rest", () => {
    expect(headItems([1, 2, 3], 5)).toEqual({ items: [1, 2, 3], more: 0 });
    expect(headItems([1, 2, 3], 2)).toEqual({ items: [1, 2], more: 1 });
    expect(headText("abcdef", 4)).toEqual({ text: "abcd", more: 2 });
    // Never half a surrogate pair.
    expect(headText("ab😀cd", 3)).toEqual({ text: "ab", more: 4 });
    expect(headTexts(["aaa", "bbb", "ccc"], 5)).toEqual([
      { text: "aaa", more: 0 },
      { text: "bb", more: 1 },
      { text: "", more: 3 },
    ]);
  });

  it("writes JSON as JSON.stringify(v, null, 2) does, and stops at the budget without walking the rest", () => {
    const v = { a: [1, "x", { b: null, c: true }], d: {}, e: [] };
    expect(jsonHead(v, 1000)).toEqual({ text: JSON.stringify(v, null, 2), cut: false });
    const huge = Array.from({ length: 2_000_000 }, (_, i) => i);
    const head = jsonHead(huge, 1000);
    expect(head.cut).toBe(true);
    expect(head.text.length).toBeLessThanOrEqual(1001);
    expect(head.text.endsWith("…")).toBe(true);
    expect(JSON.stringify(huge, null, 2).startsWith(head.text.slice(0, -1))).toBe(true);
  });
});

describe("markdown budget", () => {
  it("lets what models write through", () => {
    const para = "The function `ext4_fill_super` calls **sb_bread**; see *fs/ext4/super.c* and [the docs](https://kernel.org).\n\n";
    expect(markdownRefusal(para.repeat(500))).toBeNull();
    expect(markdownRefusal("> quoted\n> > twice\n\n- a\n  - b\n    - c")).toBeNull();
  });

  it("refuses the hostile shapes by name: too long, too deep, too many marks in one paragraph", () => {
    expect(markdownRefusal("a".repeat(MARKDOWN_MAX_CHARS + 1))).toMatch(/^longer than/);
    expect(markdownRefusal(">".repeat(5001) + " x")).toBe(`nested deeper than ${MARKDOWN_MAX_NESTING} quotes or lists`);
    expect(markdownRefusal("> ".repeat(MARKDOWN_MAX_NESTING + 1) + "x")).toMatch(/^nested deeper/);
    expect(markdownRefusal("- ".repeat(MARKDOWN_MAX_NESTING + 1) + "x")).toMatch(/^nested deeper/);
    expect(markdownRefusal("*a_".repeat(30_000))).toMatch(/emphasis, code or link marks in one paragraph$/);
    // The same marks spread over paragraphs are fine: emphasis is matched within one.
    expect(markdownRefusal(("*a_".repeat(MARKDOWN_MAX_DELIMITERS / 4) + "\n\n").repeat(10))).toBeNull();
  });
});
