// Which KernelSrc the agent opens: only the top of a git work tree under its kernel roots, never the app or its data.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createKernelRepo, DEMO_PATCHES } from "@/lib/demo/git-repo";
import { APP_DIR } from "@/lib/triage-agent/config";
import { openCheckout } from "@/lib/triage-agent/confinement";
import { grepper } from "@/lib/triage-agent/tools";
import { policy, tempKernel } from "./repo";

// <parent>/kernel          a checkout, but the roots are <parent>/roots
// <parent>/roots/…          the agent's one kernel root
// <parent>/roots/pgdata     the "database's data folder" of these tests (a git repo too, so only the rule refuses it)
let t: ReturnType<typeof tempKernel>;
let roots: string;
let inRoot: string;
let dataDir: string;
const rootsText = () => `(the agent's kernel roots: AGENT_KERNEL_ROOTS=${roots})`;
const open = (src: unknown, over = {}) => openCheckout(src, policy([roots], { dataDir, ...over }));

function git(dir: string, ...args: string[]) {
  return execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });
}

beforeAll(() => {
  t = tempKernel();
  roots = path.join(t.parent, "roots");
  inRoot = createKernelRepo(path.join(roots, "linux"), DEMO_PATCHES[2]!);
  dataDir = path.join(roots, "pgdata");
  mkdirSync(dataDir);
  git(dataDir, "init", "-q");
  writeFileSync(path.join(dataDir, "PG_VERSION"), "17\n");
});
afterAll(() => t.remove());

test("a checkout at the top of a work tree under a root opens, at its real path", async () => {
  expect((await open(inRoot)).root).toBe(inRoot);
});

describe("refused, naming the path and the roots", () => {
  test("no KernelSrc, a relative one, and a missing one", async () => {
    await expect(open(undefined)).rejects.toThrow("the job has no KernelSrc");
    await expect(open("roots/linux")).rejects.toThrow(`kernel checkout roots/linux is not an absolute path ${rootsText()}`);
    await expect(open(path.join(roots, "nope"))).rejects.toThrow(`kernel checkout ${path.join(roots, "nope")} does not exist`);
    // Outside the roots, a missing path reads like any other: jobs cannot probe what exists on the agent's machine.
    await expect(open("/no/such/kernel")).rejects.toThrow(
      `kernel checkout /no/such/kernel is outside the agent's kernel roots ${rootsText()}`,
    );
  });

  test("a checkout outside the roots", async () => {
    await expect(open(t.root)).rejects.toThrow(`kernel checkout ${t.root} is outside the agent's kernel roots ${rootsText()}`);
    await expect(open("/")).rejects.toThrow(`kernel checkout / is outside the agent's kernel roots ${rootsText()}`);
  });

  test("the app's own folder, and a folder holding it, even when a root contains them", async () => {
    const wide = policy(["/"], { dataDir });
    await expect(openCheckout(APP_DIR, wide)).rejects.toThrow(
      `kernel checkout ${APP_DIR} is the app's own folder ${APP_DIR}; the agent never opens it, whatever its roots allow (the agent's kernel roots: AGENT_KERNEL_ROOTS=/)`,
    );
    const above = path.dirname(APP_DIR);
    await expect(openCheckout(above, wide)).rejects.toThrow(`kernel checkout ${above} holds the app's own folder ${APP_DIR}`);
  });

  test("the database's data folder, a folder inside it, and a checkout holding it", async () => {
    await expect(open(dataDir)).rejects.toThrow(
      `kernel checkout ${dataDir} is the database's data folder ${dataDir}; the agent never opens it, whatever its roots allow ${rootsText()}`,
    );
    const inside = path.join(dataDir, "base");
    mkdirSync(inside);
    git(inside, "init", "-q");
    await expect(open(inside)).rejects.toThrow(`kernel checkout ${inside} lies inside the database's data folder ${dataDir}`);
    await expect(open(inRoot, { dataDir: path.join(inRoot, "drivers", "pg") })).rejects.toThrow(
      `kernel checkout ${inRoot} holds the database's data folder ${path.join(inRoot, "drivers", "pg")}`,
    );
  });

  test("a symlink root or KernelSrc that leads into a forbidden place or out of the roots", async () => {
    // A root that is a symlink counts by its real path: here the folder above the app.
    const linkRoot = path.join(t.parent, "apps-link");
    symlinkSync(path.dirname(APP_DIR), linkRoot);
    const viaLink = path.join(linkRoot, path.basename(APP_DIR));
    await expect(openCheckout(viaLink, policy([linkRoot], { dataDir }))).rejects.toThrow(
      `kernel checkout ${viaLink} (${APP_DIR} with symlinks followed) is the app's own folder ${APP_DIR}`,
    );
    const toData = path.join(roots, "innocent");
    symlinkSync(dataDir, toData);
    await expect(open(toData)).rejects.toThrow(
      `kernel checkout ${toData} (${dataDir} with symlinks followed) is the database's data folder`,
    );
    const toOutside = path.join(roots, "elsewhere");
    symlinkSync(t.root, toOutside);
    await expect(open(toOutside)).rejects.toThrow(
      `kernel checkout ${toOutside} (${t.root} with symlinks followed) is outside the agent's kernel roots ${rootsText()}`,
    );
    // …and a symlinked root that leads to the checkouts works like the folder itself.
    const linkToRoots = path.join(t.parent, "roots-link");
    symlinkSync(roots, linkToRoots);
    expect((await openCheckout(path.join(linkToRoots, "linux"), policy([linkToRoots], { dataDir }))).root).toBe(inRoot);
  });

  test("a folder inside a work tree", async () => {
    const sub = path.join(inRoot, "fs");
    await expect(open(sub)).rejects.toThrow(`kernel checkout ${sub} is not the top of a git work tree (it has no .git) ${rootsText()}`);
    // An empty .git there does not make it one: git finds the tree above.
    mkdirSync(path.join(inRoot, "net", ".git"));
    await expect(open(path.join(inRoot, "net"))).rejects.toThrow(`is not the top of its git work tree: git says the top is ${inRoot}`);
  });

  test("a .git file redirecting to a repository elsewhere (a linked worktree), and a .git symlink", async () => {
    const redirect = path.join(roots, "redirect");
    mkdirSync(redirect);
    writeFileSync(path.join(redirect, ".git"), `gitdir: ${path.join(t.root, ".git")}\n`);
    await expect(open(redirect)).rejects.toThrow(
      `kernel checkout ${redirect} has a .git file pointing at ${path.join(t.root, ".git")} (a linked worktree or submodule whose repository lies elsewhere); give the main checkout ${rootsText()}`,
    );
    const linked = path.join(roots, "linked");
    mkdirSync(linked);
    symlinkSync(path.join(t.root, ".git"), path.join(linked, ".git"));
    await expect(open(linked)).rejects.toThrow(`kernel checkout ${linked} has a .git that is a symlink (to ${path.join(t.root, ".git")})`);
  });

  test("core.worktree naming a tree elsewhere", async () => {
    const moved = createKernelRepo(path.join(roots, "moved"), DEMO_PATCHES[1]!);
    git(moved, "config", "core.worktree", t.root);
    await expect(open(moved)).rejects.toThrow(
      `kernel checkout ${moved} is not the top of its git work tree: git says the top is ${t.root}`,
    );
  });
});

