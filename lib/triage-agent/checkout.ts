// One kernel checkout the agent opened (see ./confinement): git in it, and paths that cannot leave it.
import { realpath } from "node:fs/promises";
import path from "node:path";
import { runGit, type GitOptions, type GitResult, type ToolCaps } from "./git";
import { ToolError } from "./tool-error";

export class Checkout {
  constructor(
    /** the checkout's real path (symlinks followed), the top of its git work tree */
    readonly root: string,
    readonly caps: ToolCaps,
  ) {}

  /**
   * Runs git on this checkout with its repository and work tree named explicitly (no discovery, no core.worktree
   * from the checkout's config), under the caps of ./git's runGit.
   */
  git(args: string[], signal?: AbortSignal, options: Omit<GitOptions, "caps" | "signal"> = {}): Promise<GitResult> {
    const gitDir = path.join(this.root, ".git");
    return runGit(this.root, [`--git-dir=${gitDir}`, `--work-tree=${this.root}`, ...args], { ...options, caps: this.caps, signal });
  }

  /** A path inside the checkout; see insideCheckout. */
  inside(rel: string): Promise<string> {
    return insideCheckout(this.root, rel);
  }
}

/** True when `p` is `dir` or lies under it (both absolute and normalized). */
export function within(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/**
 * The real path of `rel` inside the checkout at `root` (a real path). Refused, as a ToolError naming `rel`: absolute
 * paths, paths that do not exist, paths whose real path (`..` and symlinks followed) leaves the checkout, and git
 * metadata (any `.git` on the way, a submodule's included).
 */
export async function insideCheckout(root: string, rel: string): Promise<string> {
  if (path.isAbsolute(rel)) throw new ToolError(`${rel}: give a path relative to the kernel tree`);
  const real = await realpath(path.resolve(root, rel)).catch(() => null);
  if (!real) throw new ToolError(`${rel || "."} does not exist in the kernel tree`);
  if (!within(real, root)) throw new ToolError(`${rel} is outside the kernel tree`);
  if (path.relative(root, real).split(path.sep).includes(".git")) throw new ToolError(`${rel} is git metadata, not source`);
  return real;
}
