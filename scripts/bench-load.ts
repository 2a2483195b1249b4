// `npm run bench:load`: N agents stream spans and M readers open runs for a fixed time; then every acknowledged span is checked in the database.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { addClient } from "@/lib/agents/keys";
import { db, disconnectDb } from "@/lib/db/client";
import { startApp, type AppProcess } from "@/lib/load/app";
import type { Credentials } from "@/lib/load/http";
import { Ledger } from "@/lib/load/ledger";
import { runPhase, type PhaseResult } from "@/lib/load/run";
import { REQUEST_KINDS } from "@/lib/load/stats";

const { values: flags } = parseArgs({
  options: {
    agents: { type: "string", default: "8" },
    readers: { type: "string", default: "4" },
    seconds: { type: "string", default: "60" },
    "baseline-seconds": { type: "string" },
    "spans-per-job": { type: "string", default: "40" },
    // a running app; DATABASE_URL must then name its database (for client keys, the queue and the final check)
    url: { type: "string" },
    port: { type: "string" },
  },
});
const int = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
};
const agents = int("agents", flags.agents, 1);
const readers = int("readers", flags.readers, 0);
const seconds = int("seconds", flags.seconds, 1);
const baselineSeconds = int("baseline-seconds", flags["baseline-seconds"] ?? String(Math.max(5, Math.round(seconds / 4))), 1);
const spansPerJob = int("spans-per-job", flags["spans-per-job"], 4);

let app: AppProcess | undefined;
let baseURL: string;
let databaseUrl: string;
if (flags.url) {
  if (!process.env.DATABASE_URL) throw new Error("--url needs DATABASE_URL: the bench queues jobs and checks spans in the app's database");
  baseURL = flags.url.replace(/\/$/, "");
  databaseUrl = process.env.DATABASE_URL;
} else {
  console.log("Starting the app on a throwaway PostgreSQL (builds first when stale)…");
  app = await startApp({ port: flags.port ? int("port", flags.port, 1) : undefined });
  baseURL = app.url;
  databaseUrl = app.databaseUrl;
}
process.env.DATABASE_URL = databaseUrl;
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();

const run = randomUUID().slice(0, 8);
const workflow = `load-${run}`;
const ledger = new Ledger();
try {
  // One client (key) per agent, as separate agent machines would have.
  const creds: Credentials[] = [];
  for (let i = 0; i < agents; i++) {
    const name = `load-${run}-${i + 1}`;
    creds.push({ client: name, key: await addClient(db(), name) });
  }
  await disconnectDb();

  // A fresh server loads each route's code on its first request: a short unreported warm-up keeps that out of the figures
  // (its spans are still checked at the end).
  console.log("Warm-up: 1 agent and 1 reader for 3 s (not reported)…");
  await runPhase({
    baseURL,
    db: client,
    creds,
    agents: 1,
    readers: 1,
    seconds: 3,
    workflow,
    spansPerJob,
    ledger,
    agentPrefix: `load-${run}-warm`,
  });
  console.log(`Baseline: 1 agent and 1 reader for ${baselineSeconds} s…`);
  const base = await runPhase({
    baseURL,
    db: client,
    creds,
    agents: 1,
    readers: 1,
    seconds: baselineSeconds,
    workflow,
    spansPerJob,
    ledger,
    agentPrefix: `load-${run}-base`,
  });
  console.log(`Load: ${agents} agents and ${readers} readers for ${seconds} s…`);
  const load = await runPhase({
    baseURL,
    db: client,
    creds,
    agents,
    readers,
    seconds,
    workflow,
    spansPerJob,
    ledger,
    agentPrefix: `load-${run}-agent`,
  });
  const verdict = await ledger.verify(client);

  const fmt = (v: number | undefined) => (v === undefined ? "-" : v < 10 ? v.toFixed(1) : v.toFixed(0));
  const col = (s: string) => s.padStart(22);
  const row = (label: string, f: (p: PhaseResult) => string) => console.log(label.padEnd(26) + col(f(base)) + col(f(load)));
  console.log("");
  console.log(`${"".padEnd(26)}${col("baseline")}${col("load")}`);
  row("agents / readers", (p) => (p === base ? "1 / 1" : `${agents} / ${readers}`));
  row("duration", (p) => `${p.seconds.toFixed(1)} s`);
  row("jobs taken", (p) => String(p.jobsTaken));
  row("spans acknowledged", (p) => String(p.spansAcknowledged));
  row("spans/s acknowledged", (p) => fmt(p.spansAcknowledged / p.seconds));
  row("requests/s", (p) => fmt(p.stats.count() / p.seconds));
  for (const kind of REQUEST_KINDS) {
    row(`${kind} p50 / p99 ms (n)`, (p) =>
      p.stats.count(kind) ? `${fmt(p.stats.quantile(kind, 0.5))} / ${fmt(p.stats.quantile(kind, 0.99))} (${p.stats.count(kind)})` : "-",
    );
  }
  row("errors by status", (p) => p.stats.errorSummary());
  console.log("");
  console.log(`Check in the database (all phases): ${verdict.acknowledged} distinct spans acknowledged`);
  console.log(`  spans lost        ${verdict.lost}   (must be 0)`);
  console.log(`  duplicates        ${verdict.duplicates}   (must be 0)`);
  console.log(`  wrong fields      ${verdict.wrongFields}   (an acknowledged finish copy not what is stored; must be 0)`);
  console.log(`  unexpected spans  ${verdict.unexpected}   (stored but never sent; must be 0)`);
  for (const e of verdict.examples) console.log(`  ${e}`);
  console.log("");
  console.log("Baseline: one agent and one reader alone, so each request kind's latency without contention; load: the same");
  console.log(`requests from ${agents} agents and ${readers} readers at once. Each span is sent as a start and a finish copy (~10% twice,`);
  console.log(
    `~5% swapped with a neighbour); ${spansPerJob} spans per job; one request at a time per agent or reader, each on a fresh connection.`,
  );
  if (verdict.lost || verdict.duplicates || verdict.wrongFields || verdict.unexpected) process.exitCode = 1;
} finally {
  // On someone's running app, the bench's runs would crowd its history.
  if (flags.url) await client.query("DELETE FROM jobs WHERE workflow = $1", [workflow]).catch(() => {});
  await client.end();
  await app?.stop();
}
