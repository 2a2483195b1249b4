// Parses unified diffs (a `git show` output, read-patch-diff's PatchDiff, a tool's diff) into files, hunks and numbered lines.

export interface DiffLine {
  kind: "add" | "del" | "ctx" | "note";
  text: string;
  oldNo: number | null;
  newNo: number | null;
}

export interface DiffHunk {
  header: string;
  /** the function or section name git prints after the second @@ */
  section: string;
  lines: DiffLine[];
}

export interface DiffFile {
  oldPath: string;
  newPath: string;
  /** diff --git, index, mode and rename lines */
  meta: string[];
  hunks: DiffHunk[];
  added: number;
  removed: number;
}

export interface ParsedDiff {
  /** what comes before the first file: commit, Author, Date, the message */
  header: string[];
  files: DiffFile[];
}

const HUNK_RE = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;
const GIT_LINE = "diff --git ";

/** Drops one closing quote of a quoted path ("a/x y" as git prints a path with odd characters), never the whole path. */
const unquote = (p: string) => (p.length > 1 && p.endsWith('"') ? p.slice(0, -1) : p);

/**
 * The old and new paths of a `diff --git a/<old> b/<new>` line, quoted forms too; null when the line is none. The
 * paths may hold spaces, so the split is at the first " b/" after a path of one character or more. Written with
 * indexOf: the regex /^diff --git "?a\/(.+?)"? "?b\/(.+?)"?$/ backtracks quadratically on a line of many " b/".
 */
function gitPaths(line: string): [string, string] | null {
  if (!line.startsWith(GIT_LINE)) return null;
  const rest = line.slice(GIT_LINE.length);
  const from = rest.startsWith('"a/') ? 3 : rest.startsWith("a/") ? 2 : -1;
  if (from < 0) return null;
  const plain = rest.indexOf(" b/", from + 1);
  const quoted = rest.indexOf(' "b/', from + 1);
  const at = quoted >= 0 && (plain < 0 || quoted < plain) ? quoted : plain;
  if (at < 0) return null;
  const newPath = rest.slice(at + (at === quoted ? 4 : 3));
  return newPath ? [unquote(rest.slice(from, at)), unquote(newPath)] : null;
}

/** True when the text holds at least one file diff with a hunk. */
export function looksLikeDiff(text: string): boolean {
  if (text.length < 20) return false;
  if (/^diff --git /m.test(text) && /^@@ -\d+/m.test(text)) return true;
  return /^--- .*\n\+\+\+ .*\n@@ -\d+/m.test(text);
}

function stripPrefix(p: string): string {
  const path = p.split("\t")[0]!.trim();
  if (path === "/dev/null") return path;
  return path.replace(/^[ab]\//, "");
}

function newFile(oldPath = "", newPath = ""): DiffFile {
  return { oldPath, newPath, meta: [], hunks: [], added: 0, removed: 0 };
}

export function parseDiff(text: string): ParsedDiff | null {
  if (!looksLikeDiff(text)) return null;
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const diff: ParsedDiff = { header: [], files: [] };
  let file: DiffFile | null = null;
  let hunk: DiffHunk | null = null;
  let oldNo = 0;
  let newNo = 0;
  let oldLeft = 0;
  let newLeft = 0;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const inHunk = hunk !== null && (oldLeft > 0 || newLeft > 0);
    if (inHunk) {
      const c = line[0];
      if (c === "+") {
        hunk!.lines.push({ kind: "add", text: line.slice(1), oldNo: null, newNo: newNo++ });
        newLeft--;
        file!.added++;
        continue;
      }
      if (c === "-") {
        hunk!.lines.push({ kind: "del", text: line.slice(1), oldNo: oldNo++, newNo: null });
        oldLeft--;
        file!.removed++;
        continue;
      }
      if (c === " " || line === "") {
        // some tools strip the space of an empty context line
        hunk!.lines.push({ kind: "ctx", text: line.slice(1), oldNo: oldNo++, newNo: newNo++ });
        oldLeft--;
        newLeft--;
        continue;
      }
      if (c === "\\") {
        hunk!.lines.push({ kind: "note", text: line, oldNo: null, newNo: null });
        continue;
      }
      // a line that does not belong to the hunk: the counts were wrong; fall through and read it afresh
    }
    if (hunk && line.startsWith("\\")) {
      hunk.lines.push({ kind: "note", text: line, oldNo: null, newNo: null });
      continue;
    }
    const git = gitPaths(line);
    if (git) {
      file = newFile(git[0], git[1]);
      file.meta.push(line);
      diff.files.push(file);
      hunk = null;
      continue;
    }
    if (line.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) {
      // a plain unified diff has no "diff --git" line: a new file starts here
      if (!file || file.hunks.length > 0) {
        file = newFile();
        diff.files.push(file);
      }
      file.oldPath = stripPrefix(line.slice(4));
      file.newPath = stripPrefix(lines[i + 1]!.slice(4));
      file.meta.push(line, lines[i + 1]!);
      i++;
      hunk = null;
      continue;
    }
    const h = HUNK_RE.exec(line);
    if (h && file) {
      oldNo = Number(h[1]);
      newNo = Number(h[3]);
      oldLeft = h[2] === undefined ? 1 : Number(h[2]);
      newLeft = h[4] === undefined ? 1 : Number(h[4]);
      hunk = { header: line, section: h[5] ?? "", lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (file) file.meta.push(line);
    else diff.header.push(line);
  }
  return diff.files.length ? diff : null;
}

/** The path a reader knows the file by (the new path, or the old one for a deletion). */
export function displayPath(f: DiffFile): string {
  return f.newPath && f.newPath !== "/dev/null" ? f.newPath : f.oldPath;
}

const LANGUAGES: Record<string, string> = {
  c: "c",
  h: "c",
  cc: "cpp",
  cpp: "cpp",
  hpp: "cpp",
  py: "python",
  go: "go",
  rs: "rust",
  sh: "shellscript",
  json: "json",
  yaml: "yaml",
  yml: "yaml",
  js: "javascript",
  ts: "typescript",
  S: "asm",
  s: "asm",
  md: "markdown",
};

/** The shiki language of a file by its name, or null when there is none worth loading. */
export function languageOf(path: string): string | null {
  const base = path.split("/").pop() ?? "";
  if (base === "Makefile" || base === "Kbuild" || base.startsWith("Makefile.")) return "make";
  const ext = base.includes(".") ? base.split(".").pop()! : "";
  return LANGUAGES[ext] ?? null;
}
