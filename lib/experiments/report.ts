// One experiment with its pairs and their analysis, as the page, the export and the API read it.
import "server-only";
import type { Db } from "@/lib/db/client";
import { analyze, type ExperimentReport, type Pair } from "@/lib/experiments/analysis";
import { experimentPairs, getExperiment, type ExperimentRow } from "@/lib/experiments/queries";
import { experimentView, type ExperimentView } from "@/lib/experiments/view";

export interface ExperimentData {
  experiment: ExperimentRow;
  pairs: Pair[];
  report: ExperimentReport;
}

/** null when there is no such experiment. */
export async function loadExperiment(db: Db, id: string, now = Date.now()): Promise<ExperimentData | null> {
  const experiment = await getExperiment(db, id);
  if (!experiment) return null;
  const pairs = await experimentPairs(db, id);
  return { experiment, pairs, report: analyze(pairs, now) };
}

/** The page's view (no pairs), or null when there is no such experiment. */
export async function loadExperimentView(db: Db, id: string, now = Date.now()): Promise<ExperimentView | null> {
  const data = await loadExperiment(db, id, now);
  if (!data) return null;
  const e = data.experiment;
  const header = {
    id: e.id,
    name: e.name,
    note: e.note,
    setup: e.setup,
    setupKind: e.setupKind,
    runCount: e.runCount,
    estimateUsd: e.estimateUsd,
    estimatePartial: e.estimatePartial,
    createdByLabel: e.createdByLabel,
    createdAt: e.createdAt.toISOString(),
  };
  return experimentView(header, data.pairs, data.report, now);
}
