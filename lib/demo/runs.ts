// The demo history a newcomer sees on first start: all eight upstream workflows, verdicts both ways, failures, a
// running run.
import type { ImportedRun } from "@/lib/trajectory/span";
import path from "node:path";
import { kcsanRun, moderationRun, patchingRun, patchIterationRun, reproCRun, reproRun, securityRun } from "@/lib/demo/workflows";
import { patchTriageRun, type TriageScenario } from "@/lib/demo/patch-triage";
import { patchDiffOf } from "@/lib/demo/git-repo";
import { BUG_TITLE } from "@/lib/demo/samples";

const HOUR = 3_600_000;

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
      seed: 1,
      start: at(30),
      description: "fix unaligned DIO write zeroing",
      subsystem: "ext4",
      files: ["fs/ext4/file.c", "fs/ext4/inode.c"],
      symbols: ["ext4_dio_needs_zeroing", "ext4_dio_write_checks", "ext4_iomap_alloc"],
      configs: ["EXT4_FS", "FS_DAX"],
      worthFuzzing: true,
      needsKmsan: true,
      steps: 7,
    }),
    triage({
      seed: 2,
      start: at(26),
      description: "fix typo in documentation",
      subsystem: "docs",
      files: ["Documentation/filesystems/ext4.rst"],
      symbols: [],
      configs: [],
      worthFuzzing: false,
      needsKmsan: false,
      steps: 2,
    }),
    triage({
      seed: 3,
      start: at(20),
      description: "handle zero-length skb in tcp_recvmsg",
      subsystem: "net",
      files: ["net/ipv4/tcp.c"],
      symbols: ["tcp_recvmsg_locked", "tcp_recvmsg"],
      configs: ["INET", "IPV6"],
      worthFuzzing: true,
      needsKmsan: false,
      steps: 9,
      toolErrorSteps: [1, 4],
      model: "gemini-3.6-flash",
    }),
    triage({
      seed: 4,
      start: at(14),
      description: "use kvmalloc for large bitmaps",
      subsystem: "md",
      files: ["drivers/md/md-bitmap.c"],
      symbols: ["md_bitmap_create"],
      configs: ["MD"],
      worthFuzzing: true,
      needsKmsan: false,
      steps: 3,
      failWith: "LLM call failed: 429 RESOURCE_EXHAUSTED (quota exceeded for gemini-3.1-pro-preview)",
    }),
    triage({
      seed: 5,
      start: at(6),
      description: "rework io_uring SQPOLL wakeups",
      subsystem: "io_uring",
      files: ["io_uring/sqpoll.c", "io_uring/io_uring.c"],
      symbols: ["io_sq_thread", "io_sqpoll_wait_sq", "io_uring_enter", "__io_sq_thread", "io_sq_thread_park"],
      configs: ["IO_URING"],
      worthFuzzing: true,
      needsKmsan: true,
      steps: 140,
      toolErrorSteps: [12, 57, 98],
    }),
    moderationRun(at(5), true, BUG_TITLE),
    moderationRun(at(4), false, "general protection fault in out_of_tree_driver_ioctl"),
    reproRun(at(3.5), false),
    reproRun(at(3), true),
    reproCRun(at(2.8)),
    kcsanRun(at(2.6), true),
    securityRun(at(2.4)),
    patchingRun(at(2.2)),
    patchingRun(at(2.1), "patch-generator: workflow reached token limit (100000000)"),
    patchIterationRun(at(1.5)),
    triage({
      seed: 6,
      start: at(0.05),
      description: "add NOWAIT support to DAX writes",
      subsystem: "dax",
      files: ["fs/dax.c"],
      symbols: ["dax_iomap_rw"],
      configs: ["FS_DAX"],
      worthFuzzing: true,
      needsKmsan: false,
      steps: 4,
      running: true,
    }),
  ];
}
