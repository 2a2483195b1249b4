// Runs git for the agent, confined: the checkout's own config cannot make git run a command, no GIT_* variable of the
// agent's environment redirects it, and every run is capped in memory (prlimit) and output, and stopped with its
// whole process group when the tool call's deadline passes.
import { spawn, spawnSync } from "node:child_process";
import os from "node:os";
import { AGENT_MAX_GIT_OUTPUT_BYTES } from "@/lib/limits";
import { CapError, ToolError } from "./tool-error";

/** What one tool call may spend: wall time (AGENT_TOOL_SECONDS) and address space of each git (AGENT_TOOL_MEMORY_MB). */
export interface ToolCaps {
  seconds: number;
  memoryBytes: number;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
  /** the output was cut at `maxBytes` (only with `truncate`) */
  truncated: boolean;
}

export interface GitOptions {
  caps: ToolCaps;
  /** aborting it kills git's process group; the run rejects with the signal's reason */
  signal?: AbortSignal;
  /** most stdout bytes kept (default AGENT_MAX_GIT_OUTPUT_BYTES) */
  maxBytes?: number;
  /** past maxBytes: stop git and return what came (true), or fail with a CapError (false, the default) */
  truncate?: boolean;
}

/**
 * Settings given on the command line, which win over the checkout's .git/config (and any file it includes): none of
 * the hooks, pagers, external diff or textconv drivers, fsmonitor daemons, signature checks or transports a checkout
 * could name runs. Pack windows are kept small so mapping a big repository's packs stays far under the memory cap.
 */
const SAFE_CONFIG = [
  "core.quotepath=off",
  "core.fsmonitor=false",
  "core.hooksPath=/dev/null",
  "core.pager=cat",
  "core.packedGitWindowSize=32m",
  "core.packedGitLimit=256m",
  "core.deltaBaseCacheLimit=64m",
  "protocol.allow=never",
  "submodule.recurse=false",
  "log.showSignature=false",
  "grep.fallbackToNoIndex=false",
  "safe.bareRepository=explicit",
].flatMap((kv) => ["-c", kv]);

const MAX_STDERR_BYTES = 64 * 1024;

/** The agent's environment without GIT_* variables (GIT_DIR, GIT_CONFIG_PARAMETERS, GIT_EXEC_PATH … could redirect git). */
function gitEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("GIT_")) delete env[k];
  // Few malloc arenas: each reserves 64 MB of address space, which the memory cap counts.
  return { ...env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C", MALLOC_ARENA_MAX: "2" };
}

export type MemoryCapSupport = { available: true; how: string } | { available: false; why: string };

let support: MemoryCapSupport | null = null;

/** Whether git can run under `prlimit --as` (util-linux, on every Debian); checked once per process. */
export function memoryCapSupport(): MemoryCapSupport {
  if (support) return support;
  const r = spawnSync("prlimit", ["--as=1073741824", "--", "git", "--version"], { encoding: "utf8", env: gitEnv(), timeout: 10_000 });
  support =
    r.status === 0
      ? { available: true, how: "prlimit --as" }
      : {
          available: false,
          why: r.error ? `prlimit not found (${r.error.message}); install util-linux` : `prlimit failed: ${(r.stderr || "").trim()}`,
        };
  return support;
}

/** Rough words for a byte count in messages. */
export function mb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

const OUT_OF_MEMORY = /Memory exhausted|Out of memory|Cannot allocate memory|malloc failed|mmap failed/i;

/**
 * Runs `git <args>` in `cwd` with SAFE_CONFIG, a GIT_*-free environment, `prlimit --as` (when available) and a CPU-time
 * limit that outlives the agent (should the agent die, a runaway git still ends). Non-zero exit codes are returned
 * (git grep exits 1 for "no matches"); throws CapError when the memory or output cap stopped git, the signal's
 * reason when the signal aborted it, ToolError when git died of a signal.
 */
export function runGit(cwd: string, args: string[], opts: GitOptions): Promise<GitResult> {
  const { caps, signal } = opts;
  const maxBytes = opts.maxBytes ?? AGENT_MAX_GIT_OUTPUT_BYTES;
  const gitArgs = [...SAFE_CONFIG, "--no-pager", ...args];
  // CPU seconds of all git's threads; only a backstop, the deadline below is what normally stops it.
  const cpu = caps.seconds * os.availableParallelism() + 10;
  const [cmd, ...argv] = memoryCapSupport().available
    ? ["prlimit", `--as=${caps.memoryBytes}`, `--cpu=${cpu}:${cpu + 5}`, "--", "git", ...gitArgs]
    : ["git", ...gitArgs];
  const what = `git ${args.find((a) => !a.startsWith("-")) ?? ""}`.trim();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    // Its own process group, so a kill reaches anything git started.
    const child = spawn(cmd!, argv, { cwd, env: gitEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let stopped: { reason: unknown } | "truncated" | null = null;
    const kill = (why: { reason: unknown } | "truncated") => {
      if (stopped) return;
      stopped = why;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const onAbort = () => kill({ reason: signal!.reason });
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout!.on("data", (chunk: Buffer) => {
      if (stopped) return;
      const room = maxBytes - outBytes;
      if (chunk.length > room) {
        out.push(chunk.subarray(0, room));
        outBytes = maxBytes;
        kill(opts.truncate ? "truncated" : { reason: new CapError("output", `${what} printed more than ${mb(maxBytes)} and was stopped`) });
        return;
      }
      out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      if (err.length < MAX_STDERR_BYTES) err += chunk.toString("utf8");
    });
    child.on("error", (e) => {
      signal?.removeEventListener("abort", onAbort);
      reject(e);
    });
    child.on("close", (code, sig) => {
      signal?.removeEventListener("abort", onAbort);
      const stdout = Buffer.concat(out).toString("utf8");
      if (stopped === "truncated") return resolve({ code: 0, stdout, stderr: err, truncated: true });
      if (stopped) return reject(stopped.reason);
      const memoryCap = `the memory cap of ${mb(caps.memoryBytes)} (AGENT_TOOL_MEMORY_MB)`;
      if (OUT_OF_MEMORY.test(err))
        return reject(new CapError("memory", `${what} ran out of memory: it needed more than ${memoryCap} and was stopped`));
      if (sig === "SIGXCPU") return reject(new CapError("time", `${what} used more CPU time than its cap (${cpu} s) and was stopped`));
      if (sig)
        return reject(new ToolError(`${what} died of ${sig}${memoryCapSupport().available ? ` (most likely at ${memoryCap})` : ""}`));
      resolve({ code: code ?? -1, stdout, stderr: err, truncated: false });
    });
  });
}
