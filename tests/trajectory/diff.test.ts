import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { displayPath, languageOf, looksLikeDiff, parseDiff } from "@/lib/trajectory/diff";

const SHARED_COPY = path.resolve(import.meta.dirname, "../../../shared/fixtures/patch-triage-page-copy.txt");

const GIT_SHOW = `commit 051a7afe10013671b75b6c4c07898788a67f662e
Author: syz-cluster <triage@syzkaller.com>
Date:   Mon Jun 29 12:05:51 2026 +0000

    syz-cluster: applied patch under review

diff --git a/fs/ext4/file.c b/fs/ext4/file.c
index eb1a323962b101..9a16071b719d78 100644
--- a/fs/ext4/file.c
+++ b/fs/ext4/file.c
@@ -213,4 +213,5 @@ ext4_extending_io(struct inode *inode)
 \treturn false;
-\tint err;
+\tint err, blklen;
+\tbool ok;

@@ -300,2 +301,2 @@ static ssize_t ext4_write_checks(void)
-\tret = file_modified(iocb->ki_filp);
+\tret = kiocb_modified(iocb);
\\ No newline at end of file
diff --git a/fs/ext4/inode.c b/fs/ext4/inode.c
new file mode 100644
--- /dev/null
+++ b/fs/ext4/inode.c
@@ -0,0 +1 @@
+int x;
`;

describe("parseDiff", () => {
  it("reads the commit header, files, hunks and old/new line numbers of a git show", () => {
    const d = parseDiff(GIT_SHOW)!;
    expect(d.header[0]).toBe("commit 051a7afe10013671b75b6c4c07898788a67f662e");
    expect(d.header).toContain("    syz-cluster: applied patch under review");
    expect(d.files.map(displayPath)).toEqual(["fs/ext4/file.c", "fs/ext4/inode.c"]);
    const [file, created] = d.files;
    expect(file!.meta[1]).toBe("index eb1a323962b101..9a16071b719d78 100644");
    expect(file!.hunks).toHaveLength(2);
    const h = file!.hunks[0]!;
    expect(h.section).toBe("ext4_extending_io(struct inode *inode)");
    expect(h.lines.map((l) => [l.kind, l.oldNo, l.newNo])).toEqual([
      ["ctx", 213, 213],
      ["del", 214, null],
      ["add", null, 214],
      ["add", null, 215],
      ["ctx", 215, 216],
    ]);
    expect(h.lines[2]!.text).toBe("\tint err, blklen;");
    expect(file!.hunks[1]!.lines.at(-1)!.kind).toBe("note");
    expect(file!.added).toBe(3);
    expect(file!.removed).toBe(2);
    expect(created!.oldPath).toBe("/dev/null");
    expect(created!.hunks[0]!.lines).toEqual([{ kind: "add", text: "int x;", oldNo: null, newNo: 1 }]);
  });

  it("reads a plain unified diff without diff --git lines", () => {
    const d = parseDiff("--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n-a\n+b\n c\n--- a/y.c\n+++ b/y.c\n@@ -5 +5 @@\n-y\n+z\n")!;
    expect(d.files.map(displayPath)).toEqual(["x.c", "y.c"]);
    expect(d.files[1]!.hunks[0]!.lines.map((l) => l.oldNo ?? l.newNo)).toEqual([5, 5]);
  });

  // The real run the formats doc quotes, where ../shared is checked out beside the repo (CI has it).
  it.runIf(existsSync(SHARED_COPY))("reads the PatchDiff of the real run in the shared fixture", () => {
    const copy = readFileSync(SHARED_COPY, "utf8");
    const json = /"PatchDiff": ("(?:[^"\\]|\\.)*")/.exec(copy)![1]!;
    const d = parseDiff(JSON.parse(json) as string)!;
    expect(d.files.length).toBeGreaterThanOrEqual(1);
    expect(displayPath(d.files[0]!)).toBe("fs/ext4/file.c");
    expect(d.files[0]!.hunks.length).toBeGreaterThan(2);
    expect(d.files.every((f) => f.hunks.every((h) => h.lines.every((l) => l.kind !== "ctx" || (l.oldNo && l.newNo))))).toBe(true);
  });

  it("says no to text that only mentions a diff", () => {
    expect(looksLikeDiff("I looked at diff --git output and it was fine")).toBe(false);
    expect(parseDiff("just text\n--- not a header")).toBeNull();
  });
});

describe("languageOf", () => {
  it("knows kernel sources and build files, and nothing else", () => {
    expect(languageOf("fs/ext4/file.c")).toBe("c");
    expect(languageOf("include/linux/fs.h")).toBe("c");
    expect(languageOf("arch/x86/entry/entry_64.S")).toBe("asm");
    expect(languageOf("fs/ext4/Makefile")).toBe("make");
    expect(languageOf("fs/ext4/Kconfig")).toBeNull();
  });
});
