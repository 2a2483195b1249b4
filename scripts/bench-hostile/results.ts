// bench:hostile's reads of a run's Results (issue 21, N1/N2/A14): a run finished with Results of 990,000 strings read
// for its page's header and for Compare's verdict table, and an experiment whose pairs' Results hold long lists read
// for its page, its CSV and its JSON export. Runs are written by PostgreSQL itself.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { getRunHeader } from "@/lib/runs/queries";
import { resultFields } from "@/lib/workflows/verdict";
import { loadForCompare } from "@/lib/compare/runs";
import { compareVerdicts } from "@/lib/compare/align";
import { loadExperiment, loadExperimentView } from "@/lib/experiments/report";
import { experimentCsv, experimentJson } from "@/lib/experiments/export";
import type { Kind } from "./harness";

/** A finished patch-triage run whose Results list `n` symbols (FocusSymbols) and `n / 10` configs; its id. */
async function listsRun(n: number, opts: { rerunOf?: string; experiment?: string } = {}): Promise<string> {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source, rerun_of_id, experiment_id, finished_at, results)
     VALUES ($1, 'patch-triage', 'patch-triage', 'bench', '', 'finished', 'agent', $3, $4, now(), json_build_object(
       'WorthFuzzing', true,
       'FocusSymbols', (SELECT json_agg('s' || to_hex(i)) FROM generate_series(1, $2::int) i),
       'EnableConfigs', (SELECT json_agg('C' || to_hex(i)) FROM generate_series(1, $2::int / 10) i)))`,
    [id, n, opts.rerunOf ?? null, opts.experiment ?? null],
  );
  return id;
}

/** An experiment of `pairs` (original, rerun) pairs whose Results list `n` symbols each; its id. */
async function listsExperiment(pairs: number, n: number): Promise<string> {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO experiments (id, name, setup, setup_kind, selection, run_count, created_by_label)
     VALUES ($1, 'bench', 'replay', 'builtin', '{"ids":[]}', $2, 'bench')`,
    [id, pairs],
  );
  for (let i = 0; i < pairs; i++) await listsRun(n, { rerunOf: await listsRun(n), experiment: id });
  return id;
}

const BIG = 990_000;

export async function resultsKinds(): Promise<Kind[]> {
  let bigA = "";
  let bigB = "";
  let experiment = "";
  const bigRuns = async () => {
    if (!bigA) [bigA, bigB] = [await listsRun(BIG), await listsRun(BIG)];
  };
  // 1,000 pairs (EXPERIMENT_MAX_RUNS) of 2,000 symbols: what an experiment reads grows with its pairs and their lists.
  const bigExperiment = async () => {
    if (!experiment) experiment = await listsExperiment(1000, 2_000);
  };
  const mb = (s: string) => `${(s.length / 1e6).toFixed(1)} MB`;
  return [
    {
      name: "run page: header of a 990K-string Results",
      prepare: bigRuns,
      run: async () => {
        const run = await getRunHeader(db(), bigA);
        return `${resultFields(run!.workflow, run!.results, run!.workflowType).fields.length} fields`;
      },
    },
    {
      name: "compare: verdicts of two 990K-string Results",
      prepare: bigRuns,
      run: async () => {
        const [a, b] = await Promise.all([loadForCompare(db(), bigA), loadForCompare(db(), bigB)]);
        const rows = compareVerdicts(a!.workflow, a!.results, b!.results, a!.workflowType, a!.resultDigests, b!.resultDigests);
        return `${rows.filter((r) => r.differs).length} of ${rows.length} differ`;
      },
    },
    {
      name: "experiment: page of 1,000 pairs of 2K-item lists",
      prepare: bigExperiment,
      run: async () => `200 (${(await loadExperimentView(db(), experiment))!.reruns.length} reruns)`,
    },
    {
      name: "experiment: CSV of 1,000 pairs of 2K-item lists",
      prepare: bigExperiment,
      run: async () => `200 (${mb(experimentCsv((await loadExperiment(db(), experiment))!.pairs))})`,
    },
    {
      name: "experiment: JSON of 1,000 pairs of 2K-item lists",
      prepare: bigExperiment,
      run: async () => `200 (${mb(experimentJson((await loadExperiment(db(), experiment))!))})`,
    },
  ];
}
