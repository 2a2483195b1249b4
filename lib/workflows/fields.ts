// What each upstream input and output field is, by its name: the same name means the same thing in every workflow
// (a CrashReport is always a crash report, ReproSyz always a syzkaller program), so kinds are written once here.
// Sources: pkg/aflow/ai/ai.go (outputs, FixesTag, Recipient, CommentReply, PatchHistoryEntry) and the input structs of
// pkg/aflow/flow/{patching,assessment,repro,reproc,fuzzing}; dashboard/app/ai.go (args the dashboard adds).

/** How a field's value is shown. */
export type FieldKind =
  /** a yes/no */
  | "bool"
  /** prose, wrapped */
  | "text"
  /** one short value: a repository, a commit, a title */
  | "line"
  /** source code, highlighted (see `lang`) */
  | "code"
  /** a unified diff */
  | "diff"
  /** long machine text folded after a few lines: crash reports, logs, kernel configs */
  | "folded"
  /** short strings as chips (symbols) */
  | "list"
  /** kernel config names without CONFIG_, as chips and copyable as .config lines */
  | "configs"
  /** several long texts, each folded (other crash reports) */
  | "folded-list"
  /** e-mail recipients [{Name, Email, To}] as To: and Cc: lines */
  | "recipients"
  /** a Fixes: tag {Hash, Title, AuthorName, AuthorEmail} */
  | "fixes"
  /** "Name <email>" values of one e-mail tag (Reviewed-by, …) */
  | "tags"
  /** replies to review comments [{ReplyTo, Quote, Text}] */
  | "replies"
  /** earlier versions of a patch [{Version, Diff, Description, ChangeLog, Comments}] */
  | "patch-history"
  /** anything else, as JSON */
  | "json";

export type CodeLanguage = "syz" | "c" | "json";

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** for kind "code" */
  lang?: CodeLanguage;
  /** for kind "tags": the e-mail tag the values go under (Reviewed-by) */
  tag?: string;
  /** one line on what the field means, shown as a tooltip */
  hint?: string;
}

const f = (name: string, kind: FieldKind, more: Omit<FieldSpec, "name" | "kind"> = {}): FieldSpec => ({ name, kind, ...more });

/** Every field name the upstream workflows use, inputs and outputs. */
export const FIELDS: Record<string, FieldSpec> = Object.fromEntries(
  [
    // patch-triage
    f("WorthFuzzing", "bool", { hint: "whether fuzzing the patched code can find bugs" }),
    f("NeedsKMSAN", "bool", { hint: "whether a KMSAN kernel is needed to find the bugs the patch may add" }),
    f("FocusSymbols", "list", { hint: "kernel functions fuzzing should focus on" }),
    f("EnableConfigs", "configs", { hint: "kernel configs the fuzzed kernel needs" }),
    f("Reasoning", "text"),
    f("KMSANReasoning", "text"),
    f("KernelSrc", "line", { hint: "the kernel checkout the agent triaged" }),
    // moderation, assessment-kcsan
    f("Actionable", "bool", { hint: "whether the crash report is worth reporting upstream" }),
    f("Benign", "bool", { hint: "whether the data race is benign" }),
    f("Explanation", "text"),
    // assessment-security
    f("Exploitable", "bool", { hint: "whether the bug is likely exploitable" }),
    f("DenialOfService", "bool", { hint: "the bug can be used to crash or hang the machine" }),
    f("Unprivileged", "bool", { hint: "an unprivileged user can trigger it" }),
    f("UserNamespace", "bool", { hint: "triggering it needs a user namespace" }),
    f("VMGuestTrigger", "bool", { hint: "a VM guest can trigger it in the host" }),
    f("VMHostTrigger", "bool", { hint: "a VM host can trigger it in the guest" }),
    f("NetworkTrigger", "bool", { hint: "network traffic can trigger it" }),
    f("RemoteTrigger", "bool", { hint: "a remote machine can trigger it" }),
    f("PeripheralTrigger", "bool", { hint: "a USB or other peripheral device can trigger it" }),
    f("FilesystemTrigger", "bool", { hint: "mounting a crafted filesystem image can trigger it" }),
    // repro, repro-c
    f("Reproduced", "bool", { hint: "whether the program reproduced the crash" }),
    f("ReproSyz", "code", { lang: "syz", hint: "syzkaller program" }),
    f("ReproC", "code", { lang: "c", hint: "C reproducer" }),
    f("ReproOpts", "code", { lang: "json", hint: "options the program runs with" }),
    f("SyzkallerCommit", "line"),
    f("ReproducedCrashReport", "folded"),
    f("ReproducedBugTitle", "line"),
    f("OtherCrashReports", "folded-list", { hint: "other crashes the program triggered" }),
    f("EquivalenceAnalysis", "text", { hint: "why the reproduced crash is the same bug" }),
    // patching, patch-iteration
    f("PatchDescription", "text"),
    f("PatchDiff", "diff"),
    f("NewChangeLog", "text", { hint: "what changed since the previous version" }),
    f("KernelRepo", "line"),
    f("KernelBranch", "line"),
    f("KernelCommit", "line"),
    f("Recipients", "recipients"),
    f("Fixes", "fixes"),
    f("ReviewedBy", "tags", { tag: "Reviewed-by" }),
    f("AckedBy", "tags", { tag: "Acked-by" }),
    f("TestedBy", "tags", { tag: "Tested-by" }),
    f("ReportedBy", "tags", { tag: "Reported-by" }),
    f("SuggestedBy", "tags", { tag: "Suggested-by" }),
    f("Replies", "replies"),
    // inputs
    f("BugTitle", "line"),
    f("BugDescription", "folded"),
    f("CrashReport", "folded"),
    f("CrashLog", "folded"),
    f("KernelConfig", "folded"),
    f("TargetOS", "line"),
    f("TargetArch", "line"),
    f("AgentName", "line"),
    f("Syzkaller", "line"),
    f("Image", "line"),
    f("Type", "line"),
    f("VM", "json"),
    f("StraceBin", "line"),
    f("BaseRepository", "line"),
    f("BaseBranch", "line"),
    f("BaseCommit", "line", { hint: "a commit hash, HEAD or RC" }),
    f("PatchHistory", "patch-history"),
    f("ReplyToComments", "bool"),
    f("BaseFixes", "fixes"),
    f("BaseReviewedBy", "tags", { tag: "Reviewed-by" }),
    f("BaseAckedBy", "tags", { tag: "Acked-by" }),
    f("BaseTestedBy", "tags", { tag: "Tested-by" }),
    f("BaseReportedBy", "tags", { tag: "Reported-by" }),
    f("BaseSuggestedBy", "tags", { tag: "Suggested-by" }),
    // finding-triage, seed-gen (upstream pull requests #7842, #7819)
    f("Introduced", "bool", { hint: "whether the patch series introduced the finding" }),
    f("Patches", "folded-list", { hint: "the patches of the series" }),
    f("Success", "bool", { hint: "whether a seed reaching the target was written" }),
    f("GiveUp", "bool", { hint: "the agent gave up" }),
    f("Reason", "text"),
    f("SeedSyz", "code", { lang: "syz", hint: "the seed: a syzkaller program" }),
  ].map((s) => [s.name, s]),
);

