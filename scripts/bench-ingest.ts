// `npm run bench:ingest`: how fast spans are logged, on one throwaway PostgreSQL, in one run:
//   raw   N pg connections running exactly the statement a logged span needs (lib/ingest/log-span.ts), no app;
//   app   N agents over HTTP (lib/agents/client.ts, Go's bytes) polling, logging start and finish copies (some twice,
//         some out of order) and finishing jobs, against one app instance;
//   app×2 the same against two app instances taken in turn (round-robin in the agents);
//   batch N agents each storing 100 spans a call through the write path's group commit (lib/ingest/span-batch.ts
//         logSpans) in this process: the OTLP shape without HTTP (bench-ingest-otlp.ts: over HTTP).
// It prints calls/s, spans/s, p50/p99, the CPU of the app and the database (% of a core, and µs per acknowledged span,
// from /proc: steadier than rates on a shared machine), the ratio to raw, and checks that every acknowledged span is
// stored exactly once (--skip-app: raw and batch only, no app built or started). --profile writes a V8 CPU profile of the (single) app and prints its hottest functions. Agents
// keep their connection between calls as syz-agent's Go client does; --fresh-connections opens one a call.
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
import { batchStats, logSpans } from "@/lib/ingest/span-batch";
import { closePool, pool } from "@/lib/db/pool";
import { startApp, startProfiledApp, type AppProcess } from "@/lib/load/app";
import { cpuSeconds, topFunctions } from "@/lib/load/cpu";
import { otlpBench, printOtlp, type OtlpRow } from "./bench-ingest-otlp";
import type { Credentials } from "@/lib/load/http";
import { Ledger } from "@/lib/load/ledger";
import { runPhase } from "@/lib/load/run";
import { makeTrajectory, rng, sendOrder } from "@/lib/load/trajectory";

const { values: flags } = parseArgs({
  options: {
    agents: { type: "string", default: "8" },
    seconds: { type: "string", default: "20" },
    "spans-per-job": { type: "string", default: "40" },
    profile: { type: "boolean", default: false },
    "skip-two": { type: "boolean", default: false },
    "skip-otlp": { type: "boolean", default: false },
    // raw and batch only: what the database's side of the write path costs, without building or starting the app.
    "skip-app": { type: "boolean", default: false },
    // Agents keep their connection between calls by default, as syz-agent's Go client does (http.DefaultClient);
    // this sends each call on a fresh one (the built-in agent's way, and the bench's before).
    "fresh-connections": { type: "boolean", default: false },
  },
});
const agents = Number(flags.agents);
const seconds = Number(flags.seconds);
const spansPerJob = Number(flags["spans-per-job"]);

