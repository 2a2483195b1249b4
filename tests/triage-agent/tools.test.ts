// The code tools and set-results checks on a generated kernel checkout.
import { execFileSync } from "node:child_process";
import { mkdirSync, realpathSync, renameSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Checkout } from "@/lib/triage-agent/checkout";
import { openCheckout } from "@/lib/triage-agent/confinement";
import { checkKmsanVerdict, checkPatchVerdict, kconfigSymbols } from "@/lib/triage-agent/set-results";
import { ToolError } from "@/lib/triage-agent/tool-error";
import { dirIndex, grepper, readFileLines } from "@/lib/triage-agent/tools";
import { policy, tempKernel } from "./repo";

let kernel: ReturnType<typeof tempKernel>;
let root: Checkout;
beforeAll(async () => {
  kernel = tempKernel();
  root = await openCheckout(kernel.root, policy([kernel.parent]));
});
afterAll(() => kernel.remove());

describe("grepper", () => {
  test("finds definition and use under a path prefix, with line numbers", async () => {
    const r = await grepper(root, { Expression: "ext4_dio_write_checks", PathPrefix: "fs/ext4" });
    const lines = r.Output.split("\n");
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^fs\/ext4\/file\.c:\d+:static int ext4_dio_write_checks\(/);
  });
  test("no match is a tool error the model can read", async () => {
    await expect(grepper(root, { Expression: "no_such_symbol", PathPrefix: "fs" })).rejects.toThrow(
      new ToolError('no matches for "no_such_symbol" under fs'),
    );
  });
  test("a prefix outside the tree is refused", async () => {
    await expect(grepper(root, { Expression: "x", PathPrefix: "../.." })).rejects.toThrow("outside the kernel tree");
  });
  test("more matches than a call returns are cut, saying how many", async () => {
    const r = await grepper(root, { Expression: "e" });
    const lines = r.Output.split("\n");
    expect(lines).toHaveLength(201);
    expect(lines.at(-1)).toMatch(/^… \d+ more lines cut; narrow the search$/);
  });
});

describe("read-file", () => {
  test("returns exactly the asked line range", async () => {
    const r = await readFileLines(root, { File: "fs/ext4/Kconfig", FirstLine: 2, LastLine: 3 });
    expect(r).toEqual({ Contents: '\ttristate "The Extended 4 (ext4) filesystem"\n\thelp', FirstLine: 2, LastLine: 3, TotalLines: 4 });
  });
  test("past the end, missing files, .git and escaping symlinks are tool errors", async () => {
    await expect(readFileLines(root, { File: "fs/ext4/Kconfig", FirstLine: 50 })).rejects.toThrow("file fs/ext4/Kconfig has only 4 lines");
    await expect(readFileLines(root, { File: "fs/nope.c" })).rejects.toThrow("fs/nope.c does not exist in the kernel tree");
    await expect(readFileLines(root, { File: ".git/config" })).rejects.toThrow("git metadata");
    await expect(readFileLines(root, { File: "fs/../.git/HEAD" })).rejects.toThrow("git metadata");
    await expect(readFileLines(root, { File: "/etc/hostname" })).rejects.toThrow("give a path relative to the kernel tree");
    await expect(readFileLines(root, { File: "../../../../../../etc/hostname" })).rejects.toThrow("outside the kernel tree");
    symlinkSync("/etc", path.join(kernel.root, "etc-link"));
    await expect(readFileLines(root, { File: "etc-link/hostname" })).rejects.toThrow("outside the kernel tree");
    // A symlink inside the tree to the tree's own .git is still git metadata.
    symlinkSync(".git", path.join(kernel.root, "meta"));
    await expect(readFileLines(root, { File: "meta/config" })).rejects.toThrow("git metadata");
  });
  test("a submodule's .git inside the tree is git metadata too", async () => {
    mkdirSync(path.join(kernel.root, "sub", ".git"), { recursive: true });
    writeFileSync(path.join(kernel.root, "sub", ".git", "config"), "[core]\n");
    await expect(readFileLines(root, { File: "sub/.git/config" })).rejects.toThrow("git metadata");
    await expect(dirIndex(root, { Dir: "sub/.git" })).rejects.toThrow("git metadata");
    expect(await dirIndex(root, { Dir: "sub" })).toEqual({ Subdirs: [], Files: [] });
  });
  test("a huge file and a FIFO are refused, naming the size and the cap", async () => {
    // Sparse: 40 MB long, no disk used.
    writeFileSync(path.join(kernel.root, "huge.h"), "");
    truncateSync(path.join(kernel.root, "huge.h"), 40 * 1024 * 1024);
    await expect(readFileLines(root, { File: "huge.h" })).rejects.toThrow(
      "huge.h is 40 MB, more than read-file reads (32 MB); use grepper",
    );
    execFileSync("mkfifo", [path.join(kernel.root, "pipe")]);
    await expect(readFileLines(root, { File: "pipe" })).rejects.toThrow("pipe is not a regular file");
  });
});

