// `npm run bench:ingest`: how fast spans are logged, on one throwaway PostgreSQL, in one run:
//   raw   N pg connections running exactly the statement a logged span needs (lib/ingest/log-span.ts), no app;
//   app   N agents over HTTP (lib/agents/client.ts, Go's bytes) polling, logging start and finish copies (some twice,
//         some out of order) and finishing jobs, against one app instance;
//   app×2 the same against two app instances taken in turn (round-robin in the agents).
// It prints calls/s, p50/p99, the CPU of the app and the database, the ratio to raw, and checks that every acknowledged
// span is stored exactly once. --profile writes a V8 CPU profile of the (single) app and prints its hottest functions.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { addClient } from "@/lib/agents/keys";
import { db, disconnectDb } from "@/lib/db/client";
import { resolveDatabase } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";
import { logSpanQuery } from "@/lib/ingest/log-span";
import { freePort, startApp, type AppProcess } from "@/lib/load/app";
import { cpuSeconds, topFunctions } from "@/lib/load/cpu";
import { otlpBench, printOtlp, type OtlpRow } from "./bench-ingest-otlp";
import type { Credentials } from "@/lib/load/http";
import { Ledger } from "@/lib/load/ledger";
import { runPhase } from "@/lib/load/run";
import { makeTrajectory, rng, sendOrder } from "@/lib/load/trajectory";

/** `next start` of the built app under `node --cpu-prof`; the profile is written when it exits on SIGTERM. */
async function startProfiledNext(databaseUrl: string, dir: string): Promise<AppProcess> {
  const port = await freePort();
  const root = path.resolve(import.meta.dirname, "..");
  const child = spawn(
    process.execPath,
    [
      "--cpu-prof",
      `--cpu-prof-dir=${dir}`,
      path.join(root, "node_modules", "next", "dist", "bin", "next"),
      "start",
      "-p",
      String(port),
      "-H",
      "127.0.0.1",
    ],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: "ignore",
    },
  );
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(`${url}/api/jobs/00000000-0000-0000-0000-000000000000`).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, databaseUrl, pid: child.pid!, output: () => "", stop: async () => (child.kill("SIGTERM"), await exited) };
}

const { values: flags } = parseArgs({
  options: {
    agents: { type: "string", default: "8" },
    seconds: { type: "string", default: "20" },
    "spans-per-job": { type: "string", default: "40" },
    profile: { type: "boolean", default: false },
    "skip-two": { type: "boolean", default: false },
    "skip-otlp": { type: "boolean", default: false },
  },
});
const agents = Number(flags.agents);
const seconds = Number(flags.seconds);
const spansPerJob = Number(flags["spans-per-job"]);

interface Row {
  phase: string;
  calls: number;
  seconds: number;
  p50: number;
  p99: number;
  appCpu: number | null;
  dbCpu: number;
  /** this process: the agents (or raw connections) themselves */
  benchCpu: number;
  errors: string;
}

function benchSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN;
}

console.log("Starting a throwaway PostgreSQL…");
const database = await resolveDatabase({ throwaway: true, ignoreDatabaseUrl: true });
await applyMigrations(database.url);
process.env.DATABASE_URL = database.url;
const admin = new pg.Client({ connectionString: database.url });
await admin.connect();
const dataDir = (await admin.query<{ data_directory: string }>("SHOW data_directory")).rows[0]!.data_directory;
const postmaster = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
const rows: Row[] = [];
let otlpRow: OtlpRow | null = null;
const apps: AppProcess[] = [];
const ledger = new Ledger();

