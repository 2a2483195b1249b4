// Text from agents, models and imports that once made a regular expression backtrack for seconds to hours (a long run
// of one character followed by another): each reader now gives the right answer on it in one pass. Vitest's 5 s test
// timeout is what a quadratic reader would hit on these sizes; the answers are what is asserted.
import { describe, expect, it } from "vitest";
import { trim, trimEnd, trimLineEnds, trimStart } from "@/lib/text/trim";
import { collapseCarriageReturns } from "@/lib/text/search";
import { parseDiff } from "@/lib/trajectory/diff";
import { comparePayloads, payloadText } from "@/lib/compare/payload";
import { parseRunFile } from "@/lib/import/detect";
import { ImportError } from "@/lib/import/errors";
import { readGoPrinted } from "@/lib/import/go-printed";

const N = 400_000;

describe("trimming in linear time", () => {
  it("trims the chosen characters at the ends only", () => {
    expect(trimEnd("a\r\r", "\r")).toBe("a");
    expect(trimEnd("\r\ra", "\r")).toBe("\r\ra");
    expect(trimStart("//a/b//", "/")).toBe("a/b//");
    expect(trim("//a/b//", "/")).toBe("a/b");
    expect(trim("////", "/")).toBe("");
    expect(trimLineEnds("a \t\nb\n  c  ")).toBe("a\nb\n  c");
    expect(trimEnd(`${"\r".repeat(N)}x`, "\r")).toHaveLength(N + 1);
    expect(trimLineEnds(`${" ".repeat(N)}x`)).toHaveLength(N + 1);
  });
});

describe("readers of untrusted text on hostile input", () => {
  it("collapses carriage returns before a last character", () => {
    expect(collapseCarriageReturns(`${"\r".repeat(N)}x`)).toBe("x");
    expect(collapseCarriageReturns("50%\r100%\r\r\n")).toBe("100%\n");
    // A long line overwritten many times: each CR rewrote the whole line (24,000 × 24,000 took a minute).
    const line = `${"A".repeat(N / 2)}${"\r".repeat(N / 2)}x`;
    expect(collapseCarriageReturns(line)).toBe(`x${"A".repeat(N / 2 - 1)}`);
    expect(collapseCarriageReturns(`${"ab\r".repeat(N / 3)}c`)).toBe("cb");
  });

  it("reads a diff --git line with many ' b/' as the paths it can be", () => {
    const hostile = `diff --git a/${" b/".repeat(N / 4)}\rx\n@@ -1 +1 @@\n-a\n+b\n`;
    const parsed = parseDiff(hostile);
    expect(parsed?.files).toHaveLength(1);
    expect(parsed!.files[0]!.hunks).toHaveLength(1);
    const quoted = parseDiff('diff --git "a/odd name" "b/odd name"\n@@ -1 +1 @@\n-a\n+b\n');
    expect([quoted!.files[0]!.oldPath, quoted!.files[0]!.newPath]).toEqual(["odd name", "odd name"]);
    const spaced = parseDiff("diff --git a/x y.c b/x y.c\n@@ -1 +1 @@\n-a\n+b\n");
    expect([spaced!.files[0]!.oldPath, spaced!.files[0]!.newPath]).toEqual(["x y.c", "x y.c"]);
  });

  it("compares payloads whose lines end in long runs of blanks", () => {
    const step = (x: string) => ({ seq: 1, type: "tool", name: "t", args: null, results: JSON.stringify({ x }), error: null });
    const diff = comparePayloads(payloadText(step(`${" ".repeat(N)}x`)), payloadText(step(`${" ".repeat(N)}y`)));
    expect(diff?.kind).toBe("content");
  });

  it("refuses a page copy whose summary line is blanks before another character, saying what is wrong", () => {
    const text = `0/0 2026/06/29 12:05 flow patch-triage\n${" ".repeat(20_000)}x\n`;
    expect(() => parseRunFile("copy.txt", text)).toThrow(ImportError);
  });

  it("reads a Go-printed number with a long run of zeros", () => {
    expect(readGoPrinted(`map[N:1.5${"0".repeat(N)}]`)).toEqual({ ok: true, value: { N: 1.5 } });
  });
});