describe("grepper confinement", () => {
  test("a tracked folder swapped for a symlink out of the tree: its matches are left out, saying so", async () => {
    const other = tempKernel();
    try {
      const co = await openCheckout(other.root, policy([other.parent]));
      const outside = path.join(other.parent, "outside", "ext4");
      mkdirSync(outside, { recursive: true });
      writeFileSync(path.join(outside, "file.c"), "int ext4_dio_write_checks_SECRET;\n");
      renameSync(path.join(other.root, "fs", "ext4"), path.join(other.parent, "ext4-moved"));
      symlinkSync(outside, path.join(other.root, "fs", "ext4"));
      const r = await grepper(co, { Expression: "ext4_dio_write_checks|dax_iomap_rw" });
      expect(r.Output).not.toContain("SECRET");
      expect(r.Output).toMatch(/^fs\/dax\.c:\d+:static int dax_iomap_rw\(/);
      expect(r.Output).toContain("matches in 1 file that lead outside the kernel tree were left out");
      await expect(grepper(co, { Expression: "SECRET" })).rejects.toThrow('no matches for "SECRET" inside the kernel tree');
    } finally {
      other.remove();
    }
  });
  test("pathspec magic in PathPrefix is not magic", async () => {
    await expect(grepper(root, { Expression: "config", PathPrefix: ":(glob)**" })).rejects.toThrow("does not exist in the kernel tree");
  });
});

describe("codesearch-dir-index", () => {
  test("lists subdirectories and files, without .git", async () => {
    expect(await dirIndex(root, { Dir: "fs" })).toEqual({ Subdirs: ["ext4"], Files: ["Kconfig", "dax.c"] });
    const top = await dirIndex(root, { Dir: "" });
    expect(top.Subdirs).not.toContain(".git");
    expect(top.Files).toContain("Kconfig");
  });
});

describe("set-results", () => {
  const configs = () => kconfigSymbols(root);
  test("Kconfig symbols come from every Kconfig file, menuconfig included", async () => {
    expect([...(await configs())].sort()).toEqual(["EXT4_FS", "FS_DAX", "INET", "IO_URING", "IPV6", "MD", "NET"]);
  });
  test("a good verdict is accepted with CONFIG_ prefixes stripped", async () => {
    const v = await checkPatchVerdict(
      {
        WorthFuzzing: true,
        FocusSymbols: ["ext4_dio_write_checks"],
        EnableConfigs: ["CONFIG_EXT4_FS", "FS_DAX", "EXT4_FS"],
        Reasoning: "reachable",
      },
      configs,
    );
    expect(v).toEqual({
      WorthFuzzing: true,
      FocusSymbols: ["ext4_dio_write_checks"],
      EnableConfigs: ["EXT4_FS", "FS_DAX"],
      Reasoning: "reachable",
    });
  });
  test("unknown configs, focus symbols without fuzzing and missing reasoning are refused, all named", async () => {
    await expect(
      checkPatchVerdict({ WorthFuzzing: true, EnableConfigs: ["CONFIG_NO_SUCH", "EXT4_FS"], Reasoning: "r" }, configs),
    ).rejects.toThrow("no Kconfig file in the tree defines CONFIG_NO_SUCH");
    await expect(checkPatchVerdict({ WorthFuzzing: false, FocusSymbols: ["f"], Reasoning: "  " }, configs)).rejects.toThrow(
      "Reasoning is required; FocusSymbols must be empty when WorthFuzzing is false",
    );
    await expect(checkPatchVerdict({ WorthFuzzing: "yes", Reasoning: "r" }, configs)).rejects.toThrow(/^WorthFuzzing: /);
    await expect(checkPatchVerdict({ WorthFuzzing: true }, configs)).rejects.toThrow(/^Reasoning: /);
  });
  test("the KMSAN verdict needs its reasoning only when KMSAN is needed", async () => {
    expect(await checkKmsanVerdict({ NeedsKMSAN: false })).toEqual({ NeedsKMSAN: false, KMSANReasoning: "" });
    await expect(checkKmsanVerdict({ NeedsKMSAN: true })).rejects.toThrow("KMSANReasoning is required");
  });
});

test("the checkout path is resolved to its real path", async () => {
  expect(root.root).toBe(realpathSync(kernel.root));
});
