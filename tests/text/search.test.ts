// Search inside a run matches the visible text: escapes gone, CR progress collapsed, strings decoded, case and accents folded.
import { describe, expect, it } from "vitest";
import { collapseCarriageReturns, foldForSearch, searchPattern, spanSearchText, stripAnsi, visibleText } from "@/lib/text/search";

describe("visible text", () => {
  it("drops ANSI colour, erase and hyperlink sequences", () => {
    expect(stripAnsi("\u001b[1;31merror:\u001b[0m bad\u001b[K")).toBe("error: bad");
    expect(stripAnsi("\u001b]8;;http://x\u0007link\u001b]8;;\u0007")).toBe("link");
    expect(stripAnsi("plain")).toBe("plain");
  });

  it("collapses carriage-return progress as a terminal shows it", () => {
    expect(collapseCarriageReturns("10%\r50%\r100%\ndone")).toBe("100%\ndone");
    expect(collapseCarriageReturns("abcdef\rXY")).toBe("XYcdef");
    expect(collapseCarriageReturns("a\r\nb\r\n")).toBe("a\nb\n");
    expect(visibleText("\u001b[32m 1/3\r 3/3\u001b[0m")).toBe(" 3/3");
  });
});

describe("folding", () => {
  it("folds Unicode case and accents alike", () => {
    expect(foldForSearch("KIỂM TRA")).toBe(foldForSearch("Kiểm tra"));
    expect(foldForSearch("Kiểm tra")).toBe("kiem tra");
    expect(foldForSearch("STRASSE")).toBe(foldForSearch("Straße"));
    expect(foldForSearch("ＡＢＣ ﬁle")).toBe("abc file");
  });

  it("a query matches decoded payload strings, not their JSON escapes", () => {
    const text = spanSearchText({
      Name: "grepper",
      Args: { Expression: "kmalloc\\(size" },
      Results: { Output: 'say "quoted"\n\u001b[1mBOLD\u001b[0m' },
    });
    const matches = (q: string) =>
      new RegExp(
        searchPattern(q)
          .slice(1, -1)
          .replace(/\\([\\%_])/g, "$1")
          .replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
      ).test(text);
    expect(matches('"quoted"')).toBe(true);
    expect(matches("kmalloc\\(size")).toBe(true);
    expect(matches("bold")).toBe(true);
    expect(matches("expression")).toBe(true); // keys too
    expect(matches("\\u001b")).toBe(false);
    expect(matches('\\"quoted\\"')).toBe(false);
  });

  it("escapes LIKE wildcards in the query", () => {
    expect(searchPattern("50%_x")).toBe("%50\\%\\_x%");
  });
});
