// One experiment with its pairs and their analysis, as the page, the export and the API read it.
import "server-only";
import type { Db } from "@/lib/db/client";
import { analyze, type ExperimentReport, type Pair } from "@/lib/experiments/analysis";
import { experimentPairs, getExperiment, type ExperimentRow } from "@/lib/experiments/queries";

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
