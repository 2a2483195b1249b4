// Demo runs of the upstream bug workflows (moderation, assessment-kcsan, assessment-security, repro, repro-c,
// patching, patch-iteration), shaped like their flows in pkg/aflow/flow/* with the real input and output fields of
// pkg/aflow/ai/ai.go, so a newcomer sees every workflow's verdict card and inputs.
import type { ImportedRun, Span } from "@/lib/trajectory/span";
import { TrajectoryBuilder, prng } from "@/lib/demo/trajectory-builder";
import * as S from "@/lib/demo/samples";

type Fields = Omit<Span, "Seq" | "Nesting" | "Type" | "Name" | "Started" | "Finished">;

/** One tool call of an agent: its name, args, and results or error. */
interface ToolStep {
  tool: string;
  args: Record<string, unknown>;
  results?: Record<string, unknown>;
  error?: string;
}

const MODEL = "gemini-3.1-pro-preview";
const BUG_LINK = "/bug?id=5c1e0f7a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e";

/** The kernel set-up every bug workflow starts with (kernel.Checkout, kernel.Build, codesearcher.PrepareIndex). */
function kernelSetup(b: TrajectoryBuilder, config = S.KERNEL_CONFIG): void {
  b.leaf("action", "kernel-checkout", 42_000, {
    Results: { KernelSrc: "/syzagent/checkouts/linux-8198375843", KernelCommit: S.KERNEL_COMMIT },
  });
  b.leaf("action", "kernel-build", 610_000, {
    Args: { KernelConfig: config },
    Results: { KernelObj: "/syzagent/builds/8198375843/obj", Image: "/syzagent/builds/8198375843/bzImage" },
  });
  b.leaf("action", "codesearch-prepare-index", 95_000, { Results: { CodesearchIndex: "/syzagent/index/8198375843" } });
}

/** An LLM agent: llm/tool turns, then set-results with its outputs (pkg/aflow/llm_agent.go). */
function agent(
  b: TrajectoryBuilder,
  rnd: () => number,
  name: string,
  prompt: string,
  steps: ToolStep[],
  outputs: Record<string, unknown>,
  reply: string,
): void {
  b.group(
    "agent",
    name,
    { Model: "best-expensive", Instruction: `You are an experienced Linux kernel developer (${name}).`, Prompt: prompt },
    () => {
      let tokens = 6000 + Math.round(rnd() * 2000);
      for (const step of steps) {
        b.leaf("llm", name, 3000 + rnd() * 9000, {
          Model: MODEL,
          Thoughts: `**Looking at ${step.tool}**\n\nI need more context before deciding.`,
          InputTokens: tokens,
          OutputTokens: 40 + Math.round(rnd() * 80),
          OutputThoughtsTokens: 200 + Math.round(rnd() * 600),
        });
        tokens += 900 + Math.round(rnd() * 2500);
        const fields: Fields = { Args: step.args };
        if (step.error) fields.Error = step.error;
        else fields.Results = step.results ?? {};
        b.leaf("tool", step.tool, 80 + rnd() * 1500, fields);
      }
      b.leaf("llm", name, 4000 + rnd() * 6000, {
        Model: MODEL,
        Thoughts: "**Deciding**\n\nI have what I need.",
        InputTokens: tokens,
        OutputTokens: 300 + Math.round(rnd() * 300),
        OutputThoughtsTokens: 400 + Math.round(rnd() * 400),
      });
      b.leaf("tool", "set-results", 5, { Args: outputs, Results: outputs });
      return { Reply: reply, Results: outputs };
    },
  );
}

const CODE_STEPS: ToolStep[] = [
  {
    tool: "codesearch-definition-source",
    args: { Name: "ext4_xattr_inode_get", SourceFile: "fs/ext4/xattr.c", IncludeLines: true },
    results: {
      SourceFile: "fs/ext4/xattr.c",
      SourceCode:
        "static int ext4_xattr_inode_get(struct inode *inode, struct ext4_xattr_entry *entry,\n\t\t\t\tvoid *buffer, size_t size)\n{\n\t...",
    },
  },
  {
    tool: "grepper",
    args: { Expression: "iput(ea_inode)" },
    results: { Output: "fs/ext4/xattr.c:521:\tiput(ea_inode);\nfs/ext4/xattr.c:1518:\t\tiput(ea_inode);" },
  },
  {
    tool: "codesearch-find-references",
    args: { Name: "ext4_xattr_inode_get" },
    results: { References: [{ File: "fs/ext4/xattr.c", Line: 680 }] },
  },
];

