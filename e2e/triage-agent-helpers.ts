// Steps of the built-in agent tests: queue a triage job, run `scripts/agent.ts` as its own process, wait for the job.
import { toolConfig } from "@/lib/config";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { expect } from "@playwright/test";
import type { Span } from "../lib/trajectory/span";
import { TestAgent } from "./agent-client";
import { withDb } from "./db";

export const BASE = `http://127.0.0.1:${toolConfig().E2E_PORT}`;
const ROOT = path.resolve(import.meta.dirname, "..");

/** Queues a pending patch-triage job, as a rerun of rerunOf when given (what the Rerun button stores). */
export async function queueTriage(args: Record<string, unknown>, rerunOf?: string): Promise<string> {
  const id = randomUUID();
  await withDb((c) =>
    c.query(
      `INSERT INTO jobs (id, workflow, workflow_type, status, description, args, rerun_of_id, source, created_at)
       VALUES ($1, 'patch-triage', 'patch-triage', 'pending', $2, $3::jsonb, $4, $5, now())`,
      [id, `agent test ${id.slice(0, 8)}`, JSON.stringify(args), rerunOf ?? null, rerunOf ? "rerun" : "agent"],
    ),
  );
  return id;
}

export interface RunningAgent {
  output(): string;
  /** SIGTERM, then the exit code */
  stop(): Promise<number | null>;
}

/** Starts the real worker (`npm run agent`'s script) with fresh credentials against the e2e app. */
export async function startAgent(env: Record<string, string>): Promise<RunningAgent> {
  const creds = await TestAgent.create(BASE, `builtin-${randomUUID().slice(0, 8)}`);
  // Only what the test gives: a developer's own provider keys or agent settings must not leak into the run.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TRAJECTORY_URL: BASE, AGENT_CLIENT: creds.client, AGENT_KEY: creds.key };
  for (const k of Object.keys(childEnv)) if (/_API_KEY$|^AGENT_(?!CLIENT$|KEY$)/.test(k)) delete childEnv[k];
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "agent.ts")], {
    cwd: ROOT,
    env: { ...childEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  return {
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}

export interface JobInfo {
  id: string;
  status: string;
  error: string | null;
  results: Record<string, unknown> | null;
  agentName: string | null;
  rerunOfId: string | null;
}

/** Waits for the job to finish or fail, through the app's own JSON route. */
export async function waitForJob(id: string, agent: RunningAgent, timeoutMs = 45_000): Promise<JobInfo> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const job = (await (await fetch(`${BASE}/api/jobs/${id}`)).json()) as JobInfo;
    if (job.status === "finished" || job.status === "failed") return job;
    if (Date.now() > end) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms; agent said:\n${agent.output()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function trajectory(id: string): Promise<Span[]> {
  const res = await fetch(`${BASE}/api/jobs/${id}/trajectory`);
  expect(res.status).toBe(200);
  return (await res.json()) as Span[];
}

/** The nearest earlier span one level up (formats doc §1), to check against the parent the app stored. */
export function expectedParents(spans: Span[]): (number | null)[] {
  return spans.map(
    (s, i) =>
      spans
        .slice(0, i)
        .reverse()
        .find((p) => p.Nesting === s.Nesting - 1)?.Seq ?? null,
  );
}

export async function storedParents(id: string): Promise<(number | null)[]> {
  return withDb(async (c) =>
    (await c.query("SELECT parent_seq FROM spans WHERE job_id = $1 ORDER BY seq", [id])).rows.map((r) => r.parent_seq),
  );
}

/** The tool calls and what the tools said, for comparing a run with its replay. */
export function toolSteps(spans: Span[]) {
  return spans.filter((s) => s.Type === "tool").map((s) => ({ Name: s.Name, Args: s.Args, Results: s.Results, Error: s.Error }));
}
