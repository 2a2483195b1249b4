// The built-in triage agent as its own process against the running app over HTTP, on a generated kernel checkout.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createKernelRepo, DEMO_PATCHES } from "../lib/demo/git-repo";
import { withDb } from "./db";
import { agentOf, StandInModel, turnOf, type ChatRequest, type ScriptedAnswer } from "./stand-in-model";
import {
  expectedParents,
  queueTriage,
  startAgent as startAgentWith,
  storedParents,
  toolSteps,
  trajectory,
  waitForJob,
} from "./triage-agent-helpers";

// One recorded run (made with the stand-in model) is replayed by the later tests, so they run in order.
test.describe.configure({ mode: "serial" });

let parent: string;
let kernel: string;
let recorded: string;
const args = () => ({ KernelSrc: kernel, TargetArch: "amd64" });
/** The real agent, allowed to open the checkouts of this file's temp folder (its default root is .data/demo-kernel). */
const startAgent = (env: Record<string, string>) => startAgentWith({ AGENT_KERNEL_ROOTS: parent, ...env });

test.beforeAll(() => {
  parent = mkdtempSync(path.join(os.tmpdir(), "triage-agent-e2e-"));
  kernel = createKernelRepo(path.join(parent, "kernel"), DEMO_PATCHES[0]!);
});
test.afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** The stand-in model's script: look around, give a verdict with a config the tree lacks, fix it; then the KMSAN verdict. */
function triageScript(req: ChatRequest): ScriptedAnswer {
  if (agentOf(req) === "kmsan-evaluator")
    return { calls: [["set-results", { NeedsKMSAN: true, KMSANReasoning: "partial block buffers may be uninitialized" }]] };
  const verdict = {
    WorthFuzzing: true,
    FocusSymbols: ["ext4_dio_needs_zeroing"],
    Reasoning: "The bounds check is reachable from write(2) on ext4.",
  };
  const turns: ScriptedAnswer[] = [
    {
      calls: [
        ["grepper", { Expression: "ext4_dio_needs_zeroing", PathPrefix: "fs" }],
        ["codesearch-dir-index", { Dir: "fs/ext4" }],
      ],
    },
    { calls: [["read-file", { File: "fs/ext4/file.c", FirstLine: 1, LastLine: 12 }]] },
    { calls: [["set-results", { ...verdict, EnableConfigs: ["CONFIG_EXT4_FS", "CONFIG_NO_SUCH_OPTION"] }]] },
    { calls: [["set-results", { ...verdict, EnableConfigs: ["CONFIG_EXT4_FS", "FS_DAX"] }]] },
  ];
  return turns[turnOf(req)] ?? { status: 400, message: "the stand-in script has no more turns" };
}

const EXPECTED_RESULTS = {
  EnableConfigs: ["EXT4_FS", "FS_DAX"],
  FocusSymbols: ["ext4_dio_needs_zeroing"],
  KMSANReasoning: "partial block buffers may be uninitialized",
  NeedsKMSAN: true,
  Reasoning: "The bounds check is reachable from write(2) on ext4.",
  WorthFuzzing: true,
};

