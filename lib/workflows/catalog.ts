// The upstream workflows, one entry each: their main verdict and how to word it, and the order of their outputs and
// inputs. Every page, list, chart and API that speaks of a verdict reads it from here.
// Sources: pkg/aflow/ai/ai.go (workflow types and output structs, field order of the structs), the input structs of
// pkg/aflow/flow/* and dashboard/app/ai.go bugJobCreate (args the dashboard sends for a bug job).

/** The one yes/no a workflow answers, and how people say it. */
export interface MainVerdictSpec {
  /** the Results field it is read from */
  field: string;
  /** the answer in words, when the value is true and when false ("worth fuzzing", "not worth fuzzing") */
  yes: string;
  no: string;
  /** how the value is read; default: the field when it is a boolean, else no verdict */
  read?: (results: Record<string, unknown>) => boolean | null;
  /** whether a yes is good news (green), bad news (red: exploitable) */
  yesMeans: "good" | "bad";
}

export interface WorkflowSpec {
  /** the upstream workflow type (pkg/aflow/ai/ai.go) */
  type: string;
  /** what the workflow does, for tooltips */
  summary: string;
  main: MainVerdictSpec;
  /** output fields in the order a reader wants them, the main field first */
  outputs: string[];
  /** input fields in reading order; args not listed follow alphabetically */
  inputs: string[];
  /** where the description comes from when not upstream's merged code: an upstream pull request, a JSON file */
  source?: string;
  /** inputs a run of it cannot start without (a rerun lacking one fails at once) */
  required?: string[];
}

/** A patch was produced: PatchDiff holds text. Failed runs have no Results at all, so no verdict. */
function patchProduced(results: Record<string, unknown>): boolean | null {
  const diff = results.PatchDiff;
  if (diff === undefined || diff === null) return null;
  return typeof diff === "string" ? diff.trim() !== "" : null;
}

const PATCH_OUTPUTS = [
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
];

// What the dashboard sends for a bug job besides each flow's own inputs (ai.go bugJobCreate).
const BUG_ARGS = ["BugTitle", "CrashReport", "CrashLog", "KernelRepo", "KernelCommit", "KernelConfig", "SyzkallerCommit"];
const TARGET = ["TargetOS", "TargetArch"];
const REPRO_ARGS = ["ReproSyz", "ReproC", "ReproOpts"];
const ENVIRONMENT = ["AgentName", "Syzkaller", "Image", "Type", "VM", "StraceBin"];
const BASE = ["BaseRepository", "BaseBranch", "BaseCommit"];

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

export const WORKFLOWS: readonly WorkflowSpec[] = [
  {
    type: "patch-triage",
    summary: "Decides whether a kernel patch is worth fuzzing, and how",
    main: { field: "WorthFuzzing", yes: "worth fuzzing", no: "not worth fuzzing", yesMeans: "good" },
    outputs: ["WorthFuzzing", "NeedsKMSAN", "FocusSymbols", "EnableConfigs", "Reasoning", "KMSANReasoning"],
    inputs: ["KernelSrc", "TargetArch"],
    // The triage reads the patch from the kernel checkout KernelSrc names (pkg/aflow/flow/patchtriage, lib/triage-agent).
    required: ["KernelSrc"],
  },
  {
    type: "moderation",
    summary: "Decides whether a crash report is actionable",
    main: { field: "Actionable", yes: "actionable", no: "not actionable", yesMeans: "good" },
    outputs: ["Actionable", "Explanation"],
    inputs: ["BugTitle", "CrashReport", ...TARGET, "KernelRepo", "KernelCommit", "KernelConfig"],
  },
  {
    type: "assessment-kcsan",
    summary: "Decides whether a KCSAN data race is benign",
    main: { field: "Benign", yes: "benign", no: "not benign", yesMeans: "good" },
    outputs: ["Benign", "Explanation"],
    inputs: ["BugTitle", "CrashReport", ...TARGET, "KernelRepo", "KernelCommit", "KernelConfig"],
  },
  {
    type: "assessment-security",
    summary: "Assesses whether a bug is exploitable and how it can be triggered",
    main: { field: "Exploitable", yes: "exploitable", no: "not exploitable", yesMeans: "bad" },
    outputs: ["Exploitable", ...SECURITY_TRIGGERS, "Explanation"],
    inputs: ["BugTitle", "CrashReport", "ReproSyz", "ReproC", ...TARGET, "KernelRepo", "KernelCommit", "KernelConfig"],
  },
  {
    type: "repro",
    summary: "Writes a syzkaller program that reproduces a crash",
    main: { field: "Reproduced", yes: "reproduced", no: "not reproduced", yesMeans: "good" },
    outputs: ["Reproduced", "ReproSyz", "ReproOpts", "SyzkallerCommit", "ReproducedCrashReport", "OtherCrashReports"],
    inputs: [...BUG_ARGS, ...TARGET, ...ENVIRONMENT],
  },
  {
    type: "repro-c",
    summary: "Writes a C program that reproduces a bug from its description",
    main: { field: "Reproduced", yes: "reproduced", no: "not reproduced", yesMeans: "good" },
    outputs: ["Reproduced", "ReproC", "ReproducedBugTitle", "ReproducedCrashReport", "OtherCrashReports", "EquivalenceAnalysis"],
    inputs: ["BugDescription", ...BUG_ARGS, ...TARGET, ...ENVIRONMENT],
  },
  {
    type: "patching",
    summary: "Writes a patch that fixes a bug",
    main: { field: "PatchDiff", yes: "patch produced", no: "no patch", read: patchProduced, yesMeans: "good" },
    outputs: PATCH_OUTPUTS,
    inputs: [...BUG_ARGS, ...REPRO_ARGS, ...TARGET, ...BASE, ...ENVIRONMENT],
  },
  {
    type: "patch-iteration",
    summary: "Writes the next version of a patch after review comments",
    main: { field: "PatchDiff", yes: "patch produced", no: "no patch", read: patchProduced, yesMeans: "good" },
    outputs: [PATCH_OUTPUTS[0]!, PATCH_OUTPUTS[1]!, "NewChangeLog", ...PATCH_OUTPUTS.slice(2), "Replies"],
    inputs: [
      "BugTitle",
      "CrashReport",
      "PatchHistory",
      "ReplyToComments",
      "BaseFixes",
      "BaseReviewedBy",
      "BaseAckedBy",
      "BaseTestedBy",
      "BaseReportedBy",
      "BaseSuggestedBy",
      ...REPRO_ARGS,
      "KernelConfig",
      ...TARGET,
      ...BASE,
      ...ENVIRONMENT,
    ],
  },
];