interface Row {
  phase: string;
  calls: number;
  /** spans acknowledged (a log call acknowledges one; a batch call many) */
  spans: number;
  seconds: number;
  p50: number;
  p99: number;
  appCpu: number | null;
  dbCpu: number;
  /** transactions PostgreSQL committed in the phase (pg_stat_database): with group commit, fewer than spans */
  commits: number;
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
/** Transactions committed in the bench's database so far (PostgreSQL's statistics, flushed within about a second). */
async function commits(): Promise<number> {
  await new Promise((r) => setTimeout(r, 1100));
  const { rows } = await admin.query<{ n: string }>(
    `SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Number(rows[0]!.n);
}
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
    const commits0 = await commits();
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
      spans: latencies.length,
      seconds: took,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      appCpu: null,
      dbCpu: cpuSeconds(postmaster) - cpu0,
      commits: (await commits()) - commits0,
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
  const withApp = !flags["skip-app"];
  if (withApp) console.log("Starting the app (builds first when stale)…");
  if (withApp) apps.push(await startApp({ env: { DATABASE_URL: database.url }, args: ["--no-agent", "--no-demo"] }));
  if (profDir && withApp) {
    // NODE_OPTIONS may not carry --cpu-prof: the built app's Next server is started directly under the profiler.
    await apps.pop()!.stop();
    apps.push(await startProfiledApp(database.url, profDir));
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
      keepAlive: !flags["fresh-connections"],
    });
    const cpuApp0 = apps.reduce((n, a) => n + cpuSeconds(a.pid), 0);
    const cpuDb0 = cpuSeconds(postmaster);
    const commits0 = await commits();
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
      keepAlive: !flags["fresh-connections"],
    });
    rows.push({
      phase: label,
      calls: r.stats.count("log"),
      spans: r.stats.count("log"),
      seconds: r.seconds,
      p50: r.stats.quantile("log", 0.5) ?? NaN,
      p99: r.stats.quantile("log", 0.99) ?? NaN,
      appCpu: apps.reduce((n, a) => n + cpuSeconds(a.pid), 0) - cpuApp0,
      dbCpu: cpuSeconds(postmaster) - cpuDb0,
      commits: (await commits()) - commits0,
      benchCpu: benchSeconds(bench0),
      errors: r.stats.errorSummary(),
    });
  };

  if (withApp)
    console.log(
      `app: ${agents} agents for ${seconds} s, ${flags["fresh-connections"] ? "a fresh connection a call" : "keep-alive connections (as Go's http.DefaultClient)"}…`,
    );
  if (withApp) await phase("app (1 instance)", [apps[0]!.url]);
  if (withApp && !flags["skip-otlp"]) otlpRow = await otlpBench(apps[0]!, creds[0]!, postmaster, agents, seconds);
  if (profDir && withApp) {
    await apps[0]!.stop();
    const profiles = readdirSync(profDir)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => path.join(profDir, f));
    // The server is the busiest process; its profile is the largest.
    const biggest = profiles.sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
    if (biggest) {
      console.log(`\nCPU profile of the app (${biggest}), top functions by self time:`);
      // Only the measured phase: startup and warm-up are not the log path.
      for (const line of topFunctions(readFileSync(biggest, "utf8"), 20, seconds)) console.log(`  ${line}`);
    }
    apps.length = 0;
    apps.push(await startApp({ env: { DATABASE_URL: database.url }, args: ["--no-agent", "--no-demo"] }));
  }
  if (withApp && !flags["skip-two"]) {
    apps.push(await startApp({ env: { DATABASE_URL: database.url }, args: ["--no-agent", "--no-demo"] }));
    console.log(`app×2: ${agents} agents, two instances in turn, for ${seconds} s…`);
    await phase(
      "app (2 instances)",
      apps.map((a) => a.url),
    );
  }

  // ---- batches: 100 spans a call, the OTLP shape. In this process through logSpans (the write path's API, group
  // commit included). Each worker stores whole trajectories of jobs it owns.
  const batchChecks: string[] = [];
  const timedBatches = async (label: string, cpuPids: number[], step: (worker: number) => Promise<number>) => {
    const latencies: number[] = [];
    let spans = 0;
    let over = false;
    const cpu0 = cpuPids.reduce((n, p) => n + cpuSeconds(p), 0);
    const db0 = cpuSeconds(postmaster);
    const commits0 = await commits();
    const bench0 = process.cpuUsage();
    const t0 = performance.now();
    const workers = Array.from({ length: agents }, async (_, i) => {
      while (!over) {
        const s = performance.now();
        spans += await step(i);
        latencies.push(performance.now() - s);
      }
    });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    over = true;
    await Promise.all(workers);
    latencies.sort((a, b) => a - b);
    rows.push({
      phase: label,
      calls: latencies.length,
      spans,
      seconds: (performance.now() - t0) / 1000,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      appCpu: cpuPids.length ? cpuPids.reduce((n, p) => n + cpuSeconds(p), 0) - cpu0 : null,
      dbCpu: cpuSeconds(postmaster) - db0,
      commits: (await commits()) - commits0,
      benchCpu: benchSeconds(bench0),
      errors: "none",
    });
  };
  {
    const client = `batch-${randomUUID().slice(0, 8)}`;
    const jobs: string[] = [];
    // Made before the clock starts: the phase measures storing, not making spans.
    const trajectories = Array.from({ length: 16 }, (_, i) => makeTrajectory(100, 5000 + i));
    const statsBefore = batchStats();
    console.log(`batch: ${agents} workers storing 100 spans a call through logSpans for ${seconds} s…`);
    await timedBatches("logSpans ×100 (here)", [], async (worker) => {
      const jobId = randomUUID();
      await pool().query(
        `INSERT INTO jobs (id, workflow, status, agent_client, agent_name, started_at, last_seen_at) VALUES ($1, 'batch', 'running', $2, 'batch', now(), now())`,
        [jobId, client],
      );
      const spans = trajectories[(worker + jobs.length) % trajectories.length]!;
      const results = await logSpans(spans.map((span) => ({ client, agentName: "batch", jobId, span })));
      const refused = results.filter(Boolean);
      if (refused.length) throw new Error(`batch phase: ${refused.length} spans refused: ${JSON.stringify(refused[0])}`);
      jobs.push(jobId);
      return spans.length;
    });
    const statsAfter = batchStats();
    const { rows: counts } = await admin.query<{ n: number }>(
      `SELECT count(s.seq)::int AS n FROM unnest($1::uuid[]) AS j(id) LEFT JOIN spans s ON s.job_id = j.id GROUP BY j.id`,
      [jobs],
    );
    const lost = counts.reduce((n, c) => n + Math.max(0, 100 - c.n), 0);
    const doubled = counts.reduce((n, c) => n + Math.max(0, c.n - 100), 0);
    batchChecks.push(
      `logSpans ×100: ${jobs.length * 100} spans acknowledged in ${jobs.length} calls, ${statsAfter.batches - statsBefore.batches} statements: lost ${lost}, doubled ${doubled}`,
    );
    if (lost || doubled) process.exitCode = 1;
    await closePool();
  }

  const verdict = await ledger.verify(admin);
  const raw = rows[0]!;
  const rate = (r: Row) => r.calls / r.seconds;
  const fmt = (v: number) => (Number.isNaN(v) ? "-" : v < 10 ? v.toFixed(1) : v.toFixed(0));
  console.log("");
  console.log(
    `${"phase".padEnd(22)}${"calls/s".padStart(9)}${"spans/s".padStart(9)}${"p50 ms".padStart(8)}${"p99 ms".padStart(8)}${"app CPU".padStart(9)}${"DB CPU".padStart(8)}${"bench".padStart(7)}${"app µs/span".padStart(13)}${"DB µs/span".padStart(12)}${"app/DB".padStart(8)}${"spans/commit".padStart(14)}${"vs raw".padStart(8)}  errors`,
  );
  for (const r of rows) {
    const cpu = (s: number | null) => (s == null ? "-" : `${Math.round((100 * s) / r.seconds)}%`);
    const perSpan = (s: number | null) => (s == null || !r.spans ? "-" : fmt((s * 1e6) / r.spans));
    // The in-process batch phase has no app process: this process stores the spans, so its CPU is the app's.
    const app = r.appCpu ?? (r.phase.endsWith("(here)") ? r.benchCpu : null);
    console.log(
      `${r.phase.padEnd(22)}${fmt(rate(r)).padStart(9)}${fmt(r.spans / r.seconds).padStart(9)}${fmt(r.p50).padStart(8)}${fmt(r.p99).padStart(8)}${cpu(r.appCpu).padStart(9)}${cpu(r.dbCpu).padStart(8)}${cpu(r.benchCpu).padStart(7)}${perSpan(app).padStart(13)}${perSpan(r.dbCpu).padStart(12)}${(app == null ? "-" : (app / r.dbCpu).toFixed(1) + "×").padStart(8)}${(r.commits > 0 ? (r.spans / r.commits).toFixed(1) : "-").padStart(14)}${`${Math.round((100 * r.spans) / r.seconds / rate(raw))}%`.padStart(8)}  ${r.errors}`,
    );
  }
  const two = rows.find((r) => r.phase === "app (2 instances)");
  if (two) console.log(`two instances / one: ${(rate(two) / rate(rows[1]!)).toFixed(2)}×`);
  if (rows.length > 2) console.log(`two instances / one: ${(rate(rows[2]!) / rate(rows[1]!)).toFixed(2)}×`);
  if (otlpRow) printOtlp(otlpRow, rate(raw));
  console.log("");
  console.log(`Check in the database: ${verdict.acknowledged} distinct spans acknowledged over HTTP`);
  console.log(
    `  lost ${verdict.lost}, duplicates ${verdict.duplicates}, wrong fields ${verdict.wrongFields}, unexpected ${verdict.unexpected}   (all must be 0)`,
  );
  for (const e of verdict.examples) console.log(`  ${e}`);
  for (const c of batchChecks) console.log(`  ${c}`);
  console.log(
    `CPU is % of one core over the phase (the machine has ${os.cpus().length}, load average now ${os.loadavg()[0]!.toFixed(1)}); the bench's own agents share it.`,
  );
  if (verdict.lost || verdict.duplicates || verdict.wrongFields || verdict.unexpected) process.exitCode = 1;
} finally {
  await admin.end();
  for (const a of apps) await a.stop();
  await database.stop();
}
