// The agent protocol over real HTTP: a test agent polls, streams a trajectory, finishes; auth, concurrency, silent agents.
import { toolConfig } from "@/lib/config";
import { randomBytes, randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { TestAgent } from "./agent-client";
import { goJson, protocolRequest } from "../lib/agents/client";
import { withDb } from "./db";

const BASE = `http://127.0.0.1:${toolConfig().E2E_PORT}`;
const t = (s: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, s)).toISOString();

const workflowsUsed: string[] = [];

// Jobs of these throwaway workflows would crowd the history other tests read.
test.afterAll(async () => {
  await withDb((c) => c.query("DELETE FROM jobs WHERE workflow = ANY($1::text[])", [workflowsUsed]));
});

/** Queues pending jobs of a workflow only this test polls for. */
async function queueJobs(workflow: string, n: number): Promise<string[]> {
  workflowsUsed.push(workflow);
  const ids = Array.from({ length: n }, () => randomUUID());
  await withDb((c) =>
    c.query(
      `INSERT INTO jobs (id, workflow, status, args, created_at)
       SELECT id, $2, 'pending', '{"KernelSrc":"/src","TargetArch":"amd64"}'::jsonb, now() + (ord * interval '1 ms')
       FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, ord)`,
      [ids, workflow],
    ),
  );
  return ids;
}

test("an agent polls, streams its trajectory out of order and twice, finishes; the run holds exactly that trajectory", async ({ page }) => {
  // Named as aflow names a patch-triage flow registered with a name, so its WorthFuzzing is the verdict (lib/workflows).
  const workflow = `patch-triage-proto-${randomUUID().slice(0, 8)}`;
  const [jobId] = await queueJobs(workflow, 1);
  const agent = await TestAgent.create(BASE, `agent-${randomUUID().slice(0, 8)}`);

  const job = await agent.poll([workflow]);
  expect(job).toEqual({ ID: jobId, Workflow: workflow, Args: { KernelSrc: "/src", TargetArch: "amd64" } });
  expect((await agent.as("another-pod").poll([workflow])).ID).toBe(""); // no more work (the same agent polling again would be a restart)

  const flowStart = { Seq: 0, Nesting: 0, Type: "flow", Name: workflow, Started: t(0), Args: { KernelSrc: "/src" } };
  const llmStart = { Seq: 1, Nesting: 1, Type: "llm", Name: "evaluator", Model: "m-1", Started: t(1) };
  const llmDone = {
    ...llmStart,
    Finished: t(5),
    Thoughts: "thinking <b>hard</b>",
    InputTokens: 100,
    OutputTokens: 7,
    OutputThoughtsTokens: 3,
  };
  const toolStart = { Seq: 2, Nesting: 1, Type: "tool", Name: "grepper", Started: t(5), Args: { Expression: "x" } };
  const toolDone = { ...toolStart, Finished: t(6), Error: "no matches" };
  const flowDone = { ...flowStart, Finished: t(9), Results: { WorthFuzzing: false, Reasoning: "nothing reachable" } };
  for (const span of [flowStart, llmStart, llmDone, toolDone, toolStart /* late start copy */, llmDone /* twice */, flowDone]) {
    const r = await agent.log(jobId!, span);
    expect(r.status, r.text).toBe(200);
  }
  const done = await agent.done(jobId!, { WorthFuzzing: false, Reasoning: "nothing reachable" });
  expect(done.status, done.text).toBe(200);
  expect((await agent.done(jobId!, { WorthFuzzing: false })).status).toBe(200); // repeated done is harmless

  const stored = await withDb(async (c) => {
    const j = await c.query(
      "SELECT status, agent_name, code_revision, verdict, llm_calls, tool_calls, tool_errors, input_tokens FROM jobs WHERE id = $1",
      [jobId],
    );
    const s = await c.query(
      "SELECT seq, parent_seq, finished_at IS NOT NULL AS finished, error, thoughts FROM spans WHERE job_id = $1 ORDER BY seq",
      [jobId],
    );
    return { job: j.rows[0], spans: s.rows };
  });
  expect(stored.job).toEqual({
    status: "finished",
    agent_name: agent.agentName,
    code_revision: "test-rev-1",
    verdict: false,
    llm_calls: 1,
    tool_calls: 1,
    tool_errors: 1,
    input_tokens: "100",
  });
  expect(stored.spans).toEqual([
    { seq: 0, parent_seq: null, finished: true, error: null, thoughts: null },
    { seq: 1, parent_seq: 0, finished: true, error: null, thoughts: "thinking <b>hard</b>" },
    { seq: 2, parent_seq: 0, finished: true, error: "no matches", thoughts: null },
  ]);

  // The export holds exactly what the agent sent, finished copies winning.
  const exported = await page.request.get(`/api/jobs/${jobId}/trajectory`);
  expect(exported.status()).toBe(200);
  // Times in Go's RFC3339Nano form (no ".000"), Args and Results as sent.
  const go = (ts: string) => ts.replace(".000Z", "Z");
  expect(await exported.json()).toEqual(
    [flowDone, llmDone, toolDone].map((s) => ({ ...s, Started: go(s.Started), Finished: go(s.Finished) })),
  );

  await page.goto(`/jobs/${jobId}`);
  await expect(page.getByTestId("verdict")).toContainText("nothing reachable");
  await expect(page.locator("body")).toContainText("grepper");
});

