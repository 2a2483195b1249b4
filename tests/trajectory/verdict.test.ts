import { describe, expect, it } from "vitest";
import { mainVerdict, mainVerdictName, resultsObject, verdictFields } from "@/lib/trajectory/verdict";

describe("verdict", () => {
  const triage = { Reasoning: "r", WorthFuzzing: false, FocusSymbols: [], EnableConfigs: ["EXT4_FS"], NeedsKMSAN: true, Extra: { a: 1 } };

  it("reads WorthFuzzing as the main verdict of patch-triage, even when other booleans come first", () => {
    expect(mainVerdict("patch-triage", triage)).toBe(false);
    expect(mainVerdictName("patch-triage", triage)).toBe("WorthFuzzing");
  });

  it("takes the first boolean (by name) for other workflows, and null when there is none", () => {
    expect(mainVerdict("moderation", { Explanation: "x", Actionable: true })).toBe(true);
    expect(mainVerdictName("moderation", { Explanation: "x", Actionable: true })).toBe("Actionable");
    expect(mainVerdict("repro", { Notes: "x" })).toBeNull();
    expect(mainVerdict("repro", null)).toBeNull();
  });

  it("accepts job-page results given as {Name, Value} items", () => {
    expect(resultsObject([{ Name: "WorthFuzzing", Value: true }])).toEqual({ WorthFuzzing: true });
    expect(mainVerdict("patch-triage", [{ Name: "WorthFuzzing", Value: true }])).toBe(true);
  });

  it("types fields for the card, patch-triage fields first", () => {
    expect(verdictFields(triage).map((f) => [f.name, f.kind])).toEqual([
      ["WorthFuzzing", "bool"],
      ["NeedsKMSAN", "bool"],
      ["FocusSymbols", "list"],
      ["EnableConfigs", "list"],
      ["Reasoning", "text"],
      ["Extra", "json"],
    ]);
  });
});
