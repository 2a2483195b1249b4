// The demo history a newcomer sees on first start: several workflows, verdicts both ways, failures, a running run.
import type { ImportedRun } from "@/lib/trajectory/span";
import { TrajectoryBuilder } from "@/lib/demo/trajectory-builder";
import path from "node:path";
import { patchTriageRun, type TriageScenario } from "@/lib/demo/patch-triage";
import { patchDiffOf } from "@/lib/demo/git-repo";

const HOUR = 3_600_000;

function moderationRun(start: Date, actionable: boolean, title: string): ImportedRun {
  const b = new TrajectoryBuilder(start);
  const results = { Actionable: actionable, Explanation: actionable ? "The report has a reproducer and a clear stack trace in ext4." : "The crash is in an out-of-tree module; nothing to act on upstream." };
  b.group("flow", "moderation", { Args: { BugTitle: title } }, () => {
    b.leaf("action", "fetch-report", 300, { Args: { BugTitle: title }, Results: { Report: `BUG: ${title}\nCall Trace:\n <TASK>\n dump_stack_lvl+0x10/0x20\n </TASK>` } });
    b.group("agent", "moderator", { Model: "best-cheap", Instruction: "Decide whether this crash report is actionable.", Prompt: title }, () => {
      b.leaf("llm", "moderator", 2400, { Model: "gemini-3.6-flash", InputTokens: 2100, OutputTokens: 60, OutputThoughtsTokens: 120 });
      b.leaf("tool", "set-results", 3, { Args: results, Results: results });
      return { Reply: results.Explanation };
    });
    return { Results: results };
  });
  return { job: { Workflow: "moderation", Description: title, Args: { BugTitle: title }, AgentName: "syz-agent-demo" }, spans: b.spans, source: "demo", minutePrecision: false };
}

function reproductionRun(start: Date): ImportedRun {
  const b = new TrajectoryBuilder(start);
  const results = { ReproFound: false, ReproSyz: "", Notes: "Tried 3 candidate programs; none triggered the crash within 10 minutes." };
  b.group("flow", "repro", { Args: { BugTitle: "KASAN: use-after-free Read in ext4_xattr_get" } }, () => {
    b.group("loop", "candidates", {}, () => {
      for (let i = 0; i < 3; i++) {
        b.group("iteration", `candidate-${i}`, {}, () => {
          b.group("agent", "repro-writer", { Model: "best-expensive", Prompt: "Write a syz program that reproduces the crash." }, () => {
            b.leaf("llm", "repro-writer", 8000, { Model: "gemini-3.1-pro-preview", InputTokens: 9000 + i * 1500, OutputTokens: 400, OutputThoughtsTokens: 900 });
            b.leaf("tool", "run-repro", 200_000, { Args: { Program: `r0 = openat$ext4(0x0, &(0x7f0000000000)='./file${i}\\x00', 0x42, 0x0)` }, Error: "no crash within 200s" });
            b.leaf("custom-check", "sanity", 20, { Results: { Ok: true } });
          });
        });
      }
    });
    return { Results: results };
  });
  return { job: { Workflow: "repro", Description: "KASAN: use-after-free Read in ext4_xattr_get", Args: { BugTitle: "KASAN: use-after-free Read in ext4_xattr_get" } }, spans: b.spans, source: "demo", minutePrecision: false };
}

/**
 * Demo runs dated relative to `now`, so the history always looks recent. With kernelRoot (the demo checkouts of
 * lib/demo/git-repo.ts) the triage runs point at real checkouts and record their real patch, so Rerun can run them.
 */
export function demoRuns(now = new Date(), kernelRoot?: string): ImportedRun[] {
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
  const triage = (s: TriageScenario) => {
    if (!kernelRoot) return patchTriageRun(s);
    const kernelSrc = path.join(kernelRoot, s.subsystem);
    return patchTriageRun({ ...s, kernelSrc, patchDiff: patchDiffOf(kernelSrc) });
  };
  return [
    triage({
      seed: 1, start: at(30), description: "fix unaligned DIO write zeroing", subsystem: "ext4",
      files: ["fs/ext4/file.c", "fs/ext4/inode.c"], symbols: ["ext4_dio_needs_zeroing", "ext4_dio_write_checks", "ext4_iomap_alloc"],
      configs: ["EXT4_FS", "FS_DAX"], worthFuzzing: true, needsKmsan: true, steps: 7,
    }),
    triage({
      seed: 2, start: at(26), description: "fix typo in documentation", subsystem: "docs",
      files: ["Documentation/filesystems/ext4.rst"], symbols: [], configs: [], worthFuzzing: false, needsKmsan: false, steps: 2,
    }),
    triage({
      seed: 3, start: at(20), description: "handle zero-length skb in tcp_recvmsg", subsystem: "net",
      files: ["net/ipv4/tcp.c"], symbols: ["tcp_recvmsg_locked", "tcp_recvmsg"], configs: ["INET", "IPV6"],
      worthFuzzing: true, needsKmsan: false, steps: 9, toolErrorSteps: [1, 4], model: "gemini-3.6-flash",
    }),
    triage({
      seed: 4, start: at(14), description: "use kvmalloc for large bitmaps", subsystem: "md",
      files: ["drivers/md/md-bitmap.c"], symbols: ["md_bitmap_create"], configs: ["MD"], worthFuzzing: true, needsKmsan: false, steps: 3,
      failWith: "LLM call failed: 429 RESOURCE_EXHAUSTED (quota exceeded for gemini-3.1-pro-preview)",
    }),
    triage({
      seed: 5, start: at(6), description: "rework io_uring SQPOLL wakeups", subsystem: "io_uring",
      files: ["io_uring/sqpoll.c", "io_uring/io_uring.c"],
      symbols: ["io_sq_thread", "io_sqpoll_wait_sq", "io_uring_enter", "__io_sq_thread", "io_sq_thread_park"],
      configs: ["IO_URING"], worthFuzzing: true, needsKmsan: true, steps: 140, toolErrorSteps: [12, 57, 98],
    }),
    moderationRun(at(5), true, "KASAN: slab-out-of-bounds Write in ext4_insert_range"),
    moderationRun(at(4), false, "general protection fault in out_of_tree_driver_ioctl"),
    reproductionRun(at(3)),
    triage({
      seed: 6, start: at(0.05), description: "add NOWAIT support to DAX writes", subsystem: "dax",
      files: ["fs/dax.c"], symbols: ["dax_iomap_rw"], configs: ["FS_DAX"], worthFuzzing: true, needsKmsan: false, steps: 4, running: true,
    }),
  ];
}