/**
 * Workflows of upstream pull requests not merged in the code this catalog was written from (google/syzkaller at
 * 1e72964, 2026-08-17), marked with their source: their names and fields as the pull requests and the issue that
 * collected them give them.
 */
export const PR_WORKFLOWS: readonly WorkflowSpec[] = [
  {
    type: "finding-triage",
    summary: "Decides whether a patch series introduced a fuzzing finding",
    main: { field: "Introduced", yes: "introduced by the series", no: "not introduced by the series", yesMeans: "bad" },
    outputs: ["Introduced", "Reasoning"],
    inputs: ["Patches", "CrashReport", "KernelSrc", ...TARGET],
    source: "upstream pull request google/syzkaller#7842 (pkg/aflow/flow/fuzzing: add finding-triage workflow)",
  },
  ...["seed-gen", "seed-gen-file-line"].map((type): WorkflowSpec => ({
    type,
    summary:
      type === "seed-gen"
        ? "Writes a syzkaller program (a seed) that reaches a target in the kernel"
        : "Writes a syzkaller program (a seed) that reaches a given file and line",
    main: { field: "Success", yes: "seed generated", no: "no seed", yesMeans: "good" },
    outputs: ["Success", "SeedSyz", "GiveUp", "Reason"],
    inputs: ["File", "Line", "KernelSrc", ...TARGET],
    source: "upstream pull request google/syzkaller#7819 (Add AI Seed Generation Workflow)",
  })),
];

const BY_TYPE = new Map([...WORKFLOWS, ...PR_WORKFLOWS].map((w) => [w.type, w]));

/** Workflow types known here (upstream's, its pull requests', and any registered), for menus and tests. */
export const WORKFLOW_TYPES: string[] = [...BY_TYPE.keys()];

/**
 * Adds or replaces workflow descriptions (a JSON file or the admin's, lib/workflows/extra.ts) for this process: on the
 * server before any verdict is read, in the browser before the pages that read them render (components/workflows/
 * RegisterWorkflows.tsx). A type already known is replaced by the later description.
 */
export function registerWorkflows(specs: readonly WorkflowSpec[]): void {
  for (const w of specs) {
    if (!BY_TYPE.has(w.type)) WORKFLOW_TYPES.push(w.type);
    BY_TYPE.set(w.type, w);
  }
}

/**
 * The workflow a job ran, or null for one this viewer does not know (it gets a generic card and no main verdict).
 * `type` is the job's workflow type when known (the agent protocol's AIWorkflow.Type); else the name decides:
 * aflow.Register names a flow after its type, or "<type>-<name>" (pkg/aflow/flow.go), so the longest type the
 * name equals or starts with followed by "-" wins ("repro-c-x" is repro-c, not repro).
 */
export function workflowSpec(workflow: string | null | undefined, type?: string | null): WorkflowSpec | null {
  if (type && BY_TYPE.has(type)) return BY_TYPE.get(type)!;
  if (!workflow) return null;
  const exact = BY_TYPE.get(workflow);
  if (exact) return exact;
  let best: WorkflowSpec | null = null;
  for (const w of BY_TYPE.values()) {
    if (workflow.startsWith(`${w.type}-`) && (!best || w.type.length > best.type.length)) best = w;
  }
  return best;
}

/**
 * The required inputs (WorkflowSpec.required) a run's Args lack: absent, null or an empty string. [] for workflows
 * that name none, and for Args that are not an object only when nothing is required.
 */
export function missingInputs(workflow: string, type: string | null | undefined, args: unknown): string[] {
  const required = workflowSpec(workflow, type)?.required ?? [];
  const given = args !== null && typeof args === "object" && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  return required.filter((k) => given[k] === undefined || given[k] === null || given[k] === "");
}