/** Adds or replaces field descriptions (a workflow file's, lib/workflows/extra.ts) for this process. */
export function registerFields(specs: readonly FieldSpec[]): void {
  for (const spec of specs) FIELDS[spec.name] = spec;
}

/** Text longer than this or with a line break is folded when nothing says what the field is. */
const LONG_TEXT = 200;

/** A unified diff: a git header, or file headers followed by a hunk. */
const DIFF = /^(diff --git |--- \S.*\n\+\+\+ \S.*\n@@ )/m;
/** C: an include or a function definition with a body. */
const C_CODE = /^(#include\s*[<"]|(?:static\s+)?(?:int|void|long|char)\s+\w+\([^)\n]*\)\s*\{)/m;
/** A syzkaller program: calls like `r0 = socket$inet(0x2, …)` or `mmap(&(0x7f0000000000/0x1000)=nil, …)`, one a line. */
const SYZ_CALL = /^(?:r\d+ = )?[a-z_][\w]*(?:\$\w+)?\(.*\)$/;

/**
 * What a string of an unknown field is by its looks: a diff, C or a syzkaller program (every non-empty line a call),
 * or null for prose. Only multi-line text is read as code: one line could be anything.
 */
export function codeKind(text: string): Pick<FieldSpec, "kind" | "lang"> | null {
  if (!text.includes("\n")) return null;
  if (DIFF.test(text)) return { kind: "diff" };
  if (C_CODE.test(text)) return { kind: "code", lang: "c" };
  const lines = text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
  if (lines.length >= 2 && lines.every((l) => SYZ_CALL.test(l.trim()))) return { kind: "code", lang: "syz" };
  return null;
}

/**
 * The spec of a field: its own when known, else one guessed from the value — strings that look like a diff, C or a
 * syzkaller program as code (codeKind), other long text folded.
 */
export function fieldSpec(name: string, value: unknown): FieldSpec {
  const known = Object.hasOwn(FIELDS, name) ? FIELDS[name] : undefined;
  if (known) return known;
  if (typeof value === "boolean") return { name, kind: "bool" };
  if (typeof value === "string") {
    const code = codeKind(value);
    if (code) return { name, ...code };
    return { name, kind: value.length > LONG_TEXT || value.includes("\n") ? "folded" : "line" };
  }
  if (Array.isArray(value) && value.every((x) => typeof x === "string" && x.length <= LONG_TEXT && !x.includes("\n")))
    return { name, kind: "list" };
  return { name, kind: "json" };
}
