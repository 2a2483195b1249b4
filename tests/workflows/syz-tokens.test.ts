// The syzkaller program tokenizer: each kind found, the line given back whole, and long hostile lines in one pass.
import { describe, expect, it } from "vitest";
import { syzLineTokens } from "@/lib/workflows/syz-tokens";

const kinds = (line: string) => syzLineTokens(line).map((t) => [t.kind, t.text]);

describe("syzLineTokens", () => {
  it("finds calls, resources, strings, numbers and comments", () => {
    expect(kinds(`r0 = openat$dir(0xffffffffffffff9c, &(0x7f0000000000)='./file0\\x00', 0x0, 0) # open it`)).toEqual([
      ["resource", "r0"],
      ["plain", " = "],
      ["call", "openat$dir"],
      ["plain", "("],
      ["number", "0xffffffffffffff9c"],
      ["plain", ", &("],
      ["number", "0x7f0000000000"],
      ["plain", ")="],
      ["string", "'./file0\\x00'"],
      ["plain", ", "],
      ["number", "0x0"],
      ["plain", ", "],
      ["number", "0"],
      ["plain", ") "],
      ["comment", "# open it"],
    ]);
    expect(kinds(`write(r1, &(0x7f0000000040)="0a0b", 0x2)`).map(([k]) => k)).toEqual([
      "call",
      "plain",
      "resource",
      "plain",
      "number",
      "plain",
      "string",
      "plain",
      "number",
      "plain",
    ]);
  });

  it("leaves words that are not calls, resources or numbers plain, and unclosed strings run to the end", () => {
    expect(kinds("foo bar$baz r1x 0x1g 12ab")).toEqual([["plain", "foo bar$baz r1x 0x1g 12ab"]]);
    expect(kinds(`a('it\\'s`)).toEqual([
      ["call", "a"],
      ["plain", "("],
      ["string", `'it\\'s`],
    ]);
  });

  it("gives every line back whole, hostile ones of 200,000 characters included", () => {
    const hostile = ["x".repeat(200_000), "a$".repeat(100_000), "xr#".repeat(70_000), `'${"\\".repeat(200_000)}`, "r0 ".repeat(70_000)];
    for (const line of hostile)
      expect(
        syzLineTokens(line)
          .map((t) => t.text)
          .join(""),
      ).toBe(line);
  });
});
