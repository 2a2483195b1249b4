// Which kernel checkouts the agent opens: the top of a git work tree under one of its kernel roots (AGENT_KERNEL_ROOTS),
// its repository inside it, and never the app's own folder or the database's data folder, whatever the roots say.
// A job's KernelSrc comes from whoever queued or imported the run, so it is checked like any untrusted path.
import { lstat, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { Checkout, within } from "./checkout";
import { runGit, type ToolCaps } from "./git";
import { ToolError } from "./tool-error";

export interface CheckoutPolicy {
  /** absolute folders checkouts may lie under; their real paths are taken per job, so a root made later counts */
  roots: string[];
  /** the database's data folder (TRAJECTORY_DATA_DIR, else .data/postgres) */
  dataDir: string;
  /** the app's own folder (its project root) */
  appDir: string;
  caps: ToolCaps;
}

interface Forbidden {
  path: string;
  what: string;
  /** folders inside it are refused too (the data folder), not only it and the folders that hold it */
  insideToo: boolean;
}

const realOr = (p: string) => realpath(p).catch(() => path.resolve(p));

/** The app's folder, its git work trees and the data folder, as real paths; and the app's git repository, if any. */
async function forbiddenPlaces(policy: CheckoutPolicy): Promise<{ places: Forbidden[]; appGitDir: string | null }> {
  const appDir = await realOr(policy.appDir);
  const places: Forbidden[] = [
    { path: appDir, what: "the app's own folder", insideToo: false },
    { path: await realOr(policy.dataDir), what: "the database's data folder", insideToo: true },
  ];
  let appGitDir: string | null = null;
  const g = await runGit(appDir, ["rev-parse", "--show-toplevel", "--git-common-dir"], { caps: policy.caps }).catch(() => null);
  if (g?.code === 0) {
    const [top, common] = g.stdout.trim().split("\n");
    appGitDir = await realOr(path.resolve(appDir, common!));
    places.push({ path: await realOr(top!), what: "the app's own git work tree", insideToo: false });
    // A linked worktree's repository lives in the main work tree's .git.
    if (path.basename(appGitDir) === ".git")
      places.push({ path: path.dirname(appGitDir), what: "the app's own git work tree", insideToo: false });
  }
  return { places, appGitDir };
}

/**
 * Opens the job's KernelSrc as a Checkout, or throws a ToolError naming the path and the kernel roots: not an absolute
 * path; outside every root (symlinks followed, of the roots too); the app's own folder or one holding it; the data
 * folder, inside it or holding it; not a directory; not the top of its git work tree (a folder inside one, a
 * core.worktree elsewhere); a `.git` that is a symlink or a `gitdir:` file (a linked worktree or submodule whose
 * repository is elsewhere); a checkout of the app's own repository. A missing path under a root "does not exist";
 * outside the roots it is only "outside", so jobs cannot probe what exists on the agent's machine.
 */
export async function openCheckout(kernelSrc: unknown, policy: CheckoutPolicy, signal?: AbortSignal): Promise<Checkout> {
  if (typeof kernelSrc !== "string" || kernelSrc === "") throw new ToolError("the job has no KernelSrc (the kernel checkout to triage)");
  const rootsText = `AGENT_KERNEL_ROOTS=${policy.roots.join(path.delimiter)}`;
  const refuse = (why: string) => new ToolError(`kernel checkout ${kernelSrc} ${why} (the agent's kernel roots: ${rootsText})`);
  if (!path.isAbsolute(kernelSrc)) throw refuse("is not an absolute path");
  const wanted = path.resolve(kernelSrc);
  const roots = await Promise.all(policy.roots.map((r) => realpath(r).catch(() => null)));
  const real = await realpath(wanted).catch(() => null);
  if (!real) {
    if (policy.roots.some((r, i) => within(wanted, path.resolve(r)) || (roots[i] && within(wanted, roots[i])))) {
      throw new ToolError(`kernel checkout ${wanted} does not exist`);
    }
    throw refuse("is outside the agent's kernel roots");
  }
  const shown = real === wanted ? "" : ` (${real} with symlinks followed)`;
  if (!roots.some((r) => r && within(real, r))) throw refuse(`${shown ? `${shown.trim()} ` : ""}is outside the agent's kernel roots`);

  const { places, appGitDir } = await forbiddenPlaces(policy);
  for (const f of places) {
    const relation = real === f.path ? "is" : within(f.path, real) ? "holds" : f.insideToo && within(real, f.path) ? "lies inside" : null;
    if (relation)
      throw refuse(`${shown ? `${shown.trim()} ` : ""}${relation} ${f.what} ${f.path}; the agent never opens it, whatever its roots allow`);
  }

  if (!(await stat(real)).isDirectory()) throw refuse("is not a directory");
  const dotGit = path.join(real, ".git");
  const info = await lstat(dotGit).catch(() => null);
  if (!info) throw refuse("is not the top of a git work tree (it has no .git)");
  if (info.isSymbolicLink()) throw refuse(`has a .git that is a symlink (to ${await realOr(dotGit)}); its repository must lie inside it`);
  if (info.isFile()) {
    const target =
      (await readFile(dotGit, "utf8").catch(() => ""))
        .split("\n")
        .find((l) => l.startsWith("gitdir:"))
        ?.slice("gitdir:".length)
        .trim() || "?";
    throw refuse(
      `has a .git file pointing at ${target} (a linked worktree or submodule whose repository lies elsewhere); give the main checkout`,
    );
  }
  if (!info.isDirectory()) throw refuse("has a .git that is not a directory");

  const r = await runGit(real, ["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"], { caps: policy.caps, signal });
  if (r.code !== 0) throw refuse(`is not a git checkout: ${r.stderr.trim().slice(0, 300)}`);
  const [top, gitDir, common] = r.stdout.trim().split("\n");
  const [realTop, realGitDir, realCommon] = await Promise.all([top!, gitDir!, path.resolve(real, common!)].map(realOr));
  if (realTop !== real)
    throw refuse(`is not the top of its git work tree: git says the top is ${realTop} (a folder inside a work tree, or core.worktree)`);
  if (realGitDir !== dotGit || realCommon !== dotGit)
    throw refuse(`has its repository at ${realCommon === dotGit ? realGitDir : realCommon}, not in its own .git`);
  if (appGitDir && realCommon === appGitDir) throw refuse("is a checkout of the app's own repository; the agent never opens it");
  return new Checkout(real, policy.caps);
}
