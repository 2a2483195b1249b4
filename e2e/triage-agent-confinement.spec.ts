// The built-in agent (its own process, over HTTP) opens only checkouts under its kernel roots, never the app or the
// database's data folder, and an imported run's replayed tool calls cannot read outside the checkout: the attack of
// an operator who imports a run whose recorded steps read PostgreSQL's files, then reruns it.
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createKernelRepo, DEMO_PATCHES } from "../lib/demo/git-repo";
import { withDb } from "./db";
import { importFile } from "./helpers";
import { startAgent, trajectory, waitForJob, type RunningAgent } from "./triage-agent-helpers";

test.describe.configure({ mode: "serial" });

const ROOT = path.resolve(import.meta.dirname, "..");
let parent: string;
let kernel: string;
/** the throwaway database's own data folder, as PostgreSQL reports it */
let dataDir: string;

test.beforeAll(async () => {
  parent = realpathSync(mkdtempSync(path.join(os.tmpdir(), "triage-confinement-e2e-")));
  kernel = createKernelRepo(path.join(parent, "kernel"), DEMO_PATCHES[1]!);
  dataDir = realpathSync((await withDb((c) => c.query("SHOW data_directory"))).rows[0].data_directory as string);
  // An untracked symlink in the checkout that leads into the data folder.
  symlinkSync(dataDir, path.join(kernel, "pg-data"));
});
test.afterAll(() => rmSync(parent, { recursive: true, force: true }));

type Call = [name: string, args: Record<string, unknown>];
const VERDICT = { WorthFuzzing: false, FocusSymbols: [], EnableConfigs: [], Reasoning: "a typo fix; nothing to fuzz" };

/** A recorded patch-triage run as a trajectory file: one llm step per entry of `steps`, then one with set-results. */
function recordedRun(kernelSrc: string, tag: string, steps: Call[][] = []): string {
  const t = (s: number) => new Date(Date.UTC(2026, 6, 1, 9, 0, s)).toISOString();
  const spans: Record<string, unknown>[] = [
    {
      Seq: 0,
      Nesting: 0,
      Type: "flow",
      Name: "patch-triage",
      Started: t(0),
      Finished: t(59),
      Args: { KernelSrc: kernelSrc, TargetArch: "amd64" },
      Results: VERDICT,
    },
    {
      Seq: 1,
      Nesting: 1,
      Type: "action",
      Name: "read-patch-diff",
      Started: t(1),
      Finished: t(2),
      Args: { KernelSrc: kernelSrc },
      Results: { PatchDiff: `diff ${tag}` },
    },
    {
      Seq: 2,
      Nesting: 1,
      Type: "agent",
      Name: "patch-evaluator",
      Model: "m",
      Started: t(2),
      Finished: t(58),
      Prompt: `prompt ${tag}`,
      Reply: "done",
    },
  ];
  let s = 3;
  for (const calls of [...steps, [["set-results", VERDICT] as Call]]) {
    spans.push({
      Seq: s,
      Nesting: 2,
      Type: "llm",
      Name: "patch-evaluator",
      Model: "gemini-3.1-pro-preview",
      Started: t(s),
      Finished: t(s),
    });
    s++;
    for (const [name, args] of calls) {
      spans.push({
        Seq: s,
        Nesting: 2,
        Type: "tool",
        Name: name,
        Started: t(s),
        Finished: t(s),
        Args: args,
        Results: { Contents: "recorded" },
      });
      s++;
    }
  }
  return JSON.stringify(spans);
}

