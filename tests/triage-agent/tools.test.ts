// The code tools and set-results checks on a generated kernel checkout.
import { realpathSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openCheckout, ToolError } from "@/lib/triage-agent/checkout";
import { checkKmsanVerdict, checkPatchVerdict, kconfigSymbols } from "@/lib/triage-agent/set-results";
import { dirIndex, grepper, readFileLines } from "@/lib/triage-agent/tools";
import { tempKernel } from "./repo";

let kernel: ReturnType<typeof tempKernel>;
let root: string;
beforeAll(async () => {
  kernel = tempKernel();
  root = await openCheckout(kernel.root);
});
afterAll(() => kernel.remove());

describe("checkout", () => {
  test("a missing checkout is an error naming the path", async () => {
    const missing = path.join(kernel.root, "..", "no-such-kernel");
    await expect(openCheckout(missing)).rejects.toThrow(`kernel checkout ${path.resolve(missing)} does not exist`);
    await expect(openCheckout(undefined)).rejects.toThrow("the job has no KernelSrc");
  });
  test("a folder that is not a git checkout is refused", async () => {
    await expect(openCheckout(path.dirname(kernel.root))).rejects.toThrow("is not a git checkout");
  });
});

describe("grepper", () => {
  test("finds definition and use under a path prefix, with line numbers", async () => {
    const r = await grepper(root, { Expression: "ext4_dio_write_checks", PathPrefix: "fs/ext4" });
    const lines = r.Output.split("\n");
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^fs\/ext4\/file\.c:\d+:static int ext4_dio_write_checks\(/);
  });
  test("no match is a tool error the model can read", async () => {
    await expect(grepper(root, { Expression: "no_such_symbol", PathPrefix: "fs" })).rejects.toThrow(new ToolError('no matches for "no_such_symbol" under fs'));
  });
  test("a prefix outside the tree is refused", async () => {
    await expect(grepper(root, { Expression: "x", PathPrefix: "../.." })).rejects.toThrow("outside the kernel tree");
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
    symlinkSync("/etc", path.join(kernel.root, "etc-link"));
    await expect(readFileLines(root, { File: "etc-link/hostname" })).rejects.toThrow("outside the kernel tree");
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
    const v = await checkPatchVerdict({ WorthFuzzing: true, FocusSymbols: ["ext4_dio_write_checks"], EnableConfigs: ["CONFIG_EXT4_FS", "FS_DAX", "EXT4_FS"], Reasoning: "reachable" }, configs);
    expect(v).toEqual({ WorthFuzzing: true, FocusSymbols: ["ext4_dio_write_checks"], EnableConfigs: ["EXT4_FS", "FS_DAX"], Reasoning: "reachable" });
  });
  test("unknown configs, focus symbols without fuzzing and missing reasoning are refused, all named", async () => {
    await expect(checkPatchVerdict({ WorthFuzzing: true, EnableConfigs: ["CONFIG_NO_SUCH", "EXT4_FS"], Reasoning: "r" }, configs)).rejects.toThrow(
      "no Kconfig file in the tree defines CONFIG_NO_SUCH",
    );
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
  expect(root).toBe(realpathSync(kernel.root));
});