try {
  // ---- raw: the statement alone, N connections, each streaming its own jobs' spans as an agent would.
  {
    const client = `raw-${randomUUID().slice(0, 8)}`;
    const conns = await Promise.all(
      Array.from({ length: agents }, async () => {
        const c = new pg.Client({ connectionString: database.url });
        await c.connect();
        return c;
      }),
    );
    const latencies: number[] = [];
    let over = false;
    const cpu0 = cpuSeconds(postmaster);
    const bench0 = process.cpuUsage();
    const t0 = performance.now();
    const workers = conns.map(async (c, i) => {
      const rand = rng(1000 + i);
      while (!over) {
        const jobId = randomUUID();
        await c.query(
          `INSERT INTO jobs (id, workflow, status, agent_client, agent_name, started_at, last_seen_at) VALUES ($1, 'raw', 'running', $2, 'raw', now(), now())`,
          [jobId, client],
        );
        for (const span of sendOrder(makeTrajectory(spansPerJob, Math.floor(rand() * 2 ** 31)), rand)) {
          if (over) break;
          const s = performance.now();
          await c.query(logSpanQuery(client, "raw", jobId, span));
          latencies.push(performance.now() - s);
        }
      }
    });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    over = true;
    await Promise.all(workers);
    const took = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    rows.push({
      phase: "raw (pg, no app)",
      calls: latencies.length,
      seconds: took,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      appCpu: null,
      dbCpu: cpuSeconds(postmaster) - cpu0,
      benchCpu: benchSeconds(bench0),
      errors: "none",
    });
    await Promise.all(conns.map((c) => c.end()));
  }

  const creds: Credentials[] = [];
  const run = randomUUID().slice(0, 8);
  for (let i = 0; i < agents; i++) {
    const name = `ingest-${run}-${i + 1}`;
    creds.push({ client: name, key: await addClient(db(), name) });
  }
  await disconnectDb();

  const profDir = flags.profile ? mkdtempSync(path.join(os.tmpdir(), "ingest-prof-")) : undefined;
  console.log("Starting the app (builds first when stale)…");
  apps.push(await startApp({ env: { DATABASE_URL: database.url }, args: ["--no-agent", "--no-demo"] }));
  if (profDir) {
    // NODE_OPTIONS may not carry --cpu-prof: the built app's Next server is started directly under the profiler.
    await apps.pop()!.stop();
    apps.push(await startProfiledNext(database.url, profDir));
  }

  const phase = async (label: string, urls: string[]) => {
    const workflow = `ingest-${randomUUID().slice(0, 8)}`;
    // Warm-up: the first requests load the route's code.
    await runPhase({
      baseURL: urls,
      db: admin,
      creds,
      agents: Math.min(2, agents),
      readers: 0,
      seconds: 3,
      workflow,
      spansPerJob,
      ledger,
      agentPrefix: `${label}-warm`,
    });
    const cpuApp0 = apps.reduce((n, a) => n + cpuSeconds(a.pid), 0);
    const cpuDb0 = cpuSeconds(postmaster);
    const bench0 = process.cpuUsage();
    const r = await runPhase({
      baseURL: urls,
      db: admin,
      creds,
      agents,
      readers: 0,
      seconds,
      workflow,
      spansPerJob,
      ledger,
      agentPrefix: label,
    });
    rows.push({
      phase: label,
      calls: r.stats.count("log"),
      seconds: r.seconds,
      p50: r.stats.quantile("log", 0.5) ?? NaN,
      p99: r.stats.quantile("log", 0.99) ?? NaN,
      appCpu: apps.reduce((n, a) => n + cpuSeconds(a.pid), 0) - cpuApp0,
      dbCpu: cpuSeconds(postmaster) - cpuDb0,
      benchCpu: benchSeconds(bench0),
      errors: r.stats.errorSummary(),
    });
  };

  console.log(`app: ${agents} agents for ${seconds} s…`);
  await phase("app (1 instance)", [apps[0]!.url]);
  if (!flags["skip-otlp"]) otlpRow = await otlpBench(apps[0]!, creds[0]!, postmaster, agents, seconds);
  if (profDir) {
    await apps[0]!.stop();
    const profiles = readdirSync(profDir)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => path.join(profDir, f));
    // The Next server is the busiest process (start.ts only waits); its profile is the largest.
    const biggest = profiles.sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
    if (biggest) {
      console.log(`\nCPU profile of the app (${biggest}), top functions by self time:`);
      // Only the measured phase: startup and warm-up are not the log path.
      for (const line of topFunctions(readFileSync(biggest, "utf8"), 20, seconds)) console.log(`  ${line}`);
    }
    apps.length = 0;
    apps.push(await startApp({ env: { DATABASE_URL: database.url }, args: ["--no-agent", "--no-demo"] }));
  }
  if (!flags["skip-two"]) {
    apps.push(await startApp({ env: { DATABASE_URL: database.url }, args: ["--no-agent", "--no-demo"] }));
    console.log(`app×2: ${agents} agents, two instances in turn, for ${seconds} s…`);
    await phase(
      "app (2 instances)",
      apps.map((a) => a.url),
    );
  }

  const verdict = await ledger.verify(admin);
  const raw = rows[0]!;
  const rate = (r: Row) => r.calls / r.seconds;
  const fmt = (v: number) => (Number.isNaN(v) ? "-" : v < 10 ? v.toFixed(1) : v.toFixed(0));
  console.log("");
  console.log(
    `${"phase".padEnd(20)}${"log calls/s".padStart(12)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"app CPU".padStart(10)}${"DB CPU".padStart(9)}${"bench CPU".padStart(11)}${"vs raw".padStart(8)}  errors`,
  );
  for (const r of rows) {
    const cpu = (s: number | null) => (s == null ? "-" : `${Math.round((100 * s) / r.seconds)}%`);
    console.log(
      `${r.phase.padEnd(20)}${fmt(rate(r)).padStart(12)}${fmt(r.p50).padStart(9)}${fmt(r.p99).padStart(9)}${cpu(r.appCpu).padStart(10)}${cpu(r.dbCpu).padStart(9)}${cpu(r.benchCpu).padStart(11)}${`${Math.round((100 * rate(r)) / rate(raw))}%`.padStart(8)}  ${r.errors}`,
    );
  }
  if (rows.length > 2) console.log(`two instances / one: ${(rate(rows[2]!) / rate(rows[1]!)).toFixed(2)}×`);
  if (otlpRow) printOtlp(otlpRow, rate(raw));
  console.log("");
  console.log(`Check in the database: ${verdict.acknowledged} distinct spans acknowledged over HTTP`);
  console.log(
    `  lost ${verdict.lost}, duplicates ${verdict.duplicates}, wrong fields ${verdict.wrongFields}, unexpected ${verdict.unexpected}   (all must be 0)`,
  );
  for (const e of verdict.examples) console.log(`  ${e}`);
  console.log(
    `CPU is % of one core over the phase (the machine has ${os.cpus().length}, load average now ${os.loadavg()[0]!.toFixed(1)}); the bench's own agents share it.`,
  );
  if (verdict.lost || verdict.duplicates || verdict.wrongFields || verdict.unexpected) process.exitCode = 1;
} finally {
  await admin.end();
  for (const a of apps) await a.stop();
  await database.stop();
}
