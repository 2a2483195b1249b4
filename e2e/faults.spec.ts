// Faults while agents work: PostgreSQL restarted mid-stream (nothing acknowledged is lost, nothing doubled) and an
// agent process killed mid-job (the job is aborted and requeued after the silent timeout). Each runs against its
// own app, started as e2e starts one, on a PostgreSQL this test stops and starts itself. Last, the app is killed in the
// middle of an import: the import is all or nothing.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { createKernelRepo, DEMO_PATCHES } from "../lib/demo/git-repo";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded-postgres";
import { LoadAgent } from "../lib/load/agent";
import { freePort, startApp, type AppProcess } from "../lib/load/app";
import { protocolCall, type Credentials } from "../lib/load/http";
import { Ledger } from "../lib/load/ledger";
import { queueJobs } from "../lib/load/queue";
import { LoadStats } from "../lib/load/stats";
import { StandInModel } from "./stand-in-model";
import { addUser, signIn } from "./users";

test.describe.configure({ mode: "serial" });
const ROOT = path.resolve(import.meta.dirname, "..");
// Short, so the killed agent's job is given up within the test; long enough that a database restart does not trip it.
const SILENT_SECONDS = 6;

let dir: string;
let pgPort: number;
let postgres: EmbeddedPostgres;
let app: AppProcess;
let creds: Credentials;
let db: pg.Pool;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the app said:\n${app?.output()}`);
    await sleep(100);
  }
}
const startPostgres = () => startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: pgPort, persistent: true });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dir = mkdtempSync(path.join(os.tmpdir(), "trajectory-faults-"));
  pgPort = await freePort();
  postgres = await startPostgres();
  // The app applies the migrations (start.ts); the build is the one the e2e server already made fresh.
  app = await startApp({
    env: { DATABASE_URL: postgres.url, AGENT_SILENT_TIMEOUT_SECONDS: String(SILENT_SECONDS) },
    args: ["--no-agent", "--no-demo"],
  });
  const client = `faults-${Date.now()}`;
  const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "agent:add", "--", client], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: postgres.url },
    encoding: "utf8",
  });
  creds = { client, key: stdout.trim() };
  // The pool reconnects by itself after the restart, like the app's.
  db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  db.on("error", () => {});
});

test.afterAll(async () => {
  await db?.end().catch(() => {});
  await app?.stop();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("PostgreSQL restarted in the middle of streaming: agents retry, every acknowledged span is stored once, the app answers 503 meanwhile", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const workflow = `fault-pg-${Date.now()}`;
  await queueJobs(db, workflow, 40);
  const ledger = new Ledger();
  const stats = new LoadStats();
  let over = false;
  const agents = Array.from(
    { length: 4 },
    (_, i) =>
      new LoadAgent({
        baseURL: app.url,
        creds,
        agentName: `pg-restart-${i}`,
        workflow,
        spansPerJob: 12,
        stats,
        ledger,
        stopped: () => over,
        retryUntil: () => Date.now() + 60_000,
        seed: i + 1,
      }),
  );
  const reader = await addUser("viewer", "fault-reader", postgres.url);
  const readerContext = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL: app.url });
  const page = await readerContext.newPage();
  await signIn(page, reader);
  const running = agents.map((a) => a.run());
  try {
    await until("spans to stream", () => ledger.acknowledgedCount >= 80, 60_000);
    await postgres.stop();
    // (a moment for answers to requests committed just before the stop to arrive)
    await sleep(300);
    const down = ledger.acknowledgedCount;
    await sleep(1200);
    // While the database is away nothing can be acknowledged: the agents are retrying.
    expect(ledger.acknowledgedCount).toBe(down);
    // A signed-in reader meanwhile gets the page's own error under a header that still stands, with a way to try
    // again; trying again once the database is back works (as a reader would: again until it answers).
    const shown = page
      .goto(`${app.url}/`)
      .then(() => expect(page.getByTestId("page-error")).toContainText("This page could not be loaded"))
      .then(() => expect(page.getByText("account unavailable")).toBeVisible())
      .then(
        () => null,
        (error: unknown) => error,
      );
    const problem = await shown;
    postgres = await startPostgres();
    if (problem) throw problem;
    await expect(async () => {
      await page.getByRole("button", { name: "Try again" }).click({ timeout: 2_000 });
      await expect(page.getByTestId("page-error")).toBeHidden({ timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByTestId("signed-in-as")).toContainText(reader.email);
    await until("streaming to resume after the restart", () => ledger.acknowledgedCount >= down + 80, 60_000);
  } finally {
    over = true;
    await Promise.all(running);
    await readerContext.close();
  }
  const verdict = await ledger.verify(db);
  expect(verdict.examples).toEqual([]);
  expect(verdict).toMatchObject({ lost: 0, duplicates: 0, wrongFields: 0, unexpected: 0 });
  expect(verdict.acknowledged).toBeGreaterThanOrEqual(160);
  // The outage was seen as "retry later", never as the app's own failure.
  expect(stats.errors.get("503") ?? 0).toBeGreaterThan(0);
  expect(stats.errors.get("500"), app.output().slice(-3000)).toBeUndefined();
  const finished = await db.query("SELECT count(*)::int AS n FROM jobs WHERE workflow = $1 AND status = 'finished'", [workflow]);
  expect(finished.rows[0].n).toBeGreaterThan(0);
  console.log(
    `PostgreSQL restart: ${verdict.acknowledged} spans acknowledged, 0 lost, 0 twice; errors during the outage: ${stats.errorSummary()}; ${finished.rows[0].n} jobs finished`,
  );
});

test("an agent killed mid-job: after the silent timeout its job is aborted with the reason and a fresh copy is queued", async () => {
  test.setTimeout(120_000);
  const kernel = createKernelRepo(path.join(dir, "kernel"), DEMO_PATCHES[0]!);
  const [jobId] = await queueJobs(db, "patch-triage", 1);
  await db.query("UPDATE jobs SET args = $2::jsonb WHERE id = $1", [jobId, JSON.stringify({ KernelSrc: kernel, TargetArch: "amd64" })]);
  // STAND-IN for the LLM provider: it takes the agent's first question and never answers, so the agent is mid-job.
  let asked = false;
  const model = new StandInModel(
    () => ({ status: 500, message: "unreachable" }),
    () => ((asked = true), new Promise<void>(() => {})),
  );
  const modelUrl = await model.start();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TRAJECTORY_URL: app.url,
    AGENT_CLIENT: creds.client,
    AGENT_KEY: creds.key,
    AGENT_NAME: "doomed-agent",
    AGENT_MODEL: `openai-compatible:stand-in@${modelUrl}`,
    AGENT_KERNEL_ROOTS: kernel,
  };
  for (const k of Object.keys(env)) if (/_API_KEY$/.test(k)) delete env[k];
  const agent = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "agent.ts")], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  agent.stdout!.on("data", (c: Buffer) => (out += c));
  agent.stderr!.on("data", (c: Buffer) => (out += c));
  const exited = new Promise<NodeJS.Signals | null>((r) => agent.once("exit", (_code, signal) => r(signal)));
  try {
    await until("the agent to reach its first model call", () => asked, 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\nagent said:\n${out}`);
    });
    // Mid-stream: the flow, read-patch-diff and agent spans are stored, the llm span is open, the job is running.
    const mid = await db.query(
      "SELECT status, agent_name, (SELECT count(*)::int FROM spans WHERE job_id = $1) AS spans, (SELECT count(*)::int FROM spans WHERE job_id = $1 AND finished_at IS NULL) AS open FROM jobs WHERE id = $1",
      [jobId],
    );
    expect(mid.rows[0]).toMatchObject({ status: "running", agent_name: "doomed-agent" });
    expect(mid.rows[0].spans).toBeGreaterThanOrEqual(3);
    expect(mid.rows[0].open).toBeGreaterThanOrEqual(1);
    agent.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
  } finally {
    if (agent.exitCode === null && agent.signalCode === null) agent.kill("SIGKILL");
    await model.stop();
  }
  const killedAt = Date.now();

  // Another agent polls; until the timeout the job stays running and there is nothing to take.
  const poll = protocolCall(app.url, creds, "ai_job_poll", {
    AgentName: "rescuer",
    CodeRevision: "t",
    Workflows: [{ Type: "patch-triage", Name: "patch-triage" }],
  });
  const first = await poll();
  expect(first.outcome).toBe(200);
  expect(JSON.parse(first.text).ID).toBe("");
  let fresh = "";
  await until(
    "the requeued copy",
    async () => {
      const r = await poll();
      fresh = r.outcome === 200 ? (JSON.parse(r.text) as { ID: string }).ID : "";
      return fresh !== "";
    },
    (SILENT_SECONDS + 20) * 1000,
  );
  expect(Date.now() - killedAt).toBeLessThan((SILENT_SECONDS + 20) * 1000);

  const rows = await db.query(
    "SELECT id::text, status, error, rerun_of_id::text AS rerun_of, agent_name, args, EXTRACT(EPOCH FROM finished_at - last_seen_at) AS silent_for FROM jobs WHERE id = ANY($1::uuid[])",
    [[jobId, fresh]],
  );
  const old = rows.rows.find((r) => r.id === jobId)!;
  const copy = rows.rows.find((r) => r.id === fresh)!;
  expect(old).toMatchObject({ status: "aborted" });
  expect(old.error).toBe("Aborted: assigned agent has been inactive for too long");
  expect(Number(old.silent_for)).toBeGreaterThanOrEqual(SILENT_SECONDS);
  expect(copy).toMatchObject({
    status: "running",
    rerun_of: jobId,
    agent_name: "rescuer",
    args: { KernelSrc: kernel, TargetArch: "amd64" },
  });
  // The spans the killed agent had sent stay with the aborted run, to be read.
  const kept = await db.query("SELECT count(*)::int AS n FROM spans WHERE job_id = $1", [jobId]);
  expect(kept.rows[0].n).toBeGreaterThanOrEqual(3);
});