test("wrong key, unknown client, someone else's job, unknown method and bad payloads are refused with a reason", async () => {
  // Two clients made with `npm run agent:add` (a process each): slow on a busy two-core machine.
  test.setTimeout(180_000);
  const workflow = `auth-${randomUUID().slice(0, 8)}`;
  const [jobId] = await queueJobs(workflow, 1);
  const owner = await TestAgent.create(BASE, `owner-${randomUUID().slice(0, 8)}`);
  const other = await TestAgent.create(BASE, `other-${randomUUID().slice(0, 8)}`);
  expect((await owner.poll([workflow])).ID).toBe(jobId);

  // One answer for both: which of the two was wrong is not said.
  const wrongKey = await owner.call("ai_job_poll", { AgentName: owner.agentName, Workflows: [] }, { key: "not-the-key" });
  expect(wrongKey).toEqual({ status: 401, text: "unknown client or wrong key" });
  const unknown = await owner.call("ai_job_poll", { AgentName: "x" }, { client: "nobody-here" });
  expect(unknown).toEqual({ status: 401, text: "unknown client or wrong key" });

  // Another client, even under the owner's AgentName: its span and its done are refused and change nothing.
  const foreign = await other.as(owner.agentName).log(jobId!, { Seq: 0, Nesting: 0, Type: "flow", Name: workflow, Started: t(0) });
  expect(foreign).toEqual({ status: 403, text: `job ${jobId} was polled by another agent client` });
  expect((await other.done(jobId!, null, "taken over")).status).toBe(403);
  const state = await withDb((c) => c.query("SELECT status, error FROM jobs WHERE id = $1", [jobId]));
  expect(state.rows[0]).toEqual({ status: "running", error: null });

  expect(await owner.call("ai_no_such_call", {})).toEqual({ status: 400, text: 'unknown method "ai_no_such_call"' });
  const truncated = gzipSync(JSON.stringify({ AgentName: "a" })).subarray(0, 12);
  const bad = await owner.call("ai_job_poll", undefined, { rawPayload: truncated });
  expect(bad.status).toBe(400);
  expect(bad.text).toContain("payload is not valid gzip");
  const noSeq = await owner.log(jobId!, { Nesting: 0, Type: "flow", Name: "x", Started: t(0) });
  expect(noSeq.status).toBe(400);
  expect(noSeq.text).toContain("Span.Seq");
  const spans = await withDb((c) => c.query("SELECT count(*)::int AS n FROM spans WHERE job_id = $1", [jobId]));
  expect(spans.rows[0].n).toBe(0);
});

