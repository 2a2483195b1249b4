// A seeded set of runs for the history tests, under a workflow name of its own so other rows in the shared database never match.
import { randomUUID } from "node:crypto";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { EXT4_SCENARIO, patchTriageRun, type TriageScenario } from "@/lib/demo/patch-triage";
import { DEFAULT_QUERY, type HistoryQuery } from "@/lib/history/query";

export interface SeededRun {
  id: string;
  key: string;
}

let seed = 5000;

/** A run of workflow `workflow` started at `start`, tagged `key` in its description (search finds it by that word). */
export async function saveRun(
  workflow: string,
  key: string,
  start: Date,
  overrides: Partial<TriageScenario> & { worker?: string } = {},
): Promise<SeededRun> {
  seed++;
  const { worker, ...scenario } = overrides;
  const run = patchTriageRun({
    seed,
    start,
    description: `${key} change`,
    ...EXT4_SCENARIO,
    steps: 2,
    ...scenario,
  });
  run.job.Workflow = workflow;
  run.job.ID = randomUUID();
  if (worker) run.job.AgentName = worker;
  const saved = await saveImportedRun(run);
  return { id: saved.id, key };
}

/**
 * A workflow of its own for one test, named as aflow names a patch-triage flow registered with a name
 * ("patch-triage-<name>", pkg/aflow/flow.go), so that its verdict reads as patch-triage's.
 */
export function uniqueWorkflow(name: string): string {
  return `patch-triage-${name}-${randomUUID().slice(0, 8)}`;
}

export const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 4, day, hour, 0, 0));

export function query(workflow: string, q: Partial<HistoryQuery> = {}): HistoryQuery {
  return { ...DEFAULT_QUERY, workflow, ...q };
}
