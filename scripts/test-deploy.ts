// `npm run test:deploy`: the production topology of docs/deploy.md, started for real on loopback and checked through
// its proxy: nginx terminating TLS (a self-signed certificate made here) in front of two app instances (the app's own
// start entry, `npm start`), a PostgreSQL 15 primary with a streaming replica (pg_basebackup -R), and the built-in
// agent pointed at the proxy. Each check prints a line; any failure makes the exit code 1. Everything started is
// stopped and every file removed, also on failure or Ctrl-C: the parent process only makes the certificate (so the
// child trusts it from its first line, NODE_EXTRA_CA_CERTS) and sweeps what the child leaves behind.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "@/lib/load/app";
import { encodeCall, postCall } from "@/lib/agents/client";
import { LoadAgent } from "@/lib/load/agent";
import { Ledger } from "@/lib/load/ledger";
import { queueJobs, pendingJobs } from "@/lib/load/queue";
import { runReader } from "@/lib/load/reader";
import { LoadStats } from "@/lib/load/stats";
import { makeTrajectory } from "@/lib/load/trajectory";
import { cpuSeconds } from "@/lib/load/cpu";
import { nginxConfig } from "./test-deploy-nginx";

const ROOT = path.resolve(import.meta.dirname, "..");
const PG_BIN = "/usr/lib/postgresql/15/bin";
const T0 = Date.now();
const elapsed = () => `${((Date.now() - T0) / 1000).toFixed(0)}s`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- parent: packages, certificate, the child, the sweep ------------------------------------------------------------

function asRoot(cmd: string[]): void {
  const argv = process.getuid?.() === 0 ? cmd : ["sudo", ...cmd];
  execFileSync(argv[0]!, argv.slice(1), { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

/** Debian's nginx, PostgreSQL 15 and openssl, installed when missing (as .ci/run installs Chromium). */
function ensurePackages(): void {
  const missing = [
    ["nginx", existsSync("/usr/sbin/nginx")],
    ["postgresql-15", existsSync(path.join(PG_BIN, "pg_basebackup"))],
    ["openssl", spawnSync("openssl", ["version"]).status === 0],
  ].flatMap(([name, ok]) => (ok ? [] : [name as string]));
  if (!missing.length) return;
  console.log(`installing ${missing.join(", ")} (apt-get)`);
  asRoot(["apt-get", "update", "-qq"]);
  asRoot(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing]);
  // Debian's package starts a cluster of its own; this test runs its own clusters on other ports.
  spawnSync("pg_ctlcluster", ["15", "main", "stop"], { stdio: "ignore" });
}

/** Stops whatever the child recorded in pids (process groups) and clusters, then removes the folder. */
function sweep(dir: string): void {
  const pids = existsSync(path.join(dir, "pids")) ? readFileSync(path.join(dir, "pids"), "utf8").split("\n").filter(Boolean) : [];
  for (const line of pids.reverse()) {
    const [kind, id] = line.split(" ");
    if (kind === "group") {
      try {
        process.kill(-Number(id), "SIGKILL");
      } catch {
        // already gone
      }
    } else if (kind === "pgdata" && existsSync(path.join(id!, "postmaster.pid"))) {
      spawnSync(path.join(PG_BIN, "pg_ctl"), ["-D", id!, "-m", "immediate", "-w", "stop"], { stdio: "ignore", ...pgUser() });
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

function pgUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const out = spawnSync("id", ["-u", "postgres"]).stdout?.toString().trim();
  const gid = spawnSync("id", ["-g", "postgres"]).stdout?.toString().trim();
  if (!out) throw new Error("running as root, but there is no postgres user to run PostgreSQL as");
  return { uid: Number(out), gid: Number(gid) };
}

async function parent(): Promise<never> {
  ensurePackages();
  const dir = mkdtempSync(path.join(os.tmpdir(), "tv-deploy-"));
  chmodSync(dir, 0o755);
  const cert = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", path.join(dir, "key.pem")].concat([
      "-out",
      cert,
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]),
    { stdio: "ignore" },
  );
  const child = spawn(process.execPath, [...process.execArgv, import.meta.filename], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: cert, TEST_DEPLOY_DIR: dir },
  });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise<number>((r) => child.on("exit", (c, s) => r(c ?? (s ? 1 : 0))));
  sweep(dir);
  console.log(`test:deploy ${code === 0 ? "passed" : "FAILED"} in ${elapsed()}`);
  process.exit(code);
}

