// Each upstream workflow's main verdict, its wording and its field order (lib/workflows), checked against the
// output structs of pkg/aflow/ai/ai.go; unknown workflows get no main verdict, failed and partial results none either.
import { describe, expect, it } from "vitest";
import { WORKFLOWS, workflowSpec } from "@/lib/workflows/catalog";
import { FIELDS, fieldSpec } from "@/lib/workflows/fields";
import { inputFields, mainVerdict, resultFields, resultsObject, verdictInput, verdictOf } from "@/lib/workflows/verdict";

const DIFF = "diff --git a/fs/ext4/file.c b/fs/ext4/file.c\n--- a/fs/ext4/file.c\n+++ b/fs/ext4/file.c\n@@ -1 +1 @@\n-a\n+b\n";
const PATCHING = {
  KernelRepo: "git://repo",
  KernelBranch: "master",
  KernelCommit: "abc",
  PatchDescription: "ext4: fix",
  PatchDiff: DIFF,
  Recipients: [{ Name: "Ann", Email: "ann@example.org", To: true }],
  Fixes: { Hash: "1234567890ab" },
  ReviewedBy: [],
  AckedBy: [],
  TestedBy: [],
  ReportedBy: ["syzbot <syzbot@example.org>"],
  SuggestedBy: [],
};
const SECURITY_TRIGGERS = [
  "DenialOfService",
  "Unprivileged",
  "UserNamespace",
  "VMGuestTrigger",
  "VMHostTrigger",
  "NetworkTrigger",
  "RemoteTrigger",
  "PeripheralTrigger",
  "FilesystemTrigger",
];

// One full Results object per workflow, every output of its struct (convertToMap writes them all), keys sorted as Go
// encodes a map; [workflow, results, main field, yes/no, words, expected field order].
const CASES: [string, Record<string, unknown>, string, boolean, string, string[]][] = [
  [
    "patch-triage",
    { EnableConfigs: ["EXT4_FS"], FocusSymbols: ["ext4_write"], KMSANReasoning: "", NeedsKMSAN: true, Reasoning: "r", WorthFuzzing: false },
    "WorthFuzzing",
    false,
    "not worth fuzzing",
    ["WorthFuzzing", "NeedsKMSAN", "FocusSymbols", "EnableConfigs", "Reasoning", "KMSANReasoning"],
  ],
  ["moderation", { Actionable: true, Explanation: "e" }, "Actionable", true, "actionable", ["Actionable", "Explanation"]],
  ["assessment-kcsan", { Benign: false, Explanation: "e" }, "Benign", false, "not benign", ["Benign", "Explanation"]],
  [
    "assessment-security",
    { Explanation: "e", Exploitable: true, ...Object.fromEntries(SECURITY_TRIGGERS.map((k, i) => [k, i % 2 === 0])) },
    "Exploitable",
    true,
    "exploitable",
    ["Exploitable", ...SECURITY_TRIGGERS, "Explanation"],
  ],
  [
    "repro",
    {
      OtherCrashReports: [],
      ReproOpts: "{}",
      ReproSyz: "r0 = open(0x0)",
      Reproduced: true,
      ReproducedCrashReport: "BUG: x",
      SyzkallerCommit: "c",
    },
    "Reproduced",
    true,
    "reproduced",
    ["Reproduced", "ReproSyz", "ReproOpts", "SyzkallerCommit", "ReproducedCrashReport", "OtherCrashReports"],
  ],
  [
    "repro-c",
    {
      EquivalenceAnalysis: "",
      OtherCrashReports: ["BUG: y"],
      ReproC: "",
      Reproduced: false,
      ReproducedBugTitle: "",
      ReproducedCrashReport: "",
    },
    "Reproduced",
    false,
    "not reproduced",
    ["Reproduced", "ReproC", "ReproducedBugTitle", "ReproducedCrashReport", "OtherCrashReports", "EquivalenceAnalysis"],
  ],
  [
    "patching",
    PATCHING,
    "PatchDiff",
    true,
    "patch produced",
    [
      "PatchDiff",
      "PatchDescription",
      "KernelRepo",
      "KernelBranch",
      "KernelCommit",
      "Recipients",
      "Fixes",
      "ReviewedBy",
      "AckedBy",
      "TestedBy",
      "ReportedBy",
      "SuggestedBy",
    ],
  ],
  [
    "patch-iteration",
    { ...PATCHING, PatchDiff: "", NewChangeLog: "v2: x", Replies: [{ ReplyTo: "<m@x>", Quote: "q", Text: "t" }] },
    "PatchDiff",
    false,
    "no patch",
    [
      "PatchDiff",
      "PatchDescription",
      "NewChangeLog",
      "KernelRepo",
      "KernelBranch",
      "KernelCommit",
      "Recipients",
      "Fixes",
      "ReviewedBy",
      "AckedBy",
      "TestedBy",
      "ReportedBy",
      "SuggestedBy",
      "Replies",
    ],
  ],
];

