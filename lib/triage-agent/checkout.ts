// Reading a kernel git checkout safely: git commands with bounded output, and paths that cannot leave the checkout.
import { execFile } from "node:child_process";
import { realpath, stat } from "node:fs/promises";
import path from "node:path";

/** A failure the model (or the job) should read: shown as the span's Error, never as a crash. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MAX_GIT_OUTPUT = 8 * 1024 * 1024;

/** Runs git in the checkout; exit codes are returned, not thrown (git grep exits 1 for "no matches"). */
export function git(root: string, args: string[], signal?: AbortSignal): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["-c", "core.quotepath=off", "--no-pager", ...args],
      { cwd: root, maxBuffer: MAX_GIT_OUTPUT, encoding: "utf8", signal, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" } },
      (err, stdout, stderr) => {
        const code = err && typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : err ? -1 : 0;
        if (err && code === -1) {
          const tooBig = (err as { code?: unknown }).code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER";
          if (tooBig) return reject(new ToolError(`git ${args[0]} printed more than ${MAX_GIT_OUTPUT} bytes; narrow it down`));
          return reject(err);
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Checks that the job's KernelSrc is a git checkout; the error names the path. */
export async function openCheckout(kernelSrc: unknown): Promise<string> {
  if (typeof kernelSrc !== "string" || kernelSrc === "") throw new ToolError("the job has no KernelSrc (the kernel checkout to triage)");
  const root = path.resolve(kernelSrc);
  const info = await stat(root).catch(() => null);
  if (!info) throw new ToolError(`kernel checkout ${root} does not exist`);
  if (!info.isDirectory()) throw new ToolError(`kernel checkout ${root} is not a directory`);
  const top = await git(root, ["rev-parse", "--show-toplevel"]);
  if (top.code !== 0) throw new ToolError(`kernel checkout ${root} is not a git checkout: ${top.stderr.trim()}`);
  return realpath(root);
}

/** A path inside the checkout; `..` and symlinks that lead outside are refused. */
export async function insideCheckout(root: string, rel: string): Promise<string> {
  if (path.isAbsolute(rel)) throw new ToolError(`${rel}: give a path relative to the kernel tree`);
  const full = path.resolve(root, rel);
  const real = await realpath(full).catch(() => null);
  if (!real) throw new ToolError(`${rel || "."} does not exist in the kernel tree`);
  if (real !== root && !real.startsWith(root + path.sep)) throw new ToolError(`${rel} is outside the kernel tree`);
  if (real === path.join(root, ".git") || real.startsWith(path.join(root, ".git") + path.sep)) throw new ToolError(`${rel} is git metadata, not source`);
  return real;
}

/** Keeps tool output small enough for a model's context, saying what was cut. */
export function capLines(lines: string[], max: number): string {
  if (lines.length <= max) return lines.join("\n");
  return `${lines.slice(0, max).join("\n")}\n… ${lines.length - max} more lines cut; narrow the search`;
}