interface BugRun {
  workflow: string;
  start: Date;
  seed: number;
  description: string;
  args: Record<string, unknown>;
  body: (b: TrajectoryBuilder, rnd: () => number) => Record<string, unknown> | { error: string };
  externalBugId?: string;
}

function bugRun(r: BugRun): ImportedRun {
  const rnd = prng(r.seed);
  const b = new TrajectoryBuilder(r.start);
  let error: string | undefined;
  b.group("flow", r.workflow, {}, () => {
    const out = r.body(b, rnd);
    if ("error" in out && typeof out.error === "string") {
      error = out.error;
      return { Error: error };
    }
    return { Results: out };
  });
  return {
    job: {
      Workflow: r.workflow,
      Type: r.workflow,
      Description: r.description,
      Link: BUG_LINK,
      Args: r.args,
      Error: error,
      AgentName: "syz-agent-demo",
      CodeRevision: S.SYZKALLER_COMMIT,
      ExternalBugID: r.externalBugId,
    },
    spans: b.spans,
    source: "demo",
    minutePrecision: false,
  };
}

const TARGET = { TargetOS: "linux", TargetArch: "amd64" };
const KERNEL = { KernelRepo: S.KERNEL_REPO, KernelCommit: S.KERNEL_COMMIT, KernelConfig: S.KERNEL_CONFIG };
const ENVIRONMENT = {
  AgentName: "syz-agent-demo",
  Syzkaller: "/syzagent/syzkaller",
  Image: "/syzagent/images/bullseye.img",
  Type: "qemu",
  VM: { count: 1, cpu: 2, mem: 4096 },
  StraceBin: "/usr/bin/strace",
};

export function moderationRun(start: Date, actionable: boolean, title: string): ImportedRun {
  const explanation = actionable
    ? "The report is consistent: the stack shows a use-after-free of an ext4 EA inode freed by RCU while getxattr(2) reads it. It is reproducible and points at fs/ext4/xattr.c:522; actionable."
    : "The crash happens inside an out-of-tree module (out_of_tree_driver) that upstream does not ship; nothing to act on upstream.";
  return bugRun({
    workflow: "moderation",
    start,
    seed: actionable ? 11 : 12,
    description: title,
    // The not-actionable run's report is of the crash its title names, in an out-of-tree module.
    args: { BugTitle: title, CrashReport: actionable ? S.CRASH_REPORT : S.OUT_OF_TREE_CRASH_REPORT, ...TARGET, ...KERNEL },
    body: (b, rnd) => {
      kernelSetup(b);
      const report = actionable ? S.CRASH_REPORT : S.OUT_OF_TREE_CRASH_REPORT;
      agent(b, rnd, "expert", `The bug report is:\n\n${report}`, CODE_STEPS.slice(0, 2), { Actionable: actionable }, explanation);
      const results = { Actionable: actionable, Explanation: explanation };
      b.leaf("action", "format-explanation", 2, { Results: { Explanation: explanation } });
      return results;
    },
  });
}

export function kcsanRun(start: Date, benign: boolean): ImportedRun {
  const explanation = benign
    ? "The racy read of mapping->nrpages in filemap_get_pages() is only a hint for readahead; a stale value costs at most one extra lookup. Benign; it should use READ_ONCE() to document that."
    : "The reader uses the value to size a copy without the lock; a torn value can overrun the buffer. Not benign.";
  return bugRun({
    workflow: "assessment-kcsan",
    start,
    seed: benign ? 21 : 22,
    description: S.KCSAN_TITLE,
    args: { BugTitle: S.KCSAN_TITLE, CrashReport: S.KCSAN_REPORT, ...TARGET, ...KERNEL },
    body: (b, rnd) => {
      kernelSetup(b);
      agent(
        b,
        rnd,
        "expert",
        `The KCSAN report is:\n\n${S.KCSAN_REPORT}`,
        [
          {
            tool: "codesearch-definition-source",
            args: { Name: "filemap_get_pages", SourceFile: "mm/filemap.c", IncludeLines: false },
            results: { SourceFile: "mm/filemap.c", SourceCode: "static int filemap_get_pages(struct kiocb *iocb, size_t count, ...)" },
          },
        ],
        { Benign: benign },
        explanation,
      );
      b.leaf("action", "format-explanation", 2, { Results: { Explanation: explanation } });
      return { Benign: benign, Explanation: explanation };
    },
  });
}