test("an OpenAI-compatible model drives a full run; a rejected set-results goes back to it and its retry is accepted", async () => {
  const jobId = await queueTriage(args());
  // While the model is thinking, the llm span must already be stored without Finished: spans stream start-first.
  const openWhileThinking: boolean[] = [];
  const model = new StandInModel(triageScript, async () => {
    const last = await withDb((c) => c.query("SELECT type, finished_at FROM spans WHERE job_id = $1 ORDER BY seq DESC LIMIT 1", [jobId]));
    openWhileThinking.push(last.rows[0]?.type === "llm" && last.rows[0]?.finished_at === null);
  });
  const url = await model.start();
  const agent = await startAgent({ AGENT_MODEL: `openai-compatible:stand-in-model@${url}`, AGENT_NAME: "stand-in-agent" });
  try {
    const job = await waitForJob(jobId, agent);
    expect(job, agent.output()).toMatchObject({ status: "finished", error: null, agentName: "stand-in-agent", results: EXPECTED_RESULTS });
  } finally {
    expect(await agent.stop()).toBe(0);
    await model.stop();
  }
  expect(openWhileThinking).toEqual([true, true, true, true, true]);
  // The model saw the rejection as the tool's error, naming the config the tree lacks.
  const retry = model.requests[3]!.messages.filter((m) => m.role === "tool").at(-1)!;
  expect(String(retry.content)).toContain("no Kconfig file in the tree defines CONFIG_NO_SUCH_OPTION");

  const spans = await trajectory(jobId);
  expect(spans.map((s) => `${s.Nesting} ${s.Type} ${s.Name}`)).toEqual([
    "0 flow patch-triage",
    "1 action read-patch-diff",
    "1 agent patch-evaluator",
    "2 llm patch-evaluator",
    "2 tool grepper",
    "2 tool codesearch-dir-index",
    "2 llm patch-evaluator",
    "2 tool read-file",
    "2 llm patch-evaluator",
    "2 tool set-results",
    "2 llm patch-evaluator",
    "2 tool set-results",
    "1 action If",
    "1 agent kmsan-evaluator",
    "2 llm kmsan-evaluator",
    "2 tool set-results",
  ]);
  expect(spans.map((s) => s.Seq)).toEqual(spans.map((_, i) => i));
  expect(spans.every((s) => s.Finished)).toBe(true);
  expect(await storedParents(jobId)).toEqual(expectedParents(spans));
  expect(spans[1]!.Results).toEqual({ PatchDiff: expect.stringContaining("+\tif (unlikely(pos < 0))") });
  expect(spans[3]).toMatchObject({ Model: "stand-in-model", InputTokens: 1100, OutputTokens: 25, OutputThoughtsTokens: 15 });
  expect(spans[4]!.Results).toEqual({ Output: expect.stringMatching(/^fs\/ext4\/file\.c:\d+:static int ext4_dio_needs_zeroing\(/) });
  expect(spans[5]!.Results).toEqual({ Subdirs: [], Files: ["Kconfig", "file.c", "inode.c"] });
  expect(spans[9]!.Error).toBe("no Kconfig file in the tree defines CONFIG_NO_SUCH_OPTION");
  expect(spans[11]).toMatchObject({ Results: { EnableConfigs: ["EXT4_FS", "FS_DAX"] } });
  expect(spans[11]!.Error).toBeUndefined();
  expect(spans[12]!.Args).toEqual({ Condition: "WorthFuzzing", Value: true });
  expect(spans[0]!.Results).toEqual(EXPECTED_RESULTS);
  recorded = jobId;
});

async function replay(rerunOf: string, jobArgs = args()) {
  const jobId = await queueTriage(jobArgs, rerunOf);
  const agent = await startAgent({ AGENT_MODEL: "replay", AGENT_NAME: "builtin-agent" });
  try {
    return { job: await waitForJob(jobId, agent), spans: await trajectory(jobId), output: agent.output() };
  } finally {
    expect(await agent.stop()).toBe(0);
  }
}

async function compareStatuses(page: import("@playwright/test").Page, a: string, b: string) {
  await page.goto(`/compare?a=${a}&b=${b}`);
  const rows = page.getByTestId("compare-steps").locator("[data-status]");
  await expect(rows.first()).toBeVisible();
  return rows.evaluateAll((trs) =>
    trs.map((tr) =>
      `${tr.getAttribute("data-status")} ${tr.textContent?.match(/grepper|read-file|codesearch-dir-index|set-results/)?.[0] ?? ""}`.trim(),
    ),
  );
}

test("a replay of the recorded run makes the same tool calls, gets the same tool results and reaches the same verdict", async ({
  page,
}) => {
  const original = await trajectory(recorded);
  const { job, spans, output } = await replay(recorded);
  expect(job, output).toMatchObject({
    status: "finished",
    agentName: "builtin-agent-replay",
    rerunOfId: recorded,
    results: EXPECTED_RESULTS,
  });
  expect(toolSteps(spans)).toEqual(toolSteps(original));
  expect(spans.filter((s) => s.Type === "llm").map((s) => s.Model)).toEqual(Array(5).fill("replay:stand-in-model"));
  // A replay spends no tokens, and says so by leaving them out.
  expect(spans.some((s) => s.InputTokens)).toBe(false);
  const statuses = await compareStatuses(page, recorded, job.id);
  expect(statuses.filter((s) => s.startsWith("changed"))).toEqual([]);
  expect(statuses).toHaveLength(original.length);
});

test("after a change the tools see, the replayed tool results differ and Compare shows it; the verdict still holds", async ({ page }) => {
  const file = path.join(kernel, "fs/ext4/file.c");
  const before = readFileSync(file, "utf8");
  writeFileSync(file, `/* ext4_dio_needs_zeroing: see the DIO notes */\n${before}`);
  appendFileSync(path.join(kernel, "fs/ext4/inode.c"), "\n");
  const { job, spans, output } = await replay(recorded);
  expect(job, output).toMatchObject({ status: "finished", results: EXPECTED_RESULTS });
  const original = toolSteps(await trajectory(recorded));
  const replayed = toolSteps(spans);
  expect(replayed.map((s) => [s.Name, s.Args])).toEqual(original.map((s) => [s.Name, s.Args]));
  expect(replayed[0]!.Results).not.toEqual(original[0]!.Results); // grepper finds the new comment too
  expect(String((replayed[0]!.Results as { Output: string }).Output).split("\n")).toHaveLength(3);
  expect(replayed[2]!.Results).not.toEqual(original[2]!.Results); // read-file of the first lines
  const statuses = await compareStatuses(page, recorded, job.id);
  expect(statuses.filter((s) => s.startsWith("changed"))).toEqual(["changed grepper", "changed read-file"]);
});

test("a missing checkout fails the job with an error naming the path", async () => {
  const missing = path.join(parent, "no-such-kernel");
  const { job, spans } = await replay(recorded, { KernelSrc: missing, TargetArch: "amd64" });
  expect(job.status).toBe("failed");
  expect(job.error).toBe(`kernel checkout ${missing} does not exist`);
  expect(spans.map((s) => [s.Type, s.Name, s.Error])).toEqual([
    ["flow", "patch-triage", job.error],
    ["action", "read-patch-diff", job.error],
  ]);
});

test("the LLM call limit ends a run with a clear error, and the worker takes the next job", async () => {
  const model = new StandInModel(triageScript);
  const url = await model.start();
  const first = await queueTriage(args());
  const second = await queueTriage(args());
  const agent = await startAgent({ AGENT_MODEL: `openai-compatible:stand-in-model@${url}`, AGENT_MAX_LLM_CALLS: "2" });
  try {
    for (const id of [first, second]) {
      expect(await waitForJob(id, agent)).toMatchObject({ status: "failed", error: "limit reached: 2 LLM calls (AGENT_MAX_LLM_CALLS=2)" });
    }
  } finally {
    expect(await agent.stop()).toBe(0);
    await model.stop();
  }
  expect(model.requests).toHaveLength(4);
});

test("a rejected key fails the job with the endpoint's status, its text only in the agent's log; a missing key names the variable", async () => {
  const rejecting = new StandInModel(() => ({ status: 401, message: "Incorrect API key provided: bad-key" }));
  const url = await rejecting.start();
  const rejectedJob = await queueTriage(args());
  const rejected = await startAgent({ AGENT_MODEL: `openai-compatible:stand-in-model@${url}`, OPENAI_API_KEY: "bad-key" });
  try {
    const job = await waitForJob(rejectedJob, rejected);
    expect(job.status).toBe("failed");
    // The remote's words are for the operators (the agent's log), not for every reader of the run (issue 21, finding 7).
    expect(job.error).toBe("LLM call failed (stand-in-model): the model endpoint answered HTTP 401 (its text is in the agent's log)");
    expect(rejected.output()).toContain("Incorrect API key provided: bad-key");
  } finally {
    expect(await rejected.stop()).toBe(0);
    await rejecting.stop();
  }
  const keylessJob = await queueTriage(args());
  const keyless = await startAgent({ AGENT_MODEL: "google:gemini-3.1-pro-preview" });
  try {
    expect(await waitForJob(keylessJob, keyless)).toMatchObject({
      status: "failed",
      error: "GOOGLE_GENERATIVE_AI_API_KEY is not set, and AGENT_MODEL=google:gemini-3.1-pro-preview needs it",
    });
  } finally {
    expect(await keyless.stop()).toBe(0);
  }
});

test("Rerun of a demo run, as `npm start` stored it, replays to the same steps: Compare finds no difference", async ({ page }) => {
  // The demo runs' tool outputs were recorded on the demo checkouts (lib/triage-agent/record-outputs.ts).
  const demo = await withDb(
    async (c) =>
      (
        await c.query(
          "SELECT id::text, args->>'KernelSrc' AS src FROM jobs WHERE source = 'demo' AND workflow = 'patch-triage' AND status = 'finished' ORDER BY created_at",
        )
      ).rows as { id: string; src: string }[],
  );
  expect(demo.length).toBeGreaterThan(2);
  const net = demo.find((d) => d.src.endsWith(`${path.sep}net`))!; // the one with failing tool steps
  const rerun = await queueTriage({ KernelSrc: net.src, TargetArch: "amd64" }, net.id);
  const agent = await startAgent({ AGENT_MODEL: "replay", AGENT_KERNEL_ROOTS: path.dirname(net.src) });
  try {
    expect((await waitForJob(rerun, agent)).status, agent.output()).toBe("finished");
  } finally {
    expect(await agent.stop()).toBe(0);
  }
  const statuses = await compareStatuses(page, net.id, rerun);
  expect(statuses.filter((s) => !s.startsWith("same"))).toEqual([]);
  expect(
    statuses.filter((s) => s.endsWith("grepper") || s.endsWith("read-file") || s.endsWith("codesearch-dir-index")).length,
  ).toBeGreaterThan(4);
});
