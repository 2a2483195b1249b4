// What the experiment page shows and polls for: the experiment, its analysis, histograms of tokens, cost and duration,
// and no pairs (the export has those). Pure.
import {
  METRICS,
  metricHistogram,
  rerunState,
  type ExperimentReport,
  type HistogramBin,
  type Metric,
  type Pair,
  type RerunState,
} from "@/lib/experiments/analysis";

export interface ExperimentHeader {
  id: string;
  name: string;
  note: string;
  setup: string;
  setupKind: string;
  runCount: number;
  estimateUsd: number | null;
  estimatePartial: boolean;
  createdByLabel: string;
  /** ISO time */
  createdAt: string;
}

/** One rerun of the experiment as its page lists it. */
export interface RerunEntry {
  rerunId: string;
  originalId: string;
  workflow: string;
  description: string;
  state: RerunState;
  status: string;
  verdict: boolean | null;
  originalVerdict: boolean | null;
  /** why it failed or was aborted (its head) */
  error: string | null;
}

export interface ExperimentView {
  experiment: ExperimentHeader;
  /** every rerun (an experiment has at most EXPERIMENT_MAX_RUNS), failed first, then running, queued, done */
  reruns: RerunEntry[];
  report: ExperimentReport;
  histograms: Record<Metric, HistogramBin[]>;
  /** when it was computed (ISO), which the ETA counts from */
  at: string;
}

export function experimentView(
  experiment: ExperimentHeader,
  pairs: readonly Pair[],
  report: ExperimentReport,
  now: number,
): ExperimentView {
  const histograms = Object.fromEntries(METRICS.map((m) => [m, metricHistogram(pairs, m, 12)])) as Record<Metric, HistogramBin[]>;
  return { experiment, reruns: rerunEntries(pairs), report, histograms, at: new Date(now).toISOString() };
}

const STATE_ORDER: Record<RerunState, number> = { failed: 0, running: 1, queued: 2, done: 3 };

/** The reruns, failed ones first (what needs a look), each group in the pairs' order (newest original first). */
export function rerunEntries(pairs: readonly Pair[]): RerunEntry[] {
  return pairs
    .map((p) => ({
      rerunId: p.rerun.id,
      originalId: p.original.id,
      workflow: p.workflow,
      description: p.description,
      state: rerunState(p.rerun.status),
      status: p.rerun.status,
      verdict: p.rerun.verdict,
      originalVerdict: p.original.verdict,
      error: p.rerun.error ?? null,
    }))
    .map((e, i) => ({ e, i }))
    .sort((a, b) => STATE_ORDER[a.e.state] - STATE_ORDER[b.e.state] || a.i - b.i)
    .map(({ e }) => e);
}