/** An operator's session cookie on the fault test's own app, signed in over HTTP as a script would. */
async function operatorCookie(): Promise<string> {
  const { email, password } = await addUser("operator", "faults-operator", postgres.url);
  // better-auth wants the Origin of a cookie-setting POST, as a browser sends it.
  const res = await fetch(`${app.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** The app's processes: start.ts and the Next server it started. */
async function appPids(): Promise<number[]> {
  const { stdout } = await promisify(execFile)("pgrep", ["-P", String(app.pid)]).catch(() => ({ stdout: "" }));
  return [app.pid, ...stdout.split("\n").filter(Boolean).map(Number)];
}

test("the app killed (SIGKILL) during POST /api/import: none of the run is stored, and the same upload then stores all of it", async () => {
  test.setTimeout(600_000);
  const cookie = await operatorCookie();
  // ~30,000 spans stored in one transaction: a window wide enough to kill the app inside it.
  const workflow = `app-kill-${Date.now()}`;
  const { triageFile } = await import("../lib/demo/patch-triage");
  const run = triageFile(workflow, 15_000, 11);
  const body = new FormData();
  body.append("file", new Blob([new Uint8Array(run.bytes)]), "big.json");
  const upload = (url: string) => fetch(`${url}/api/import`, { method: "POST", headers: { cookie }, body });
  const stored = async () =>
    (
      await db.query(
        "SELECT (SELECT count(*)::int FROM jobs WHERE workflow = $1) AS jobs, (SELECT count(*)::int FROM spans s JOIN jobs j ON j.id = s.job_id WHERE j.workflow = $1) AS spans",
        [workflow],
      )
    ).rows[0];

  const pending = upload(app.url).then(
    (r) => r.status,
    (e: Error) => e.message,
  );
  // Kill only once the app's backend is inside the transaction, writing span rows.
  let backend: number | undefined;
  await until(
    "the import to write spans",
    async () => {
      const { rows } = await db.query(
        `SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_xid IS NOT NULL AND state = 'active' AND query LIKE '%INSERT INTO spans%'`,
      );
      backend = rows[0]?.pid;
      return backend !== undefined;
    },
    300_000,
  );
  for (const pid of await appPids()) process.kill(pid, "SIGKILL");
  expect(await pending).not.toBe(200);
  await until(
    "PostgreSQL to roll the killed import back",
    async () => !(await db.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [backend])).rowCount,
    60_000,
  );
  expect(await stored()).toEqual({ jobs: 0, spans: 0 });

  // A fresh app on the same database takes the same upload whole.
  app = await startApp({
    env: { DATABASE_URL: postgres.url, AGENT_SILENT_TIMEOUT_SECONDS: String(SILENT_SECONDS) },
    args: ["--no-agent", "--no-demo"],
  });
  const again = await upload(app.url);
  expect(again.status, await again.clone().text()).toBe(200);
  expect(await stored()).toEqual({ jobs: 1, spans: run.spans });
  console.log(`App killed mid-import: 0 of ${run.spans} spans stored; the same upload afterwards stored all ${run.spans}`);
});