describe("each upstream workflow", () => {
  it("lists the eight workflow types of pkg/aflow/ai/ai.go", () => {
    expect(WORKFLOWS.map((w) => w.type).sort()).toEqual([
      "assessment-kcsan",
      "assessment-security",
      "moderation",
      "patch-iteration",
      "patch-triage",
      "patching",
      "repro",
      "repro-c",
    ]);
    expect(CASES.map((c) => c[0]).sort()).toEqual(WORKFLOWS.map((w) => w.type).sort());
  });

  it.each(CASES)("%s: main verdict, wording and field order", (workflow, results, field, value, text, order) => {
    expect(mainVerdict(workflow, results)).toMatchObject({ field, value, text });
    expect(verdictOf(workflow, results)).toBe(value);
    const { fields, missing } = resultFields(workflow, results);
    expect(fields.map((f) => f.spec.name)).toEqual(order);
    expect(missing).toEqual([]);
    // Every output has a declared kind: nothing of an upstream workflow is shown by guess.
    for (const f of fields) expect(Object.hasOwn(FIELDS, f.spec.name), f.spec.name).toBe(true);
  });

  it.each(CASES)("%s: no verdict when the flow failed (Results nil) or the main field is missing", (workflow, results, field) => {
    expect(mainVerdict(workflow, null)).toBeNull();
    expect(mainVerdict(workflow, undefined)).toBeNull();
    const partial = { ...results };
    delete partial[field];
    expect(verdictOf(workflow, partial)).toBeNull();
    expect(resultFields(workflow, partial).missing).toEqual([field]);
  });

  it("does not take the alphabetically first boolean: NeedsKMSAN, DenialOfService and Benign come before the main field", () => {
    expect(verdictOf("patch-triage", { NeedsKMSAN: true, WorthFuzzing: false })).toBe(false);
    expect(verdictOf("assessment-security", { DenialOfService: true, Exploitable: false })).toBe(false);
  });

  it("words a yes on Exploitable as bad news, a yes elsewhere as good, a no as neutral", () => {
    expect(mainVerdict("assessment-security", { Exploitable: true })?.tone).toBe("bad");
    expect(mainVerdict("repro", { Reproduced: true })?.tone).toBe("good");
    expect(mainVerdict("repro", { Reproduced: false })?.tone).toBe("neutral");
  });

  it("reads patching's verdict from PatchDiff: text is a patch, an empty or blank diff none, another type no verdict", () => {
    expect(verdictOf("patching", { PatchDiff: DIFF })).toBe(true);
    expect(verdictOf("patching", { PatchDiff: " \n" })).toBe(false);
    expect(verdictOf("patching", { PatchDiff: null })).toBeNull();
    expect(verdictOf("patching", { PatchDiff: 1 })).toBeNull();
  });

  it("shows the kinds of fields: code, diffs, folded reports, recipients, tags", () => {
    const kind = (n: string) => fieldSpec(n, undefined);
    expect(kind("ReproSyz")).toMatchObject({ kind: "code", lang: "syz" });
    expect(kind("ReproC")).toMatchObject({ kind: "code", lang: "c" });
    expect(kind("PatchDiff").kind).toBe("diff");
    expect(kind("CrashReport").kind).toBe("folded");
    expect(kind("KernelConfig").kind).toBe("folded");
    expect(kind("OtherCrashReports").kind).toBe("folded-list");
    expect(kind("Recipients").kind).toBe("recipients");
    expect(kind("ReviewedBy")).toMatchObject({ kind: "tags", tag: "Reviewed-by" });
    expect(kind("EnableConfigs").kind).toBe("configs");
  });
});