export function securityRun(start: Date): ImportedRun {
  const outputs = {
    Exploitable: true,
    DenialOfService: true,
    Unprivileged: true,
    UserNamespace: false,
    VMGuestTrigger: false,
    VMHostTrigger: false,
    NetworkTrigger: false,
    RemoteTrigger: false,
    PeripheralTrigger: false,
    FilesystemTrigger: true,
  };
  const explanation =
    "A use-after-free read of a freed ext4 inode reachable by any local user with a writable ext4 mount (getxattr races unlink). The freed slab can be reclaimed with attacker-controlled data, so the read leaks or redirects kernel pointers: likely exploitable. A crafted filesystem image widens the race.";
  return bugRun({
    workflow: "assessment-security",
    start,
    seed: 31,
    description: S.BUG_TITLE,
    externalBugId: "b/381234567",
    args: { BugTitle: S.BUG_TITLE, CrashReport: S.CRASH_REPORT, ReproSyz: S.REPRO_SYZ, ReproC: S.REPRO_C, ...TARGET, ...KERNEL },
    body: (b, rnd) => {
      b.leaf("action", "create-simplified-c-repro", 1200, { Args: { ReproSyz: S.REPRO_SYZ }, Results: { SimplifiedCRepro: S.REPRO_C } });
      kernelSetup(b);
      agent(b, rnd, "expert", `The kernel bug report is:\n\n${S.CRASH_REPORT}`, CODE_STEPS, outputs, explanation);
      b.leaf("action", "format-explanation", 2, { Results: { Explanation: explanation } });
      return { Explanation: explanation, ...outputs };
    },
  });
}

export function reproRun(start: Date, reproduced: boolean): ImportedRun {
  return bugRun({
    workflow: "repro",
    start,
    seed: reproduced ? 41 : 42,
    description: S.BUG_TITLE,
    args: { BugTitle: S.BUG_TITLE, CrashReport: S.CRASH_REPORT, ...TARGET, ...KERNEL, ...ENVIRONMENT },
    body: (b, rnd) => {
      kernelSetup(b);
      b.leaf("action", "prepare-syz-fs", 3000, { Results: { SyzFS: "/syzagent/syzfs" } });
      const steps: ToolStep[] = [
        {
          tool: "read-syz-spec",
          args: { Name: "setxattr$trusted_overlay_upper" },
          results: {
            Spec: 'setxattr$trusted_overlay_upper(path ptr[in, filename], name ptr[in, string["trusted.overlay.upper"]], val ptr[in, ovl_fh], size len[val], flags flags[setxattr_flags])',
          },
        },
        { tool: "reproduce", args: { ReproSyz: S.REPRO_SYZ.split("\n").slice(0, 3).join("\n") }, error: "no crash within 300s" },
        {
          tool: "reproduce",
          args: { ReproSyz: S.REPRO_SYZ },
          results: reproduced ? { ReproducedBugTitle: S.BUG_TITLE } : { ReproducedBugTitle: "" },
        },
      ];
      agent(
        b,
        rnd,
        "crash-repro-finder",
        `Reproduce this crash:\n\n${S.CRASH_REPORT}`,
        steps,
        { Sandbox: "none", ReproSyz: S.REPRO_SYZ },
        "The program races unlink with getxattr on an EA inode.",
      );
      b.leaf("action", "generate-repro-opts", 2, { Results: { ReproOpts: S.REPRO_OPTS } });
      const other =
        "BUG: KASAN: slab-use-after-free in ext4_xattr_set_entry+0x1a7/0x2c0 fs/ext4/xattr.c:1710\nRead of size 4 at addr ffff88802a4c3f00 by task syz-executor.1/5140\nCall Trace:\n <TASK>\n ext4_xattr_set_entry+0x1a7/0x2c0 fs/ext4/xattr.c:1710\n </TASK>";
      b.leaf("action", "crash-reproduce", 310_000, {
        Results: {
          ReproducedBugTitle: reproduced ? S.BUG_TITLE : "",
          ReproducedCrashReport: reproduced ? S.CRASH_REPORT : "",
          ReproducedFaultInjection: "",
        },
      });
      b.leaf("action", "compare", 1, {
        Args: { BugTitle: S.BUG_TITLE, ReproducedBugTitle: reproduced ? S.BUG_TITLE : "" },
        Results: { Reproduced: reproduced },
      });
      return {
        ReproSyz: reproduced ? S.REPRO_SYZ : "",
        ReproOpts: reproduced ? S.REPRO_OPTS : "",
        SyzkallerCommit: S.SYZKALLER_COMMIT,
        Reproduced: reproduced,
        ReproducedCrashReport: reproduced ? S.CRASH_REPORT : "",
        OtherCrashReports: reproduced ? [] : [other],
      };
    },
  });
}

