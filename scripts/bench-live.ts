// `npm run bench:live`: what N watchers of a live run cost the other readers. The same app, run and span stream,
// first with no watchers (the baseline), then with N watchers (--watchers, default 500) on /api/jobs/<id>/events.
// Prints readers' p50/p99, the app's CPU, events per watcher and the database's query count per phase.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { parseArgs } from "node:util";
import pg from "pg";
import { startApp } from "@/lib/load/app";
import { cpuSeconds } from "@/lib/load/cpu";
import { get } from "@/lib/load/http";
import { LoadStats, type RequestKind } from "@/lib/load/stats";

const { values: flags } = parseArgs({
  options: {
    watchers: { type: "string", default: "500" },
    seconds: { type: "string", default: "20" },
    readers: { type: "string", default: "4" },
    "spans-per-second": { type: "string", default: "10" },
  },
});
const watchers = Number(flags.watchers);
const seconds = Number(flags.seconds);
const readers = Number(flags.readers);
const spanRate = Number(flags["spans-per-second"]);

console.log("Starting the app on a throwaway PostgreSQL (builds first when stale)…");
const app = await startApp();
const client = new pg.Client({ connectionString: app.databaseUrl });
await client.connect();
const jobId = randomUUID();
await client.query(
  `INSERT INTO jobs (id, workflow, status, agent_name, source, started_at, last_seen_at) VALUES ($1, 'patch-triage', 'running', 'bench-agent', 'agent', now(), now())`,
  [jobId],
);
await client.query(`INSERT INTO spans (job_id, seq, nesting, type, name, started_at) VALUES ($1, 0, 0, 'flow', 'patch-triage', now())`, [
  jobId,
]);

let seq = 1;
/** Spans arrive as an agent sends them: a start copy, then its finish copy. */
async function streamSpans(until: number): Promise<void> {
  while (Date.now() < until) {
    const s = seq++;
    await client.query(`INSERT INTO spans (job_id, seq, nesting, type, name, started_at) VALUES ($1, $2, 1, 'tool', 'grepper', now())`, [
      jobId,
      s,
    ]);
    await client.query(`UPDATE spans SET finished_at = now() WHERE job_id = $1 AND seq = $2`, [jobId, s]);
    await new Promise((r) => setTimeout(r, 1000 / spanRate));
  }
}

async function read(stats: LoadStats, until: number): Promise<void> {
  const paths: [RequestKind, string][] = [
    ["history", "/"],
    ["page", `/jobs/${jobId}`],
    ["outline", `/api/jobs/${jobId}/outline`],
  ];
  for (let i = 0; Date.now() < until; i++) {
    const [kind, path] = paths[i % paths.length]!;
    const r = await get(`${app.url}${path}`);
    stats.record(kind, r.ms, r.outcome);
  }
}

interface Watcher {
  events: number;
  status: number;
  close(): void;
}

function watch(): Promise<Watcher> {
  return new Promise((resolve, reject) => {
    const w: Watcher = { events: 0, status: 0, close: () => req.destroy() };
    const req = http.get(`${app.url}/api/jobs/${jobId}/events`, { agent: false }, (res) => {
      w.status = res.statusCode ?? 0;
      if (w.status !== 200) {
        res.resume();
        return reject(new Error(`a watcher got ${w.status}`));
      }
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const n = chunk.split("event: change").length - 1;
        if (n > 0 && w.events === 0) resolve(w);
        w.events += n;
      });
      res.on("error", () => {});
    });
    req.on("error", reject);
  });
}

async function queries(): Promise<number> {
  const { rows } = await client.query(
    `SELECT sum(xact_commit + xact_rollback)::int8 AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Number(rows[0].n);
}

interface Phase {
  label: string;
  stats: LoadStats;
  cpu: number;
  transactions: number;
  spans: number;
  eventsPerWatcher?: number;
}

async function phase(label: string, open: Watcher[]): Promise<Phase> {
  const stats = new LoadStats();
  const until = Date.now() + seconds * 1000;
  const [cpu0, tx0, seq0] = [cpuSeconds(app.pid), await queries(), seq];
  const before = open.map((w) => w.events);
  await Promise.all([streamSpans(until), ...Array.from({ length: readers }, () => read(stats, until))]);
  const eventsPerWatcher = open.length ? open.reduce((n, w, i) => n + w.events - before[i]!, 0) / open.length : undefined;
  return { label, stats, cpu: cpuSeconds(app.pid) - cpu0, transactions: (await queries()) - tx0, spans: seq - seq0, eventsPerWatcher };
}

try {
  // Warm up first (the first requests compile routes and fill caches), so the baseline is a steady state.
  await phase("warm-up", []);
  const baseline = await phase("no watchers", []);
  console.log(`Opening ${watchers} watchers…`);
  const open: Watcher[] = [];
  for (let i = 0; i < watchers; i += 50)
    open.push(...(await Promise.all(Array.from({ length: Math.min(50, watchers - i) }, () => watch()))));
  const loaded = await phase(`${watchers} watchers`, open);
  for (const w of open) w.close();

  const ms = (v: number | undefined) => (v === undefined ? "—" : `${v.toFixed(0)} ms`);
  console.log(
    `\nlive run followed for ${seconds} s per phase, ${spanRate} spans/s streamed, ${readers} readers (history, run page, outline in turn)\n`,
  );
  console.log("phase            reader p50   reader p99   history p99   requests   app CPU   DB transactions   events/watcher");
  for (const p of [baseline, loaded]) {
    console.log(
      `${p.label.padEnd(16)} ${ms(median(p.stats)).padStart(10)}   ${ms(p99(p.stats)).padStart(10)}   ${ms(p.stats.quantile("history", 0.99)).padStart(11)}   ${String(p.stats.count()).padStart(8)}   ${p.cpu.toFixed(1).padStart(5)} s   ${String(p.transactions).padStart(15)}   ${p.eventsPerWatcher === undefined ? "—" : p.eventsPerWatcher.toFixed(1)}`,
    );
  }
  const ratio = (p99(loaded.stats) ?? 0) / (p99(baseline.stats) ?? 1);
  console.log(`\nreader p99 with ${watchers} watchers: ${ratio.toFixed(2)}× the baseline; errors: ${loaded.stats.errorSummary()}`);
} finally {
  await client.end();
  await app.stop();
}

function all(stats: LoadStats): number[] {
  return (["history", "page", "outline"] as RequestKind[]).flatMap((k) => [stats.quantile(k, 0.5) ?? NaN]).filter((n) => !Number.isNaN(n));
}
function median(stats: LoadStats): number | undefined {
  const v = all(stats);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}
function p99(stats: LoadStats): number | undefined {
  const v = (["history", "page", "outline"] as RequestKind[])
    .map((k) => stats.quantile(k, 0.99))
    .filter((n): n is number => n !== undefined);
  return v.length ? Math.max(...v) : undefined;
}