describe("workflow names and unknown workflows", () => {
  it("finds a workflow by its type, its name, or aflow's <type>-<name>, the longest type first", () => {
    expect(workflowSpec("patch-triage")?.type).toBe("patch-triage");
    expect(workflowSpec("patch-triage-nightly")?.type).toBe("patch-triage");
    expect(workflowSpec("repro-c-fast")?.type).toBe("repro-c");
    expect(workflowSpec("repro-fast")?.type).toBe("repro");
    expect(workflowSpec("my-flow", "moderation")?.type).toBe("moderation");
    expect(workflowSpec("patchingx")).toBeNull();
  });

  it("gives an unknown workflow no main verdict and its own fields alphabetically, typed by value", () => {
    const r = { Zeta: true, Alpha: "x", Long: "a\nb", List: ["a"], Obj: { a: 1 } };
    expect(mainVerdict("custom-flow", r)).toBeNull();
    // A boolean named like a verdict is one (inferred, issue 25 point 3); Zeta is not named like one.
    expect(verdictOf("custom-flow", { WorthFuzzing: true })).toBe(true);
    expect(resultFields("custom-flow", r).fields.map((f) => [f.spec.name, f.spec.kind])).toEqual([
      ["Alpha", "line"],
      ["List", "list"],
      ["Long", "folded"],
      ["Obj", "json"],
      ["Zeta", "bool"],
    ]);
    expect(resultFields("custom-flow", r).missing).toEqual([]);
  });

  it("reads job-page display items as results, and no results from a printed-text marker", () => {
    expect(resultsObject([{ Name: "Benign", IsBool: true, Value: true }])).toEqual({ Benign: true });
    expect(resultsObject([{ Key: "TargetOS", Value: "linux", Large: false }])).toEqual({ TargetOS: "linux" });
    expect(resultsObject({ $printed: "map[a b]" })).toBeNull();
    expect(verdictOf("assessment-kcsan", [{ Name: "Benign", IsBool: true, Value: true }])).toBe(true);
  });

  it("orders inputs as the workflow reads them, unknown args last alphabetically", () => {
    const args = {
      KernelConfig: "CONFIG_X=y",
      ZArg: 1,
      ReproSyzID: 7,
      BugTitle: "t",
      CrashReport: "BUG",
      TargetArch: "amd64",
      TargetOS: "linux",
    };
    expect(inputFields("moderation", args).map((f) => f.spec.name)).toEqual([
      "BugTitle",
      "CrashReport",
      "TargetOS",
      "TargetArch",
      "KernelConfig",
      "ReproSyzID",
      "ZArg",
    ]);
  });
});

describe("what a verdict reads (verdictInput, a large done's Results decoded off the main thread)", () => {
  it("gives every workflow the same verdict as the whole Results, for yes, no, blank and missing values", () => {
    const variants = (r: Record<string, unknown>) => [
      r,
      ...Object.keys(r).flatMap((k) => [
        { ...r, [k]: true },
        { ...r, [k]: false },
        { ...r, [k]: "  \n" },
        { ...r, [k]: "text" },
        { ...r, [k]: [1] },
        { ...r, [k]: {} },
        { ...r, [k]: null },
      ]),
      { ...r, NewField: true, WorthFuzzing: false },
    ];
    let checked = 0;
    for (const [workflow, results] of CASES)
      for (const spec of [...WORKFLOWS, { type: "unknown-workflow" }])
        for (const r of variants(results)) {
          expect([spec.type, workflow, verdictOf(spec.type, verdictInput(r))]).toEqual([spec.type, workflow, verdictOf(spec.type, r)]);
          checked++;
        }
    expect(checked).toBeGreaterThan(1000);
    expect(verdictInput({ Files: ["a".repeat(1000)], PatchDiff: DIFF, Ok: true, N: 3 })).toEqual({
      Files: [],
      PatchDiff: "x",
      Ok: true,
      N: 3,
    });
  });
});