export function reproCRun(start: Date): ImportedRun {
  return bugRun({
    workflow: "repro-c",
    start,
    seed: 51,
    description: S.BUG_TITLE,
    args: { BugDescription: `${S.BUG_TITLE}\n\n${S.CRASH_REPORT}`, BugTitle: S.BUG_TITLE, ...TARGET, ...KERNEL, ...ENVIRONMENT },
    body: (b, rnd) => {
      kernelSetup(b);
      agent(
        b,
        rnd,
        "initial-researcher",
        `Bug:\n${S.BUG_TITLE}`,
        CODE_STEPS.slice(0, 1),
        {},
        "Race unlink(2) against getxattr(2) on a file with an EA inode.",
      );
      b.group("loop", "", {}, () => {
        b.group("iteration", "0", {}, () => {
          agent(
            b,
            rnd,
            "repro-generator",
            "Write a C program that reproduces the bug.",
            [{ tool: "compile-repro-c", args: { ReproC: S.REPRO_C }, results: { CompilerError: "" } }],
            { ReproC: S.REPRO_C },
            "Done.",
          );
          b.leaf("action", "crash-reproduce", 120_000, {
            Results: { ReproducedBugTitle: S.BUG_TITLE, ReproducedCrashReport: S.CRASH_REPORT },
          });
          return { Results: { ContinueSignal: false } };
        });
      });
      return {
        ReproC: S.REPRO_C,
        Reproduced: true,
        ReproducedBugTitle: S.BUG_TITLE,
        ReproducedCrashReport: S.CRASH_REPORT,
        OtherCrashReports: [],
        EquivalenceAnalysis:
          "The reproduced crash has the same title and the same faulting access (8-byte read in ext4_xattr_inode_get freed by ext4_free_in_core_inode): the same bug.",
      };
    },
  });
}

const PATCH_ARGS = {
  BugTitle: S.BUG_TITLE,
  CrashReport: S.CRASH_REPORT,
  CrashLog:
    "[  112.384521] syz-executor.3: getxattr ./file0\n[  112.391020] ==================================================================",
  ...KERNEL,
  SyzkallerCommit: S.SYZKALLER_COMMIT,
  ReproSyz: S.REPRO_SYZ,
  ReproC: "",
  ReproOpts: S.REPRO_OPTS,
  ...TARGET,
  BaseRepository: S.KERNEL_REPO,
  BaseBranch: "master",
  BaseCommit: "RC",
  ...ENVIRONMENT,
};

function patchOutputs(diff: string) {
  return {
    KernelRepo: S.KERNEL_REPO,
    KernelBranch: "master",
    KernelCommit: S.KERNEL_COMMIT,
    PatchDescription: S.PATCH_DESCRIPTION,
    PatchDiff: diff,
    Recipients: S.RECIPIENTS,
    Fixes: S.FIXES,
    ReviewedBy: [] as string[],
    AckedBy: [] as string[],
    TestedBy: [] as string[],
    ReportedBy: [S.REPORTED_BY],
    SuggestedBy: [] as string[],
  };
}

