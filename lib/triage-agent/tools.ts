// The patch-evaluator's code tools on the checkout: grepper, read-file and a directory listing, each validated with zod.
import { opendir, readFile, stat } from "node:fs/promises";
import { z } from "zod";
import {
  AGENT_MAX_DIR_ENTRIES,
  AGENT_MAX_EXPRESSION_CHARS,
  AGENT_MAX_GREP_LINES,
  AGENT_MAX_READ_FILE_BYTES,
  AGENT_MAX_READ_LINES,
} from "@/lib/limits";
import type { Checkout } from "./checkout";
import { mb } from "./git";
import { CapError, ToolError } from "./tool-error";
import { trim } from "@/lib/text/trim";

export const grepperInput = z.object({
  Expression: z
    .string()
    .min(1)
    .max(AGENT_MAX_EXPRESSION_CHARS)
    .describe("extended regular expression (git grep -E), without backreferences"),
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

/** What the model is told when a search hits a cap. */
export const GREP_HINT =
  "narrow the search: give a PathPrefix, and a simpler Expression (no nested or large counted repetitions such as ((a{1,100}){1,100}), no backreferences)";

// A backslash-digit after an even number of backslashes: a backreference, which makes glibc's matcher backtrack for minutes.
const BACKREFERENCE = /(?:^|[^\\])(?:\\\\)*\\[1-9]/;

/**
 * `git grep -n -z` output (`path\0line\0text` lines) as `path:line:text`, at most `max` lines, keeping only files whose
 * real path stays inside the checkout: git greps a tracked path through whatever is on disk now, and a folder swapped
 * for a symlink would lead outside. Returns the lines shown, how many more were cut, and the files left out.
 */
async function confinedLines(co: Checkout, output: string, max: number): Promise<{ lines: string[]; cut: number; dropped: number }> {
  const lines: string[] = [];
  const inside = new Map<string, boolean>();
  let cut = 0;
  for (const raw of output.split("\n")) {
    const [file, line, ...text] = raw.split("\0");
    if (!file || line === undefined) continue;
    if (lines.length >= max) {
      cut++;
      continue;
    }
    if (!inside.has(file))
      inside.set(
        file,
        await co.inside(file).then(
          () => true,
          () => false,
        ),
      );
    if (inside.get(file)) lines.push(`${file}:${line}:${text.join("\0")}`);
  }
  return { lines, cut, dropped: [...inside.values()].filter((ok) => !ok).length };
}

export async function grepper(co: Checkout, input: z.infer<typeof grepperInput>, signal?: AbortSignal) {
  if (BACKREFERENCE.test(input.Expression)) {
    throw new ToolError(
      "backreferences (\\1 … \\9) are not supported: matching them over a kernel tree can take minutes; search for the parts separately",
    );
  }
  const prefix = (input.PathPrefix ?? "").replace(/^\/+/, "");
  if (prefix) await co.inside(prefix);
  // :(literal): the prefix checked above is the path searched, with no pathspec magic.
  const args = [
    "grep",
    "-n",
    "-z",
    "-I",
    "--no-color",
    "--no-textconv",
    "-E",
    "-e",
    input.Expression,
    "--",
    ...(prefix ? [`:(literal)${prefix}`] : []),
  ];
  let r;
  try {
    r = await co.git(args, signal);
  } catch (e) {
    if (e instanceof CapError) throw new ToolError(`grepper: ${e.message}; ${GREP_HINT}`);
    throw e;
  }
  if (r.code === 1) throw new ToolError(`no matches for "${input.Expression}"${prefix ? ` under ${prefix}` : ""}`);
  if (r.code !== 0) throw new ToolError(`git grep failed: ${r.stderr.trim().slice(0, 500)}`);
  const { lines, cut, dropped } = await confinedLines(co, r.stdout, AGENT_MAX_GREP_LINES);
  if (lines.length === 0)
    throw new ToolError(`no matches for "${input.Expression}"${prefix ? ` under ${prefix}` : ""} inside the kernel tree`);
  const notes = [
    ...(cut > 0 ? [`… ${cut} more lines cut; narrow the search`] : []),
    ...(dropped > 0 ? [`… matches in ${dropped} file${dropped === 1 ? "" : "s"} that lead outside the kernel tree were left out`] : []),
  ];
  return { Output: [...lines, ...notes].join("\n") };
}

export async function readFileLines(co: Checkout, input: z.infer<typeof readFileInput>) {
  const full = await co.inside(input.File);
  const info = await stat(full);
  if (info.isDirectory()) throw new ToolError(`${input.File} is a directory, not a file`);
  if (!info.isFile()) throw new ToolError(`${input.File} is not a regular file`);
  if (info.size > AGENT_MAX_READ_FILE_BYTES) {
    throw new ToolError(
      `${input.File} is ${mb(info.size)}, more than read-file reads (${mb(AGENT_MAX_READ_FILE_BYTES)}); use grepper to find the lines you need`,
    );
  }
  const lines = (await readFile(full, "utf8")).split("\n");
  if (lines.at(-1) === "") lines.pop();
  const first = input.FirstLine ?? 1;
  const last = Math.min(input.LastLine ?? first + 399, lines.length);
  if (first > lines.length) throw new ToolError(`file ${input.File} has only ${lines.length} lines`);
  if (last < first) throw new ToolError(`LastLine ${input.LastLine} is before FirstLine ${first}`);
  const picked = lines.slice(first - 1, Math.min(last, first - 1 + AGENT_MAX_READ_LINES));
  return { Contents: picked.join("\n"), FirstLine: first, LastLine: first - 1 + picked.length, TotalLines: lines.length };
}

export async function dirIndex(co: Checkout, input: z.infer<typeof dirIndexInput>) {
  const rel = trim(input.Dir, "/");
  const full = await co.inside(rel);
  if (!(await stat(full)).isDirectory()) throw new ToolError(`${rel} is a file, not a directory`);
  const subdirs: string[] = [];
  const files: string[] = [];
  let seen = 0;
  for await (const e of await opendir(full)) {
    if (e.name === ".git") continue;
    if (++seen > AGENT_MAX_DIR_ENTRIES) {
      throw new ToolError(
        `${rel || "."} has more than ${AGENT_MAX_DIR_ENTRIES} entries; list a subdirectory or use grepper with a PathPrefix`,
      );
    }
    (e.isDirectory() ? subdirs : files).push(e.name);
  }
  return { Subdirs: subdirs.sort(), Files: files.sort() };
}

export interface CodeTool {
  description: string;
  input: z.ZodType<Record<string, unknown>>;
  /** how to narrow a call that hit the time cap down */
  capHint?: string;
  run(co: Checkout, input: never, signal?: AbortSignal): Promise<Record<string, unknown>>;
}

/** The code tools by the names real triage agents use, so recorded runs replay onto them. */
export const CODE_TOOLS = {
  grepper: {
    description: "Search the kernel tree with git grep -E; returns file:line:text lines.",
    input: grepperInput,
    capHint: GREP_HINT,
    run: grepper,
  },
  "read-file": { description: "Read a line range of a file in the kernel tree.", input: readFileInput, run: readFileLines },
  "codesearch-dir-index": {
    description: "List the subdirectories and files of a directory in the kernel tree.",
    input: dirIndexInput,
    run: dirIndex,
  },
} satisfies Record<string, CodeTool>;

/**
 * Runs the code tool `name` on the checkout with a model's `args` (as a recorded tool span holds them): its Results,
 * or a ToolError with one line the model can act on — arguments that do not fit, a path outside the tree, a file
 * gone since the check (an errno failure, named after the tool). Other errors are the job's and are thrown as they are.
 */
export async function runCodeTool(
  co: Checkout,
  name: keyof typeof CODE_TOOLS,
  args: unknown,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const tool: CodeTool = CODE_TOOLS[name];
  const r = tool.input.safeParse(args);
  if (!r.success) throw new ToolError(describeInputError(r.error));
  try {
    return await tool.run(co, r.data as never, signal);
  } catch (e) {
    // A file the agent may not read, or one gone since the check, is the model's problem, not the job's end.
    if (e instanceof Error && "syscall" in e && typeof (e as NodeJS.ErrnoException).code === "string")
      throw new ToolError(`${name}: ${e.message}`);
    throw e;
  }
}

/** True for the name of a code tool (CODE_TOOLS). */
export const isCodeTool = (name: string): name is keyof typeof CODE_TOOLS => Object.hasOwn(CODE_TOOLS, name);

/** Turns a tool's zod failure into one line the model can act on. */
export function describeInputError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "arguments"}: ${i.message}`).join("; ");
}
