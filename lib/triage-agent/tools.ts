// The patch-evaluator's code tools on the checkout: grepper, read-file and a directory listing, each validated with zod.
import { readdir, readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { capLines, git, insideCheckout, ToolError } from "./checkout";

const MAX_GREP_LINES = 200;
const MAX_READ_LINES = 1000;

export const grepperInput = z.object({
  Expression: z.string().min(1).describe("extended regular expression (git grep -E)"),
  PathPrefix: z.string().optional().describe("only search files under this path, e.g. fs/ext4"),
});

export const readFileInput = z.object({
  File: z.string().min(1).describe("path relative to the kernel tree, e.g. fs/ext4/file.c"),
  FirstLine: z.number().int().positive().optional().describe("first line to read, 1-based (default 1)"),
  LastLine: z.number().int().positive().optional().describe("last line to read, inclusive (default: 400 lines on)"),
});

export const dirIndexInput = z.object({
  Dir: z.string().describe("directory relative to the kernel tree; empty for the top"),
});

export async function grepper(root: string, input: z.infer<typeof grepperInput>, signal?: AbortSignal) {
  const prefix = (input.PathPrefix ?? "").replace(/^\/+/, "");
  if (prefix) await insideCheckout(root, prefix);
  const r = await git(root, ["grep", "-n", "-I", "--no-color", "-E", "-e", input.Expression, "--", ...(prefix ? [prefix] : [])], signal);
  if (r.code === 1) throw new ToolError(`no matches for "${input.Expression}"${prefix ? ` under ${prefix}` : ""}`);
  if (r.code !== 0) throw new ToolError(`git grep failed: ${r.stderr.trim().slice(0, 500)}`);
  return { Output: capLines(r.stdout.trimEnd().split("\n"), MAX_GREP_LINES) };
}

export async function readFileLines(root: string, input: z.infer<typeof readFileInput>) {
  const full = await insideCheckout(root, input.File);
  if (!(await stat(full)).isFile()) throw new ToolError(`${input.File} is a directory, not a file`);
  const lines = (await readFile(full, "utf8")).split("\n");
  if (lines.at(-1) === "") lines.pop();
  const first = input.FirstLine ?? 1;
  const last = Math.min(input.LastLine ?? first + 399, lines.length);
  if (first > lines.length) throw new ToolError(`file ${input.File} has only ${lines.length} lines`);
  if (last < first) throw new ToolError(`LastLine ${input.LastLine} is before FirstLine ${first}`);
  const picked = lines.slice(first - 1, Math.min(last, first - 1 + MAX_READ_LINES));
  return { Contents: picked.join("\n"), FirstLine: first, LastLine: first - 1 + picked.length, TotalLines: lines.length };
}

export async function dirIndex(root: string, input: z.infer<typeof dirIndexInput>) {
  const rel = input.Dir.replace(/^\/+|\/+$/g, "");
  const full = await insideCheckout(root, rel);
  if (!(await stat(full)).isDirectory()) throw new ToolError(`${rel} is a file, not a directory`);
  const entries = (await readdir(full, { withFileTypes: true })).filter((e) => e.name !== ".git");
  const names = (dirs: boolean) => entries.filter((e) => e.isDirectory() === dirs).map((e) => e.name).sort();
  return { Subdirs: names(true), Files: names(false) };
}

export interface CodeTool {
  description: string;
  input: z.ZodType<Record<string, unknown>>;
  run(root: string, input: never, signal?: AbortSignal): Promise<Record<string, unknown>>;
}

/** The code tools by the names real triage agents use, so recorded runs replay onto them. */
export const CODE_TOOLS = {
  grepper: { description: "Search the kernel tree with git grep -E; returns file:line:text lines.", input: grepperInput, run: grepper },
  "read-file": { description: "Read a line range of a file in the kernel tree.", input: readFileInput, run: readFileLines },
  "codesearch-dir-index": { description: "List the subdirectories and files of a directory in the kernel tree.", input: dirIndexInput, run: dirIndex },
} satisfies Record<string, CodeTool>;

/** Turns a tool's zod failure into one line the model can act on. */
export function describeInputError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "arguments"}: ${i.message}`).join("; ");
}