describe("the checkout's own git config and the agent's GIT_* environment change nothing", () => {
  test("fsmonitor, pager, external diff, textconv and signature programs never run; GIT_DIR does not redirect", async () => {
    const evil = createKernelRepo(path.join(roots, "evil"), DEMO_PATCHES[0]!);
    const marker = path.join(t.parent, "pwned");
    const run = `sh -c 'echo ran >> ${marker}'`;
    for (const [k, v] of [
      ["core.fsmonitor", run],
      ["core.pager", run],
      ["diff.external", run],
      ["diff.evil.textconv", run],
      ["diff.evil.command", run],
      ["gpg.program", run],
      ["log.showSignature", "true"],
      ["core.hooksPath", t.parent],
    ]) {
      git(evil, "config", k!, v!);
    }
    writeFileSync(path.join(evil, ".git", "info", "attributes"), "* diff=evil\n");
    const previous = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(t.root, ".git");
    try {
      const co = await open(evil);
      const show = await co.git(["show", "--no-color", "--no-ext-diff", "--no-textconv", "HEAD"]);
      expect(show.code).toBe(0);
      expect(show.stdout).toContain("ext4: fix unaligned DIO write zeroing");
      expect(show.stdout).toContain("+\tif (unlikely(pos < 0))");
      expect((await grepper(co, { Expression: "ext4_dio_needs_zeroing", PathPrefix: "fs" })).Output).toMatch(/^fs\/ext4\/file\.c:/);
    } finally {
      if (previous === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = previous;
    }
    expect(existsSync(marker)).toBe(false);
    // The same checkout does run them for a plain git: the test's hostile config is real.
    git(evil, "show", "HEAD");
    expect(existsSync(marker)).toBe(true);
  });
});
