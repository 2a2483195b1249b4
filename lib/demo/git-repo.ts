// Creates small kernel-like git checkouts whose HEAD commit is a patch, so demo reruns and agent tests triage a real tree.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { defaultDataDir } from "@/lib/db/embedded-postgres";
import { baseTree, patchedFile, type DemoPatch } from "./kernel-tree";

/**
 * Where `npm start` makes the demo checkouts: `demo-kernel` next to the database's data folder (.data/demo-kernel),
 * outliving throwaway databases; also the built-in agent's default kernel root.
 */
export function demoKernelRoot(dataDir: string = defaultDataDir()): string {
  return path.join(path.dirname(dataDir), "demo-kernel");
}

/** One patch per demo triage run (lib/demo/runs.ts), each in its own checkout named after the subsystem. */
export const DEMO_PATCHES: DemoPatch[] = [
  { subsystem: "ext4", file: "fs/ext4/file.c", subject: "ext4: fix unaligned DIO write zeroing" },
  { subsystem: "docs", file: "Documentation/filesystems/ext4.rst", subject: "docs: fix typo in documentation" },
  { subsystem: "net", file: "net/ipv4/tcp.c", subject: "net: handle zero-length skb in tcp_recvmsg" },
  { subsystem: "md", file: "drivers/md/md-bitmap.c", subject: "md: use kvmalloc for large bitmaps" },
  { subsystem: "io_uring", file: "io_uring/sqpoll.c", subject: "io_uring: rework io_uring SQPOLL wakeups" },
  { subsystem: "dax", file: "fs/dax.c", subject: "dax: add NOWAIT support to DAX writes" },
];

// Fixed identity and dates make the commits, and so `git show HEAD`, the same on every machine.
const GIT_ENV = {
  GIT_AUTHOR_NAME: "Demo Author",
  GIT_AUTHOR_EMAIL: "demo@example.org",
  GIT_COMMITTER_NAME: "Demo Author",
  GIT_COMMITTER_EMAIL: "demo@example.org",
  GIT_AUTHOR_DATE: "2026-01-05T10:00:00Z",
  GIT_COMMITTER_DATE: "2026-01-05T10:00:00Z",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

function git(dir: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, ...GIT_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
}

/** Makes a checkout at dir (which must not exist): the base tree, then the patch as the HEAD commit. */
export function createKernelRepo(dir: string, patch: DemoPatch): string {
  mkdirSync(dir, { recursive: true });
  git(dir, ["init", "-q", "-b", "master"]);
  const files = baseTree();
  writeTree(dir, files);
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", "Demo kernel tree"]);
  writeTree(dir, { [patch.file]: patchedFile(files[patch.file]!, patch.file) });
  git(dir, ["commit", "-q", "-a", "-m", `${patch.subject}\n\nSigned-off-by: Demo Author <demo@example.org>`], {
    GIT_AUTHOR_DATE: "2026-01-06T09:30:00Z",
    GIT_COMMITTER_DATE: "2026-01-06T09:30:00Z",
  });
  return dir;
}

/** Creates the demo checkouts that are missing (idempotent, safe when two processes race) and returns their root. */
export function ensureDemoKernels(root: string): string {
  for (const patch of DEMO_PATCHES) {
    const dir = path.join(root, patch.subsystem);
    if (existsSync(path.join(dir, ".git"))) continue;
    // Built aside and renamed into place, so nobody ever sees a half-made checkout.
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    createKernelRepo(tmp, patch);
    // A leftover without .git (an interrupted older attempt) is replaced.
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(path.join(dir, ".git"))) throw e;
    }
  }
  return root;
}

/** `git show HEAD` of a checkout: the PatchDiff a triage run records. */
export function patchDiffOf(dir: string): string {
  return git(dir, ["show", "--no-color", "HEAD"]);
}
