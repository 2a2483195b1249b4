import { describe, expect, it } from "vitest";
import { argsSummary, oneLine, stepSummary } from "@/lib/trajectory/step-summary";
import { SPAN_SUMMARY_CHARS } from "@/lib/limits";

describe("step summary", () => {
  it("shows a tool's main argument bare and the others as Key=value, in the agent's order", () => {
    expect(argsSummary({ Expression: "ext4_dax_write_iter", PathPrefix: "fs" })).toBe("ext4_dax_write_iter PathPrefix=fs");
    expect(argsSummary({ FirstLine: 100, File: "fs/ext4/file.c", LastLine: 140 })).toBe("fs/ext4/file.c FirstLine=100 LastLine=140");
    expect(argsSummary({ Configs: ["KASAN"], Opts: { a: 1 }, Empty: "" })).toBe("Configs=[…] Opts={…}");
    expect(argsSummary("just text")).toBe("just text");
    expect(argsSummary(null)).toBe("");
  });

  it("says what an llm step replied and what an agent was asked; nothing for other steps", () => {
    expect(stepSummary({ Type: "llm", Reply: "**Yes**, worth\n\nfuzzing." })).toBe("**Yes**, worth fuzzing.");
    expect(stepSummary({ Type: "llm" })).toBeNull();
    expect(stepSummary({ Type: "agent", Prompt: "Triage this patch" })).toBe("Triage this patch");
    expect(stepSummary({ Type: "action", Args: { A: "x" } })).toBeNull();
    expect(stepSummary({ Type: "tool", Args: {} })).toBeNull();
  });

  it("keeps one bounded line of visible text", () => {
    expect(oneLine("\u001b[31mred\u001b[0m  \r\n next")).toBe("red next");
    const long = oneLine("😀".repeat(500));
    expect(Array.from(long).length).toBeLessThanOrEqual(SPAN_SUMMARY_CHARS);
    expect(long.endsWith("…")).toBe(true);
    expect(long).not.toMatch(/[\ud800-\udbff]…$/);
  });
});
