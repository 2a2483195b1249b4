// Workflows without code (issue 25 point 3): the entries shipped from upstream's pull requests (google/syzkaller#7842
// finding-triage, #7819 seed-gen and seed-gen-file-line), a JSON workflow file, and the card inferred for a workflow
// nobody described.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { workflowSpec } from "@/lib/workflows/catalog";
import { fieldSpec } from "@/lib/workflows/fields";
import { mainVerdict, resultFields, verdictOf } from "@/lib/workflows/verdict";
import { parseExtraWorkflows } from "@/lib/workflows/extra";
import { ensureExtraWorkflows } from "@/lib/workflows/extra-file";

const dir = mkdtempSync(path.join(os.tmpdir(), "workflows-"));
const saved = process.env.WORKFLOWS_FILE;
afterAll(() => {
  if (saved === undefined) delete process.env.WORKFLOWS_FILE;
  else process.env.WORKFLOWS_FILE = saved;
});

describe("workflows from upstream's pull requests", () => {
  it("finding-triage: Introduced is the verdict, bad news when yes; marked as from the pull request", () => {
    const spec = workflowSpec("finding-triage")!;
    expect(spec.source).toMatch(/pull request google\/syzkaller#7842/);
    expect(mainVerdict("finding-triage", { Reasoning: "the series adds the racy path", Introduced: true })).toEqual({
      field: "Introduced",
      value: true,
      text: "introduced by the series",
      tone: "bad",
    });
    expect(resultFields("finding-triage", { Reasoning: "r", Introduced: false }).fields.map((f) => f.spec.name)).toEqual([
      "Introduced",
      "Reasoning",
    ]);
  });

  it("seed-gen and seed-gen-file-line: Success is the verdict, SeedSyz a syzkaller program", () => {
    expect(workflowSpec("seed-gen-file-line")!.type).toBe("seed-gen-file-line"); // the longest type wins over seed-gen
    expect(workflowSpec("seed-gen")!.source).toMatch(/#7819/);
    expect(mainVerdict("seed-gen-file-line", { Success: false, GiveUp: true, Reason: "unreachable", SeedSyz: "" })?.text).toBe("no seed");
    expect(fieldSpec("SeedSyz", "r0 = openat(0xffffffffffffff9c, 0x0, 0x0, 0x0)")).toMatchObject({ kind: "code", lang: "syz" });
    expect(resultFields("seed-gen", { Success: true }).missing).toEqual(["SeedSyz", "GiveUp", "Reason"]);
  });
});

describe("a workflow file (WORKFLOWS_FILE)", () => {
  it("describes a workflow: its verdict field and words, field order and kinds", () => {
    const file = path.join(dir, "workflows.json");
    writeFileSync(
      file,
      JSON.stringify([
        {
          type: "bisect-fix",
          summary: "Finds the commit that fixed a bug",
          main: { field: "FixCommit", yes: "fix found", no: "no fix found", read: "non-empty" },
          outputs: ["Log", "FixCommit"],
          fields: [
            { name: "FixCommit", kind: "line" },
            { name: "Log", kind: "folded" },
          ],
        },
      ]),
    );
    process.env.WORKFLOWS_FILE = file;
    ensureExtraWorkflows();
    expect(workflowSpec("bisect-fix")?.source).toBe("a workflow file");
    expect(mainVerdict("bisect-fix", { FixCommit: "8c1f0e6f2b2a", Log: "…" })).toMatchObject({ text: "fix found", tone: "good" });
    expect(verdictOf("bisect-fix", { FixCommit: "", Log: "" })).toBe(false);
    expect(resultFields("bisect-fix", { Log: "l", FixCommit: "c" }).fields.map((f) => [f.spec.name, f.spec.kind])).toEqual([
      ["FixCommit", "line"],
      ["Log", "folded"],
    ]);
  });

  it("refuses a bad file naming the entry and the field", () => {
    expect(() => parseExtraWorkflows("w.json", "[{")).toThrow(/^w\.json: not JSON/);
    expect(() =>
      parseExtraWorkflows(
        "w.json",
        JSON.stringify([
          { type: "ok", main: { field: "A", yes: "y", no: "n" } },
          { type: "Bad Type", main: {} },
        ]),
      ),
    ).toThrow(/^w\.json: entry 2, "type": a workflow type/);
    expect(() =>
      parseExtraWorkflows(
        "w.json",
        JSON.stringify([{ type: "x", main: { field: "A", yes: "y", no: "n" }, fields: [{ name: "A", kind: "html" }] }]),
      ),
    ).toThrow(/entry 1, "fields\.0\.kind"/);
  });
});

describe("a workflow nobody described", () => {
  const results = {
    Summary: "The regression comes from the new fast path.",
    Flaky: false,
    IsRegression: true,
    Program: "r0 = socket$inet(0x2, 0x1, 0x0)\nclose(r0)",
    Repro: "#include <unistd.h>\nint main(void) { return 0; }",
    Fix: "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b",
    Note: "a line\nand another, in prose",
  };

  it("takes a boolean result named like a verdict as the main verdict, worded from its name", () => {
    expect(workflowSpec("regression-check")).toBeNull();
    expect(mainVerdict("regression-check", results)).toEqual({ field: "IsRegression", value: true, text: "is regression", tone: "good" });
    // "Flaky" is a boolean but not named like a verdict; with nothing else, no verdict.
    expect(mainVerdict("regression-check", { Flaky: true })).toBeNull();
    expect(resultFields("regression-check", results).fields[0]!.spec.name).toBe("IsRegression");
  });

  it("shows code-looking strings as code: a syzkaller program, C, a diff; prose stays prose", () => {
    expect(fieldSpec("Program", results.Program)).toMatchObject({ kind: "code", lang: "syz" });
    expect(fieldSpec("Repro", results.Repro)).toMatchObject({ kind: "code", lang: "c" });
    expect(fieldSpec("Fix", results.Fix)).toMatchObject({ kind: "diff" });
    expect(fieldSpec("Note", results.Note).kind).toBe("folded");
    expect(fieldSpec("Summary", results.Summary).kind).toBe("line");
  });
});