test("20 agents polling 100 pending jobs at once get every job exactly once", async () => {
  const workflow = `many-${randomUUID().slice(0, 8)}`;
  const ids = await queueJobs(workflow, 100);
  // One client key shared by a fleet of 20 agent processes, each with its own AgentName.
  const fleet = await TestAgent.create(BASE, `fleet-${randomUUID().slice(0, 8)}`);
  const agents = Array.from({ length: 20 }, (_, i) => new TestAgent(BASE, fleet.client, fleet.key, `${fleet.client}-${i}`));
  const got: string[] = [];
  await Promise.all(
    agents.map(async (agent) => {
      // Each job goes to a fresh agent process (a new AgentName): an agent polling again while it holds a job restarted.
      for (let n = 0; ; n++) {
        const job = await agent.as(`${agent.agentName}-${n}`).poll([workflow]);
        if (!job.ID) return;
        got.push(job.ID);
      }
    }),
  );
  expect(got.length).toBe(100);
  expect(new Set(got).size).toBe(100);
  expect([...got].sort()).toEqual([...ids].sort());
  const running = await withDb((c) =>
    c.query("SELECT count(DISTINCT agent_name)::int AS agents, count(*)::int AS n FROM jobs WHERE workflow = $1 AND status = 'running'", [
      workflow,
    ]),
  );
  expect(running.rows[0].n).toBe(100);
  expect(running.rows[0].agents).toBeGreaterThan(1);
});

test("syz-agent's calls as Go sends them: polled under its pod name, spans under its client name, start copies without Model or with every zero field (Go < 1.24)", async ({
  page,
}) => {
  const workflow = `go-${randomUUID().slice(0, 8)}`;
  const [jobId] = await queueJobs(workflow, 1);
  const pod = await TestAgent.create(BASE, `agent-${randomUUID().slice(0, 8)}`);
  const polled = await pod.as("syz-agent-7c9f").poll([workflow]);
  expect(polled.ID).toBe(jobId);
  const agent = pod.as(pod.client); // AITrajectoryReq.AgentName = cfg.DashboardClient
  const T = (s: string) => `2026-11-25T10:00:${s}`;
  // Field order is Go's (trajectory.Span); start copies are sent first, finish copies after their children.
  const flowStart = { Seq: 0, Nesting: 0, Type: "flow", Name: workflow, Started: T("00.123456Z") };
  const llmStart = { Seq: 1, Nesting: 1, Type: "llm", Name: "evaluator", Started: T("01Z") };
  const toolStartGo123 = {
    Seq: 2,
    Nesting: 1,
    Type: "tool",
    Name: "grepper",
    Model: "",
    Started: T("02Z"),
    Finished: "0001-01-01T00:00:00Z",
    Error: "",
    Args: { "10": 1, "9": 2, Expression: "a<b && c>d" },
    Results: null,
    Instruction: "",
    Prompt: "",
    Reply: "",
    Thoughts: "",
    InputTokens: 0,
    OutputTokens: 0,
    OutputThoughtsTokens: 0,
  };
  const llmDone = { ...llmStart, Model: "gemini-3.1-pro-preview", Finished: T("01.5Z"), Thoughts: "hmm", InputTokens: 12, OutputTokens: 3 };
  const toolDone = {
    Seq: 2,
    Nesting: 1,
    Type: "tool",
    Name: "grepper",
    Started: T("02Z"),
    Finished: T("03Z"),
    Args: toolStartGo123.Args,
    Results: {},
  };
  const flowDone = { ...flowStart, Finished: T("04Z"), Results: { WorthFuzzing: true, Reasoning: "reachable" } };
  // Go sorts map keys bytewise ("10" before "9"); a JS object cannot hold that order, so the text is written as Go does.
  const goOrder = (text: string) => text.replace('{"9":2,"10":1,', '{"10":1,"9":2,');
  for (const span of [flowStart, llmStart, llmDone, toolStartGo123, toolDone, flowDone]) {
    const r = await agent.call("ai_trajectory_log", undefined, {
      rawPayload: gzipSync(goOrder(goJson(protocolRequest.log(agent.agentName, jobId!, span)))),
    });
    expect(r.status, r.text).toBe(200);
  }
  expect((await agent.done(jobId!, { WorthFuzzing: true, Reasoning: "reachable" })).status).toBe(200);
  const job = await withDb((c) => c.query("SELECT status, agent_name, agent_client, span_agent_name FROM jobs WHERE id = $1", [jobId]));
  expect(job.rows[0]).toEqual({ status: "finished", agent_name: "syz-agent-7c9f", agent_client: pod.client, span_agent_name: pod.client });
  const exported = await page.request.get(`/api/jobs/${jobId}/trajectory`);
  // Exactly what was sent: finish copies, Go's key order, Args with its integer-like keys in the agent's order.
  expect(await exported.text()).toBe(
    goOrder(JSON.stringify([flowDone, llmDone, toolDone])).replace("a<b && c>d", "a\\u003cb \\u0026\\u0026 c\\u003ed"),
  );
});

