import { describe, expect, it } from "vitest";
import { PLACEHOLDER, countLines, foldText, layoutJson as layoutTree, moreLabel } from "@/lib/trajectory/fold";
import { jsonNodeOf, parseJsonText } from "@/lib/text/json";

const layoutJson = (v: unknown, root?: string) => layoutTree(jsonNodeOf(v), root);

describe("layoutJson", () => {
  it("takes multi-line and long strings out as blocks under their key, keeping the rest as JSON", () => {
    const diff = "diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b";
    const long = "x".repeat(500);
    const { text, blocks } = layoutJson({ PatchDiff: diff, Files: ["a.c", long], N: 3, Nested: {}, Empty: [] }, "Results");
    const lines = text.split("\n");
    expect(lines).toEqual([
      "{",
      `  "PatchDiff": ${PLACEHOLDER},`,
      `  "Files": [`,
      `    "a.c",`,
      `    ${PLACEHOLDER}`,
      "  ],",
      `  "N": 3,`,
      `  "Nested": {},`,
      `  "Empty": []`,
      "}",
    ]);
    expect(blocks.get(1)).toMatchObject({ path: "Results.PatchDiff", key: "PatchDiff", value: diff, from: 15 });
    expect(lines[1]!.slice(blocks.get(1)!.from, blocks.get(1)!.to)).toBe(PLACEHOLDER);
    expect(blocks.get(4)).toMatchObject({ path: "Results.Files[1]", value: long });
    expect(blocks.size).toBe(2);
  });

  it("keeps short strings inline, escaped as JSON (so markup is just characters)", () => {
    const { text, blocks } = layoutJson({ File: '<svg onload="x">' });
    expect(text).toBe('{\n  "File": "<svg onload=\\"x\\">"\n}');
    expect(blocks.size).toBe(0);
  });

  it("keeps the agent's key order and number text, spells out hidden characters in keys, and blocks terminal output", () => {
    const { text, blocks } = layoutTree(
      parseJsonText('{"b":1,"10":2,"\u202Ekey":12345678901234567890,"Out":"\\u001b[31mred\\u001b[0m"}'),
      "Results",
    );
    expect(text.split("\n")).toEqual([
      "{",
      '  "b": 1,',
      '  "10": 2,',
      '  "⟨U+202E⟩key": 12345678901234567890,',
      `  "Out": ${PLACEHOLDER}`,
      "}",
    ]);
    expect(blocks.get(4)).toMatchObject({ path: "Results.Out", value: "\u001b[31mred\u001b[0m" });
  });

  it("lays out a bare multi-line string as one block", () => {
    const { text, blocks } = layoutJson("a\nb", "Args");
    expect(text).toBe(PLACEHOLDER);
    expect(blocks.get(0)?.value).toBe("a\nb");
  });
});

describe("foldText", () => {
  const text = Array.from({ length: 2375 }, (_, i) => `line ${i + 1}`).join("\n");

  it("keeps the first lines and counts the rest", () => {
    const f = foldText(text, 30);
    expect(f.head.split("\n")).toHaveLength(30);
    expect(f.head.endsWith("line 30")).toBe(true);
    expect(f.hiddenLines).toBe(2345);
    expect(moreLabel(f)).toBe("show 2,345 more lines");
  });

  it("folds one very long line by characters", () => {
    const f = foldText("y".repeat(10_000), 30, 6000);
    expect(f.head).toHaveLength(6000);
    expect(f.hiddenChars).toBe(4000);
    expect(moreLabel(f)).toBe("show 4,000 more characters");
  });

  it("leaves short text alone", () => {
    expect(foldText("a\nb")).toEqual({ head: "a\nb", hiddenLines: 0, hiddenChars: 0 });
    expect(countLines("a\nb\nc")).toBe(3);
  });
});