/** Imports the run and clicks Rerun over HTTP as the signed-in operator; returns the queued rerun's id. */
async function importAndRerun(request: APIRequestContext, content: string, tag: string): Promise<string> {
  const run = await importFile(request, `${tag}.json`, content);
  const res = await request.post(`/api/jobs/${run.id}/rerun`);
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function withAgent<T>(env: Record<string, string>, body: (agent: RunningAgent) => Promise<T>): Promise<T> {
  const agent = await startAgent({ AGENT_MODEL: "replay", ...env });
  try {
    return await body(agent);
  } finally {
    expect(await agent.stop()).toBe(0);
  }
}

test("with the default roots a demo run's rerun runs in .data/demo-kernel; a rerun of a run on the app's own checkout fails at once, naming path and roots", async ({
  request,
}) => {
  const demoKernel = path.join(ROOT, ".data", "demo-kernel", "docs");
  const demo = await withDb((c) => c.query("SELECT id::text FROM jobs WHERE source = 'demo' AND args->>'KernelSrc' = $1", [demoKernel]));
  expect(demo.rows).toHaveLength(1);
  const res = await request.post(`/api/jobs/${demo.rows[0].id}/rerun`);
  expect([200, 201]).toContain(res.status());
  const demoRerun = ((await res.json()) as { id: string }).id;
  const onApp = await importAndRerun(
    request,
    recordedRun(ROOT, "on-app", [[["read-file", { File: ".data/postgres/PG_VERSION" }]]]),
    `on-app-${Date.now()}`,
  );

  await withAgent({}, async (agent) => {
    const job = await waitForJob(demoRerun, agent);
    expect(job, agent.output()).toMatchObject({ status: "finished", results: { WorthFuzzing: false } });
    expect(agent.output()).toContain(`kernel checkouts only under ${path.join(ROOT, ".data", "demo-kernel")} (AGENT_KERNEL_ROOTS)`);
    expect(agent.output()).toMatch(
      /each tool call: at most 60 s \(AGENT_TOOL_SECONDS\), each git at most 2048 MB of address space \(prlimit --as/,
    );

    const failed = await waitForJob(onApp, agent);
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe(
      `kernel checkout ${ROOT} is outside the agent's kernel roots (the agent's kernel roots: AGENT_KERNEL_ROOTS=${path.join(ROOT, ".data", "demo-kernel")})`,
    );
    // Nothing was read: the run stops in read-patch-diff, with no patch and no tool call.
    const spans = await trajectory(onApp);
    expect(spans.map((s) => [s.Type, s.Name, s.Error, s.Results ?? null])).toEqual([
      ["flow", "patch-triage", failed.error, null],
      ["action", "read-patch-diff", failed.error, null],
    ]);
  });
});

test("even under a root, the app's own folder and the database's data folder are refused", async ({ request }) => {
  const onApp = await importAndRerun(request, recordedRun(ROOT, "app-in-root"), `app-in-root-${Date.now()}`);
  const onData = await importAndRerun(request, recordedRun(dataDir, "data-in-root"), `data-in-root-${Date.now()}`);
  const roots = `${path.dirname(ROOT)}:${path.dirname(dataDir)}`;
  await withAgent({ AGENT_KERNEL_ROOTS: roots, TRAJECTORY_DATA_DIR: dataDir }, async (agent) => {
    expect(await waitForJob(onApp, agent)).toMatchObject({
      status: "failed",
      error: `kernel checkout ${ROOT} is the app's own folder ${ROOT}; the agent never opens it, whatever its roots allow (the agent's kernel roots: AGENT_KERNEL_ROOTS=${roots})`,
    });
    expect(await waitForJob(onData, agent)).toMatchObject({
      status: "failed",
      error: `kernel checkout ${dataDir} is the database's data folder ${dataDir}; the agent never opens it, whatever its roots allow (the agent's kernel roots: AGENT_KERNEL_ROOTS=${roots})`,
    });
  });
});

test("a replay whose recorded steps reach into the data folder gets tool errors, reads nothing, and the job goes on", async ({
  request,
}) => {
  // The file is there and readable: its absence from the rerun below is the agent's doing.
  const secret = "# PostgreSQL configuration file";
  expect(readFileSync(path.join(dataDir, "postgresql.conf"), "utf8")).toContain(secret);
  const up = path.relative(kernel, dataDir);
  const steps: Call[][] = [
    [
      ["read-file", { File: `${up}/postgresql.conf` }],
      ["codesearch-dir-index", { Dir: up }],
    ],
    [
      ["read-file", { File: "pg-data/postgresql.conf" }],
      ["codesearch-dir-index", { Dir: "pg-data" }],
    ],
    [
      ["grepper", { Expression: "PostgreSQL configuration", PathPrefix: "pg-data" }],
      ["read-file", { File: dataDir + "/postgresql.conf" }],
    ],
  ];
  const rerun = await importAndRerun(request, recordedRun(kernel, "into-data", steps), `into-data-${Date.now()}`);
  const job = await withAgent({ AGENT_KERNEL_ROOTS: parent, TRAJECTORY_DATA_DIR: dataDir }, (agent) => waitForJob(rerun, agent));
  expect(job).toMatchObject({ status: "finished", results: { WorthFuzzing: false, Reasoning: VERDICT.Reasoning } });
  const spans = await trajectory(rerun);
  expect(spans.filter((s) => s.Type === "tool").map((s) => [s.Name, s.Error ?? null, s.Results ?? null])).toEqual([
    ["read-file", `${up}/postgresql.conf is outside the kernel tree`, null],
    ["codesearch-dir-index", `${up} is outside the kernel tree`, null],
    ["read-file", "pg-data/postgresql.conf is outside the kernel tree", null],
    ["codesearch-dir-index", "pg-data is outside the kernel tree", null],
    ["grepper", "pg-data is outside the kernel tree", null],
    ["read-file", `${dataDir}/postgresql.conf: give a path relative to the kernel tree`, null],
    ["set-results", null, VERDICT],
  ]);
  expect(JSON.stringify(spans)).not.toContain(secret);
});