test("a job whose agent went silent is aborted with the reason and a fresh copy is queued", async () => {
  const workflow = `silent-${randomUUID().slice(0, 8)}`;
  const [jobId] = await queueJobs(workflow, 1);
  const agent = await TestAgent.create(BASE, `silent-${randomUUID().slice(0, 8)}`);
  expect((await agent.poll([workflow])).ID).toBe(jobId);
  // The agent has not been heard of for 9 hours (the server's timeout is upstream's 8 hours).
  await withDb((c) => c.query("UPDATE jobs SET last_seen_at = now() - interval '9 hours' WHERE id = $1", [jobId]));
  // Another agent polls (the same one polling again would count as restarted first, as upstream's NextStaleJob does).
  const fresh = await agent.as("rescuer").poll([workflow]);
  expect(fresh.ID).not.toBe("");
  expect(fresh.ID).not.toBe(jobId);
  const rows = await withDb((c) =>
    c.query("SELECT id::text, status, error, rerun_of_id::text AS rerun_of FROM jobs WHERE workflow = $1 ORDER BY created_at", [workflow]),
  );
  expect(rows.rows[0]).toMatchObject({ id: jobId, status: "aborted" });
  expect(rows.rows[0].error).toBe("Aborted: assigned agent has been inactive for too long");
  expect(rows.rows[1]).toMatchObject({ id: fresh.ID, status: "running", rerun_of: jobId });
  const late = await agent.log(jobId!, { Seq: 0, Nesting: 0, Type: "flow", Name: workflow, Started: t(0) });
  expect(late.status).toBe(409);
});

test("a failed job's 11 MB error log arrives whole over HTTP (no proxy cuts the body at 10 MB) and is kept as its first 1 MiB", async () => {
  test.setTimeout(180_000);
  const workflow = `bigerr-${randomUUID().slice(0, 8)}`;
  const [jobId] = await queueJobs(workflow, 1);
  const agent = await TestAgent.create(BASE, `bigerr-${randomUUID().slice(0, 8)}`);
  expect((await agent.poll([workflow])).ID).toBe(jobId);
  // Random base64 barely compresses: the gzip payload, and so the request, is over 10 MB and under the 16 MB cap.
  const error = randomBytes(11 * 1024 * 1024).toString("base64");
  expect(gzipSync(error).length).toBeGreaterThan(10 * 1024 * 1024);
  const reply = await agent.done(jobId!, null, error);
  expect(reply).toEqual({ status: 200, text: expect.any(String) });
  const row = await withDb((c) => c.query("SELECT status, error FROM jobs WHERE id = $1", [jobId]));
  expect(row.rows[0].status).toBe("failed");
  expect(row.rows[0].error.startsWith(error.slice(0, 1000))).toBe(true);
  expect(row.rows[0].error.endsWith("\n... [truncated]")).toBe(true);
});