export function patchingRun(start: Date, failWith?: string): ImportedRun {
  return bugRun({
    workflow: "patching",
    start,
    seed: failWith ? 62 : 61,
    description: S.BUG_TITLE,
    args: PATCH_ARGS,
    body: (b, rnd) => {
      b.leaf("action", "base-commit-picker", 900, { Results: { KernelCommit: S.KERNEL_COMMIT } });
      kernelSetup(b);
      b.leaf("action", "crash-reproduce", 240_000, { Results: { ReproducedBugTitle: S.BUG_TITLE, ReproducedCrashReport: S.CRASH_REPORT } });
      agent(
        b,
        rnd,
        "debugger",
        `Debug this crash:\n\n${S.CRASH_REPORT}`,
        CODE_STEPS,
        {},
        "ext4_xattr_inode_get() drops its reference on the EA inode before reading it.",
      );
      if (failWith) return { error: failWith };
      agent(
        b,
        rnd,
        "patch-generator",
        "Write a patch that fixes the root cause.",
        [{ tool: "apply-patch", args: { Diff: S.PATCH_DIFF }, results: { Applied: true } }],
        { PatchDiff: S.PATCH_DIFF },
        "Patch written.",
      );
      agent(
        b,
        rnd,
        "fixes-finder",
        "Find the commit that introduced the bug.",
        [
          {
            tool: "git-log",
            args: { Path: "fs/ext4/xattr.c", Grep: "ea_inode" },
            results: { Log: `${S.FIXES.Hash.slice(0, 12)} ${S.FIXES.Title}` },
          },
        ],
        { Fixes: [S.FIXES.Hash] },
        "Found it.",
      );
      b.leaf("action", "get-maintainers", 1500, { Results: { Recipients: S.RECIPIENTS } });
      agent(b, rnd, "description-generator", "Describe the patch for the mailing list.", [], {}, S.PATCH_DESCRIPTION);
      return patchOutputs(S.PATCH_DIFF);
    },
  });
}

export function patchIterationRun(start: Date): ImportedRun {
  const v1 = {
    Version: 1,
    Diff: S.PATCH_DIFF,
    Description: S.PATCH_DESCRIPTION,
    ChangeLog: "",
    Comments: [
      {
        ExtID: "<20261101.1234@mit.edu>",
        Author: "Theodore Ts'o <tytso@mit.edu>",
        Body: "> +\terr = ext4_xattr_inode_read(ea_inode, buffer, size);\n\nThis also needs the i_rwsem held; please take it around the read.",
        Timestamp: "2026-11-01T12:34:00Z",
        BotReply: false,
        New: true,
      },
    ],
  };
  const diff2 = S.PATCH_DIFF.replace(
    "+\terr = ext4_xattr_inode_read(ea_inode, buffer, size);",
    "+\tinode_lock_shared(ea_inode);\n+\terr = ext4_xattr_inode_read(ea_inode, buffer, size);\n+\tinode_unlock_shared(ea_inode);",
  ).replace("@@ -515,18 +515,20 @@", "@@ -515,18 +515,22 @@");
  return bugRun({
    workflow: "patch-iteration",
    start,
    seed: 71,
    description: `[PATCH v2] ext4: hold the inode reference across ext4_xattr_inode_get()`,
    args: { ...PATCH_ARGS, PatchHistory: [v1], ReplyToComments: true, BaseFixes: S.FIXES, BaseReportedBy: [S.REPORTED_BY] },
    body: (b, rnd) => {
      b.leaf("action", "base-commit-picker", 900, { Results: { KernelCommit: S.KERNEL_COMMIT } });
      kernelSetup(b);
      b.leaf("action", "extract-new-comments", 3, { Results: { NewComments: v1.Comments } });
      agent(
        b,
        rnd,
        "verdict-agent",
        "Decide whether the review comments need a new patch version.",
        [],
        { NeedNewVersion: true, CodeItems: ["take i_rwsem around the read"] },
        "A new version is needed.",
      );
      b.leaf("action", "If", 1, { Args: { Cond: true } });
      agent(
        b,
        rnd,
        "patch-generator",
        "Apply the review comments to the patch.",
        [{ tool: "apply-patch", args: { Diff: diff2 }, results: { Applied: true } }],
        { PatchDiff: diff2 },
        "Patch updated.",
      );
      agent(
        b,
        rnd,
        "changelog-generator",
        "Write the changelog of v2.",
        [],
        { NewChangeLog: "v2: take i_rwsem around the EA inode read (Ted)" },
        "Changelog written.",
      );
      return {
        ...patchOutputs(diff2),
        ReviewedBy: [],
        SuggestedBy: ["Theodore Ts'o <tytso@mit.edu>"],
        NewChangeLog: "v2: take i_rwsem around the EA inode read (Ted)",
        Replies: [
          {
            ReplyTo: "<20261101.1234@mit.edu>",
            Quote: "This also needs the i_rwsem held; please take it around the read.",
            Text: "Thanks, done in v2: the read now runs under inode_lock_shared().",
          },
        ],
      };
    },
  });
}
