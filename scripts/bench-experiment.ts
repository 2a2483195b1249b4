// `npm run bench:experiment`: an experiment over 1,000 runs on a history of BENCH_RUNS runs — the time to queue it,
// then the experiment page's server time (loading and analysing its pairs) as reruns land, printed beside the history
// page's server time (first page + count) on the same data as the baseline, and the agent poll's time.
import { parseArgs } from "node:util";
import pg from "pg";
import { resolveDatabase } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";
import { db, disconnectDb } from "@/lib/db/client";
import { findJobs } from "@/lib/history/list";
import { countJobs } from "@/lib/history/stats";
import { DEFAULT_QUERY } from "@/lib/history/query";
import { startExperiment } from "@/lib/experiments/start";
import { loadExperimentView } from "@/lib/experiments/report";
import { pollJob } from "@/lib/agents/methods";
import { EXPERIMENT_MAX_RUNS } from "@/lib/limits";
import { INSERT_RUNS } from "./bench-history-data";

// A smaller history than bench:history's million by default (`-- --runs N` changes it): the experiment reads its own
// 1,000 pairs, not the history.
const { values: flags } = parseArgs({ options: { runs: { type: "string", default: "100000" } } });
const RUNS = Number(flags.runs);
if (!Number.isInteger(RUNS) || RUNS < 2 * EXPERIMENT_MAX_RUNS)
  throw new Error(`--runs: a whole number of at least ${2 * EXPERIMENT_MAX_RUNS}`);
const REPEAT = 5;
const log = (s: string) => console.log(s);

async function median(fn: () => Promise<unknown>, repeat = REPEAT): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(repeat / 2)]!;
}

const database = await resolveDatabase({ throwaway: true, ignoreDatabaseUrl: true });
let client: pg.Client | null = null;
try {
  await applyMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  client = new pg.Client(database.url);
  await client.connect();
  log(`Loading ${RUNS.toLocaleString("en-US")} runs…`);
  const t0 = performance.now();
  await client.query("SELECT setseed(0.42)");
  for (let lo = 1; lo <= RUNS; lo += 50_000) await client.query(INSERT_RUNS, [lo, Math.min(lo + 49_999, RUNS), RUNS]);
  await client.query("ANALYZE jobs");
  log(`  loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const actor = { id: null, label: "bench" };
  const selection = { filters: "workflow=patch-triage&status=finished" };
  const setup = { kind: "builtin" as const, value: "google:gemini-2.5-pro" };
  // Queueing, three times (three experiments of 1,000 reruns each); the last one is measured as it runs.
  const queueTimes: number[] = [];
  let experimentId = "";
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const started = await startExperiment(db(), { selection, setup, name: `bench ${i}`, limit: EXPERIMENT_MAX_RUNS }, actor);
    queueTimes.push(performance.now() - t);
    experimentId = started.id;
  }
  const queueMs = queueTimes.sort((a, b) => a - b)[1]!;

  const historyMs = await median(() => Promise.all([findJobs(db(), DEFAULT_QUERY), countJobs(db(), DEFAULT_QUERY)]));
  const filteredHistoryMs = await median(() =>
    Promise.all([
      findJobs(db(), { ...DEFAULT_QUERY, workflow: "patch-triage", status: "finished" }),
      countJobs(db(), { workflow: "patch-triage", status: "finished" }),
    ]),
  );
  const pollReq = { AgentName: "bench", CodeRevision: "r", Workflows: [{ Type: "patch-triage", Name: "patch-triage" }] };

  // Reruns land: mark a share of the measured experiment's reruns ended, as agents would (verdicts, tokens, times).
  const rows: { landed: number; pageMs: number }[] = [];
  let landed = 0;
  for (const share of [0, 0.1, 0.5, 1]) {
    const target = Math.round(EXPERIMENT_MAX_RUNS * share);
    if (target > landed) {
      await client.query(
        `UPDATE jobs SET status = CASE WHEN random() < .95 THEN 'finished' ELSE 'failed' END::"JobStatus",
           started_at = now() - interval '5 minutes', finished_at = now() - random() * interval '4 minutes',
           duration_ms = (60000 + random() * 240000)::bigint, input_tokens = (20000 + random() * 80000)::int, output_tokens = (200 + random() * 2000)::int,
           thoughts_tokens = (1000 + random() * 5000)::int, llm_calls = 5
         WHERE id IN (SELECT id FROM jobs WHERE experiment_id = $1 AND status = 'pending' ORDER BY created_at LIMIT $2)`,
        [experimentId, target - landed],
      );
      await client.query(
        `UPDATE jobs SET total_tokens = input_tokens + output_tokens + thoughts_tokens,
           verdict = CASE WHEN status = 'finished' THEN random() < .4 END,
           results = CASE WHEN status = 'finished' THEN jsonb_build_object('FocusSymbols', jsonb_build_array('f' || (random() * 5)::int), 'EnableConfigs', jsonb_build_array('EXT4_FS')) END
         WHERE experiment_id = $1 AND status <> 'pending' AND total_tokens = 0`,
        [experimentId],
      );
      landed = target;
    }
    rows.push({ landed, pageMs: await median(() => loadExperimentView(db(), experimentId)) });
  }
  const pollMs = await median(async () => {
    // Each poll takes a job; put it back so every measurement sees the same queue.
    const job = await pollJob("bench-experiment", pollReq);
    if (job.ID) await client!.query("UPDATE jobs SET status = 'pending', started_at = NULL WHERE id = $1", [job.ID]);
  });

  log(
    `\nbench:experiment — ${RUNS.toLocaleString("en-US")} runs in the history, experiments of ${EXPERIMENT_MAX_RUNS.toLocaleString("en-US")} reruns (median of ${REPEAT}, warm; queue: median of 3)\n`,
  );
  log(`  queue an experiment (select, estimate, insert ${EXPERIMENT_MAX_RUNS} reruns, audit): ${queueMs.toFixed(0)} ms`);
  log(`  agent poll with ${(2 * EXPERIMENT_MAX_RUNS).toLocaleString("en-US")} experiment reruns pending:          ${pollMs.toFixed(1)} ms`);
  log(`\n  reruns landed | experiment page server time | history first page (baseline) | ratio | filtered history | ratio`);
  for (const r of rows) {
    log(
      `  ${String(r.landed).padStart(13)} | ${r.pageMs.toFixed(1).padStart(24)} ms | ${historyMs.toFixed(1).padStart(26)} ms | ${(r.pageMs / historyMs).toFixed(2).padStart(5)} | ${filteredHistoryMs.toFixed(1).padStart(13)} ms | ${(r.pageMs / filteredHistoryMs).toFixed(2)}`,
    );
  }
} finally {
  await client?.end();
  await disconnectDb();
  await database.stop();
}