// ---- child: the topology and its checks ----------------------------------------------------------------------------

const DIR = process.env.TEST_DEPLOY_DIR!;
const record = (line: string) => appendFileSync(path.join(DIR, "pids"), `${line}\n`);
const failures: string[] = [];
const figures: string[] = [];

async function check(name: string, fn: () => Promise<string | void>): Promise<boolean> {
  const t = Date.now();
  try {
    const detail = await fn();
    console.log(`  ✓ ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)${detail ? `: ${detail}` : ""}`);
    return true;
  } catch (e) {
    console.log(`  ✗ ${name}: ${e instanceof Error ? e.message : String(e)}`);
    failures.push(name);
    return false;
  }
}

function assert(ok: unknown, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

/** A process in a group of its own (killed as a whole), its output kept in a log file. */
function startProcess(
  name: string,
  cmd: string,
  args: string[],
  env: Record<string, string>,
  user: { uid?: number; gid?: number } = {},
): ChildProcess {
  const out = openSync(path.join(DIR, `${name}.log`), "a");
  const p = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", out, out], detached: true, ...user });
  record(`group ${p.pid}`);
  return p;
}

const tail = (name: string, n = 15) => {
  try {
    return readFileSync(path.join(DIR, `${name}.log`), "utf8")
      .split("\n")
      .slice(-n)
      .join("\n");
  } catch {
    return "";
  }
};

function runNpm(args: string[], env: Record<string, string>, input?: string): string {
  const r = spawnSync("npm", ["run", "--silent", ...args], { cwd: ROOT, env: { ...process.env, ...env }, input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run ${args.join(" ")} failed:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

// --- PostgreSQL

const PG = pgUser();
function pgCmd(bin: string, args: string[]): void {
  const r = spawnSync(path.join(PG_BIN, bin), args, { ...PG, cwd: DIR, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(" ")}: ${r.stderr || r.stdout}`);
}

function pgDir(name: string): string {
  const d = path.join(DIR, name);
  mkdirSync(d, { mode: 0o700 });
  if (PG.uid !== undefined) chownSync(d, PG.uid, PG.gid!);
  return d;
}

/** A folder PostgreSQL's user may write: sockets, server logs, the dump. */
let pgRun = "";

function startCluster(data: string, port: number): void {
  record(`pgdata ${data}`);
  const opts = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${pgRun}`,
    "-c max_connections=300",
    "-c shared_buffers=64MB",
    "-c wal_level=replica",
    "-c max_wal_senders=5",
    "-c hot_standby=on",
    // The test's own throwaway clusters: durability against power loss is not what is checked here.
    "-c fsync=off",
  ].join(" ");
  pgCmd("pg_ctl", ["-D", data, "-l", path.join(pgRun, `${path.basename(data)}.log`), "-o", opts, "-w", "-t", "60", "start"]);
}

const pgUrl = (port: number, db = "trajectories") => `postgresql://postgres@127.0.0.1:${port}/${db}`;

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/**
 * CPU seconds of a cluster so far: the postmaster's own and its reaped backends' (utime, stime, cutime, cstime of
 * /proc/<postmaster>/stat) plus those of the backends alive now. The postmaster's pid is postmaster.pid's first line.
 */
function clusterCpu(data: string): number {
  const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const reaped = (Number(f[13]) + Number(f[14])) / 100;
  return cpuSeconds(pid) + reaped;
}

// --- HTTP through the proxy

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: Buffer | string; from?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = typeof o.body === "string" ? Buffer.from(o.body) : o.body;
    const r = https.request(
      url,
      {
        method: o.method ?? "GET",
        agent: false,
        localAddress: o.from,
        headers: { ...(body ? { "content-length": String(body.length) } : {}), ...o.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(body);
  });
}

const cookiesOf = (a: Answer) =>
  ((a.headers["set-cookie"] as string[] | undefined) ?? []).map((c) => c.split(";")[0]!).filter((c) => !c.endsWith("="));

// ---- the run --------------------------------------------------------------------------------------------------------

async function child(): Promise<number> {
  const fixed = Number(process.env.TEST_DEPLOY_PORTS ?? 0);
  const ports = fixed ? [0, 1, 2, 3, 4].map((i) => fixed + i) : await Promise.all([0, 1, 2, 3, 4].map(() => freePort()));
  const [proxyPort, app1Port, app2Port, primaryPort, replicaPort] = ports as [number, number, number, number, number];
  const PROXY = `https://localhost:${proxyPort}`;
  const primary = pgUrl(primaryPort);
  const replica = pgUrl(replicaPort);
  const started: { app?: ChildProcess[]; agent?: ChildProcess; nginx?: ChildProcess } = {};
  const stopAll = async () => {
    started.agent?.kill("SIGTERM");
    for (const a of started.app ?? []) if (a.exitCode === null && a.signalCode === null) process.kill(-a.pid!, "SIGTERM");
    started.nginx?.kill("SIGQUIT");
    await sleep(1500);
  };
  process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));
  process.on("SIGTERM", () => void stopAll().then(() => process.exit(143)));

  console.log(
    `test:deploy in ${DIR}: nginx ${proxyPort}, apps ${app1Port} ${app2Port}, PostgreSQL ${primaryPort} (primary) ${replicaPort} (replica)`,
  );

  // 1. PostgreSQL: a primary, then a streaming replica made from it.
  pgRun = pgDir("pgrun");
  const primaryData = pgDir("primary");
  pgCmd("initdb", ["-D", primaryData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
  startCluster(primaryData, primaryPort);
  await sql(pgUrl(primaryPort, "postgres"), "CREATE DATABASE trajectories");
  const replicaData = pgDir("replica");
  pgCmd("pg_basebackup", [
    "-h",
    "127.0.0.1",
    "-p",
    String(primaryPort),
    "-U",
    "postgres",
    "-D",
    replicaData,
    "-R",
    "-X",
    "stream",
    "-c",
    "fast",
  ]);
  startCluster(replicaData, replicaPort);
  console.log(`[${elapsed()}] PostgreSQL primary and replica up`);

  // 2. The build, the schema, a user and agent keys: what an operator runs once (docs/deploy.md).
  runNpm(["build"], {});
  runNpm(["db:migrate"], { DATABASE_URL: primary });
  const password = randomBytes(12).toString("base64url");
  runNpm(["user:add", "--", "--operator", "--password-stdin", "ops@deploy.test"], { DATABASE_URL: primary }, password);
  runNpm(["user:add", "--", "--password-stdin", "guarded@deploy.test"], { DATABASE_URL: primary }, password);
  const builtinKey = runNpm(["agent:add", "--", "builtin-agent"], { DATABASE_URL: primary }).trim();
  const checkKey = runNpm(["agent:add", "--", "deploy-check"], { DATABASE_URL: primary }).trim();
  console.log(`[${elapsed()}] built, migrated, users and agent keys added`);

  // 3. Two app instances on the app's start entry, both on the primary and the replica.
  const randomSecret = randomBytes(32).toString("base64url");
  const appEnv = (port: number): Record<string, string> => ({
    DATABASE_URL: primary,
    DATABASE_READ_URL: replica,
    DB_REPLICA_MAX_LAG_SECONDS: "2",
    // Short, so the hostile search below meets it: a query stopped at its limit must answer 503 with the reason.
    DB_EXPENSIVE_TIMEOUT_SECONDS: "0.5",
    PORT: String(port),
    HOST: "127.0.0.1",
    BETTER_AUTH_URL: PROXY,
    BETTER_AUTH_SECRET: randomSecret,
    TRUSTED_PROXIES: "127.0.0.1",
    ANONYMOUS_READ: "on",
    NODE_ENV: "production",
  });
  const startApp = (i: number, port: number) => startProcess(`app${i}`, "npm", ["start", "--", "--no-agent", "--no-demo"], appEnv(port));
  started.app = [startApp(1, app1Port), startApp(2, app2Port)];
  for (const [i, port] of [app1Port, app2Port].entries()) {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health?ready=1`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || started.app[i]!.exitCode !== null)
        throw new Error(`app ${i + 1} did not become ready:\n${tail(`app${i + 1}`)}`);
      await sleep(300);
    }
  }
  console.log(`[${elapsed()}] two app instances ready`);

  // 4. nginx: TLS, both instances, no buffering for event streams, large uploads streamed.
  const nginxConf = path.join(DIR, "nginx.conf");
  writeFileSync(
    nginxConf,
    nginxConfig({
      listen: `127.0.0.1:${proxyPort} ssl`,
      upstreams: [`127.0.0.1:${app1Port}`, `127.0.0.1:${app2Port}`],
      certDir: DIR,
      runDir: DIR,
      user: process.getuid?.() === 0 ? "root" : undefined,
    }),
  );
  const nginxCheck = spawnSync("/usr/sbin/nginx", ["-t", "-p", DIR, "-c", nginxConf], { encoding: "utf8" });
  if (nginxCheck.status !== 0) throw new Error(`nginx -t: ${nginxCheck.stderr}`);
  started.nginx = startProcess("nginx", "/usr/sbin/nginx", ["-p", DIR, "-c", nginxConf], {});
  for (let i = 0; ; i++) {
    const up = await call(`${PROXY}/api/health`).then(
      (a) => a.status === 200,
      () => false,
    );
    if (up) break;
    if (i > 50) throw new Error(`nginx did not answer:\n${tail("nginx")}`);
    await sleep(200);
  }

  // 5. The built-in agent, pointed at the proxy.
  started.agent = startProcess("agent", "npm", ["run", "agent"], {
    TRAJECTORY_URL: PROXY,
    AGENT_CLIENT: "builtin-agent",
    AGENT_KEY: builtinKey,
    AGENT_MODEL: "replay",
  });
  console.log(`[${elapsed()}] nginx (TLS) and the built-in agent up; checks through ${PROXY}:`);

  // ---- checks
  await check("health: live and ready through nginx, no details", async () => {
    const live = await call(`${PROXY}/api/health`);
    const ready = await call(`${PROXY}/api/health?ready=1`);
    assert(live.status === 200 && JSON.parse(live.body).status === "live", `live: ${live.status} ${live.body}`);
    assert(ready.status === 200 && JSON.parse(ready.body).status === "ready", `ready: ${ready.status} ${ready.body}`);
    return `${live.body} ${ready.body}`;
  });

  let session: string[] = [];
  const origin = { origin: PROXY };
  const signIn = (email: string, pw: string, from?: string) =>
    call(`${PROXY}/api/auth/sign-in/email`, {
      method: "POST",
      from,
      headers: { "content-type": "application/json", ...origin },
      body: JSON.stringify({ email, password: pw }),
    });
  await check("sign-in through nginx; the session is honoured by both instances", async () => {
    const r = await signIn("ops@deploy.test", password);
    assert(r.status === 200, `sign-in: ${r.status} ${r.body.slice(0, 200)}`);
    session = cookiesOf(r);
    assert(session.length > 0, "no session cookie");
    const served = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const a = await call(`${PROXY}/api/auth/get-session`, { headers: { cookie: session.join("; ") } });
      assert(a.status === 200 && a.body.includes("ops@deploy.test"), `get-session: ${a.status} ${a.body.slice(0, 100)}`);
      served.add(String(a.headers["x-upstream"]));
    }
    assert(served.size === 2, `served by ${[...served].join(", ")} only`);
    return `8 reads, served by ${[...served].join(" and ")}`;
  });
  const asOperator = () => ({ cookie: session.join("; "), ...origin });

  let importedId = "";
  await check("a large import through nginx (multipart, streamed to the app)", async () => {
    const spans = makeTrajectory(30_000, 7);
    const file = Buffer.from(JSON.stringify(spans));
    const boundary = `----deploy${randomBytes(8).toString("hex")}`;
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.json"\r\ncontent-type: application/json\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const r = await call(`${PROXY}/api/import`, {
      method: "POST",
      headers: { ...asOperator(), "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    assert(r.status === 200, `import: ${r.status} ${r.body.slice(0, 300)}`);
    const job = (JSON.parse(r.body) as { jobs: { id: string; spans: number }[] }).jobs[0]!;
    assert(job.spans === spans.length, `${job.spans} spans stored of ${spans.length}`);
    importedId = job.id;
    // Read-your-writes: the import's answer pins this browser's reads to the primary for a while.
    const pinned = cookiesOf(r).find((c) => c.startsWith("tv-read-primary="));
    assert(pinned, "no read-your-writes cookie on the import's answer");
    const read = await call(`${PROXY}/api/jobs/${job.id}`, { headers: { cookie: [...session, pinned].join("; ") } });
    assert(read.status === 200, `reading the new run at once: ${read.status}`);
    return `${(body.length / 2 ** 20).toFixed(1)} MB, ${job.spans} spans, readable at once by the importer (tv-read-primary)`;
  });

  const creds = { client: "deploy-check", key: checkKey };
  const protocol = async (method: string, payload: unknown) => {
    const r = await postCall(PROXY, encodeCall({ ...creds, method, payload }));
    return r;
  };
  await check(
    "a live run's event stream through nginx arrives unbuffered; the agent protocol (Go client's bytes) through nginx",
    async () => {
      const db = new pg.Pool({ connectionString: primary, max: 2 });
      try {
        await queueJobs(db, "deploy-live", 1);
      } finally {
        await db.end();
      }
      const polled = await protocol("ai_job_poll", {
        AgentName: "deploy-check",
        CodeRevision: "t",
        Workflows: [{ Type: "deploy-live", Name: "deploy-live" }],
      });
      assert(polled.outcome === 200, `poll: ${polled.outcome} ${polled.text}`);
      const jobId = (JSON.parse(polled.text) as { ID: string }).ID;
      assert(jobId, "no job polled");
      const now = () => new Date().toISOString();
      const log = (span: object) => protocol("ai_trajectory_log", { AgentName: "deploy-check", JobID: jobId, Span: span });
      assert((await log({ Seq: 0, Nesting: 0, Type: "flow", Name: "deploy-live", Started: now() })).outcome === 200, "log 0");
      // Watch the run through nginx, then log a span: its event must arrive while the stream stays open.
      const events: { at: number; text: string }[] = [];
      const watching = https.get(`${PROXY}/api/jobs/${jobId}/events?after=0`, { agent: false, headers: { accept: "text/event-stream" } });
      const open = new Promise<void>((resolve, reject) => {
        watching.on("response", (res) => {
          if (res.statusCode !== 200) reject(new Error(`events: ${res.statusCode}`));
          res.on("data", (c: Buffer) => events.push({ at: Date.now(), text: c.toString() }));
          resolve();
        });
        watching.on("error", reject);
      });
      await open;
      await sleep(500);
      const sent = Date.now();
      assert((await log({ Seq: 1, Nesting: 1, Type: "action", Name: "step-through-nginx", Started: now() })).outcome === 200, "log 1");
      let got: { at: number } | undefined;
      for (let i = 0; i < 100 && !got; i++) {
        got = events.find((e) => e.at >= sent && e.text.includes("step-through-nginx"));
        if (!got) await sleep(100);
      }
      const done = await protocol("ai_job_done", { ID: jobId, Error: "", Results: { ok: true } });
      watching.destroy();
      assert(got, `no event for the logged span within 10 s (received: ${events.map((e) => e.text.slice(0, 60)).join(" | ")})`);
      assert(done.outcome === 200, `done: ${done.outcome} ${done.text}`);
      return `event ${got.at - sent} ms after the span was logged; poll, log, done answered 200`;
    },
  );

  await check("OTLP through nginx", async () => {
    const r = await call(`${PROXY}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer deploy-check:${checkKey}` },
      body: '{"resourceSpans":[]}',
    });
    if (r.status === 404) return "SKIPPED: /v1/traces answers 404 on this build (no OTLP receiver yet)";
    assert(r.status < 500, `POST /v1/traces: ${r.status} ${r.body.slice(0, 200)}`);
    return `POST /v1/traces reached the app: ${r.status}`;
  });

  await check("the built-in agent (pointed at nginx) takes a rerun and finishes it", async () => {
    const r = await call(`${PROXY}/api/jobs/${importedId}/rerun`, { method: "POST", headers: asOperator() });
    assert(r.status === 201, `rerun: ${r.status} ${r.body}`);
    const rerunId = (JSON.parse(r.body) as { id: string }).id;
    for (let i = 0; i < 120; i++) {
      const [row] = await sql<{ status: string; agent_name: string | null }>(primary, "SELECT status, agent_name FROM jobs WHERE id = $1", [
        rerunId,
      ]);
      if (row && !["pending", "running"].includes(row.status)) return `rerun ${row.status} by ${row.agent_name}`;
      await sleep(500);
    }
    throw new Error(`the rerun was not finished in 60 s:\n${tail("agent")}`);
  });

  // Readers and agents through nginx while instance 2 is killed: reads are retried by nginx on the other instance;
  // agents retry their own calls (502/503), and every span acknowledged must be stored exactly once.
  const load = async (seconds: number, during?: () => Promise<void>) => {
    const ledger = new Ledger();
    const agentStats = new LoadStats();
    const readStats = new LoadStats();
    const db = new pg.Pool({ connectionString: primary, max: 3 });
    let over = false;
    let endAt = Number.MAX_SAFE_INTEGER;
    await queueJobs(db, "deploy-load", 12);
    const feeder = (async () => {
      while (!over) {
        await sleep(300);
        if (!over && (await pendingJobs(db, "deploy-load")) < 6) await queueJobs(db, "deploy-load", 12);
      }
    })();
    const agents = [0, 1, 2].map(
      (i) =>
        new LoadAgent({
          baseURL: PROXY,
          creds,
          agentName: `deploy-load-${i}`,
          workflow: "deploy-load",
          spansPerJob: 30,
          stats: agentStats,
          ledger,
          stopped: () => over,
          retryUntil: () => (over ? endAt + 30_000 : Number.MAX_SAFE_INTEGER),
        }),
    );
    const running = [
      ...agents.map((a) => a.run()),
      ...[0, 1, 2, 3, 4, 5].map(() =>
        runReader({ baseURL: PROXY, ledger, stats: readStats, workflow: "deploy-load", stopped: () => over }),
      ),
    ];
    const duringDone = during?.();
    await sleep(seconds * 1000);
    over = true;
    endAt = Date.now();
    await Promise.all([...running, duringDone]);
    await feeder;
    const verdict = await ledger.verify(db);
    await db.end();
    return { verdict, agentStats, readStats };
  };

  await check("one app instance killed mid-run: readers and agents go on through nginx, nothing acknowledged is lost", async () => {
    const { verdict, agentStats, readStats } = await load(12, async () => {
      await sleep(4000);
      process.kill(-started.app![1]!.pid!, "SIGKILL");
    });
    figures.push(
      `instance killed: ${readStats.count()} reads, ${readStats.errorSummary()} failed; ${agentStats.count()} agent calls, failed before retry: ${agentStats.errorSummary()}; ${verdict.acknowledged} spans acknowledged, ${verdict.lost} lost, ${verdict.duplicates} duplicated`,
    );
    assert(readStats.errors.size === 0, `reads failed: ${readStats.errorSummary()} (of ${readStats.count()})`);
    assert(verdict.lost === 0 && verdict.duplicates === 0 && verdict.wrongFields === 0, `ledger: ${JSON.stringify(verdict)}`);
    assert(verdict.acknowledged > 0, "no span acknowledged");
    return `${readStats.count()} reads answered, 0 failed; ${verdict.acknowledged} spans acknowledged, all stored once; agent calls retried: ${agentStats.errorSummary()}`;
  });
  // Instance 2 comes back for the rest.
  started.app[1] = startApp(2, app2Port);

  await check(
    "readers use the replica; a lagging replica is skipped (replay paused), then readers fall back to the primary when it stops",
    async () => {
      // Reads reach the replica: its connections carry the reader pool's application_name.
      for (let i = 0; i < 6; i++) await call(`${PROXY}/api/jobs`);
      const onReplica = await sql<{ n: number }>(
        replica,
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'trajectory-viewer read%'",
      );
      assert(onReplica[0]!.n > 0, "no reader connection on the replica");
      // Lag: replay paused, a new run on the primary; an anonymous reader (no read-your-writes cookie) sees it once the
      // apps notice the replica is more than DB_REPLICA_MAX_LAG_SECONDS behind and read the primary instead.
      await sql(replica, "SELECT pg_wal_replay_pause()");
      const db = new pg.Pool({ connectionString: primary, max: 1 });
      const [fresh] = await queueJobs(db, "deploy-lag", 1);
      await db.end();
      const t = Date.now();
      let seen = 0;
      for (let i = 0; i < 100 && !seen; i++) {
        const r = await call(`${PROXY}/api/jobs/${fresh}`);
        if (r.status === 200) seen = Date.now() - t;
        else await sleep(200);
      }
      await sql(replica, "SELECT pg_wal_replay_resume()");
      assert(seen, "a run written while the replica lagged never became readable");
      // Stopped replica: every read still answers, from the primary.
      pgCmd("pg_ctl", ["-D", replicaData, "-m", "fast", "-w", "stop"]);
      const failed: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await call(i % 2 ? `${PROXY}/api/jobs` : `${PROXY}/api/jobs/${importedId}/outline`);
        if (r.status !== 200) failed.push(`${r.status} ${r.body.slice(0, 120)}`);
      }
      assert(failed.length === 0, `${failed.length} of 20 reads failed after the replica stopped: ${failed.slice(0, 3).join(" | ")}`);
      return `reader connections on the replica: ${onReplica[0]!.n}; a run written during lag readable after ${seen} ms; 20 reads after the replica stopped, 0 failed`;
    },
  );

  await check("primary CPU while readers and agents run: with the replica, and with the primary alone", async () => {
    // The replica is stopped now: the "primary alone" phase first, then the replica comes back and catches up.
    const cpu0 = clusterCpu(primaryData);
    const alone = await load(15);
    const cpuAlone = clusterCpu(primaryData) - cpu0;
    startCluster(replicaData, replicaPort);
    await sleep(3000);
    const cpu1 = clusterCpu(primaryData);
    const rcpu1 = clusterCpu(replicaData);
    const withReplica = await load(15);
    const cpuWith = clusterCpu(primaryData) - cpu1;
    const cpuReplica = clusterCpu(replicaData) - rcpu1;
    const line = (label: string, cpu: number, r: Awaited<ReturnType<typeof load>>) =>
      `${label}: primary ${((cpu / 15) * 100).toFixed(0)} % CPU, ${r.readStats.count()} reads, ${r.verdict.acknowledged} spans`;
    figures.push(
      line("primary alone", cpuAlone, alone),
      `${line("with replica", cpuWith, withReplica)}, replica ${((cpuReplica / 15) * 100).toFixed(0)} % CPU`,
    );
    assert(alone.verdict.lost === 0 && withReplica.verdict.lost === 0, "spans lost");
    return `${figures.at(-2)}; ${figures.at(-1)}`;
  });

  await check("a hostile in-run search is bounded and does not hold the history's readers", async () => {
    const spans = [
      { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: new Date().toISOString(), Finished: new Date().toISOString() },
      ...[1, 2, 3, 4].map((Seq) => ({
        Seq,
        Nesting: 1,
        Type: "action",
        Name: "read-file",
        Started: new Date().toISOString(),
        Results: { Output: "a".repeat(1_000_000) },
      })),
    ];
    const boundary = "----hostile";
    const body = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.json"\r\n\r\n${JSON.stringify(spans)}\r\n--${boundary}--\r\n`;
    const imp = await call(`${PROXY}/api/import`, {
      method: "POST",
      headers: { ...asOperator(), "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    assert(imp.status === 200, `import: ${imp.status} ${imp.body.slice(0, 200)}`);
    const id = (JSON.parse(imp.body) as { jobs: { id: string }[] }).jobs[0]!.id;
    const q = encodeURIComponent("a".repeat(499) + "b");
    const t = Date.now();
    const history: number[] = [];
    let stop = false;
    const historyFailed: string[] = [];
    const reader = (async () => {
      while (!stop) {
        const s = Date.now();
        const r = await call(`${PROXY}/api/jobs`).catch((e: Error) => ({ status: 0, body: e.message }));
        if (r.status !== 200) historyFailed.push(`${r.status} ${r.body.slice(0, 100)}`);
        history.push(Date.now() - s);
      }
    })();
    const searches = await Promise.all(Array.from({ length: 10 }, () => call(`${PROXY}/api/jobs/${id}/spans?q=${q}`)));
    const wall = Date.now() - t;
    stop = true;
    await reader;
    assert(historyFailed.length === 0, `history reads failed during the searches: ${historyFailed.slice(0, 3).join(" | ")}`);
    const statuses = searches.map((s) => s.status);
    assert(
      statuses.every((s) => s === 200 || s === 503),
      `search statuses ${statuses.join(",")}`,
    );
    const stopped = searches.filter((s) => s.status === 200 && JSON.parse(s.body).stopped).length;
    const reasons = searches.filter((s) => s.status === 503).map((s) => JSON.parse(s.body).error as string);
    assert(
      searches.every((s) => s.status === 503 || JSON.parse(s.body).stopped),
      "a search of a 4 MB run did not say where it stopped",
    );
    assert(
      reasons.some((r) => /time limit/.test(r)),
      `no search met the 0.5 s limit of expensive queries (answers: ${statuses.join(",")}); the 503 path was not exercised`,
    );
    assert(
      reasons.every((r) => /time limit|busy/.test(r)),
      `a 503 without its reason: ${reasons.join(" | ")}`,
    );
    history.sort((a, b) => a - b);
    const p50 = history[Math.floor(history.length / 2)] ?? 0;
    figures.push(`10 hostile searches at once: ${wall} ms wall; history p50 ${p50} ms, max ${history.at(-1)} ms meanwhile`);
    return `10 at once in ${wall} ms: ${stopped} stopped at their budget, ${reasons.length} refused (${[...new Set(reasons)].join("; ") || "—"}); history p50 ${p50} ms over ${history.length} reads meanwhile`;
  });

  await check("sign-in limits count the client's address behind nginx (TRUSTED_PROXIES)", async () => {
    for (let i = 0; i < 10; i++) {
      const r = await signIn("guarded@deploy.test", `wrong ${i}`, "127.0.0.7");
      assert(r.status === 401, `guess ${i}: ${r.status}`);
    }
    // A forged x-forwarded-for from the refused client changes nothing: nginx appends the real address.
    const locked = await call(`${PROXY}/api/auth/sign-in/email`, {
      method: "POST",
      from: "127.0.0.7",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9", ...origin },
      body: JSON.stringify({ email: "guarded@deploy.test", password }),
    });
    assert(locked.status === 429, `after 10 guesses from 127.0.0.7: ${locked.status}`);
    const other = await signIn("guarded@deploy.test", password, "127.0.0.8");
    assert(other.status === 200, `from 127.0.0.8: ${other.status} ${other.body.slice(0, 100)}`);
    return "127.0.0.7 refused after 10 guesses (429, also with a forged x-forwarded-for); 127.0.0.8 signs in";
  });

  await check("pg_dump of the primary restores into a fresh database with the same runs and spans", async () => {
    const dump = path.join(pgRun, "backup.dump");
    pgCmd("pg_dump", ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-Fc", "-f", dump, "trajectories"]);
    await sql(pgUrl(primaryPort, "postgres"), "CREATE DATABASE restored");
    pgCmd("pg_restore", ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-d", "restored", "--no-owner", dump]);
    const count = async (url: string) =>
      (
        await sql<{ j: string; s: string }>(url, "SELECT (SELECT count(*) FROM jobs)::text AS j, (SELECT count(*) FROM spans)::text AS s")
      )[0]!;
    const [a, b] = [await count(primary), await count(pgUrl(primaryPort, "restored"))];
    assert(a.j === b.j && a.s === b.s, `original ${JSON.stringify(a)}, restored ${JSON.stringify(b)}`);
    return `${a.j} runs, ${a.s} spans in both (${(readFileSync(dump).length / 2 ** 20).toFixed(1)} MB dump)`;
  });

  await stopAll();
  for (const f of figures) console.log(`  figure: ${f}`);
  console.log(failures.length ? `FAILED: ${failures.join("; ")}` : "all checks passed");
  return failures.length ? 1 : 0;
}

if (process.env.TEST_DEPLOY_DIR) {
  const code = await child().catch((e: unknown) => {
    console.error(`test:deploy stopped: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  });
  process.exit(code);
} else {
  await parent();
}
