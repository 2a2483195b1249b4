// What the experiment page shows and polls for: the experiment, its analysis, histograms of tokens, cost and duration,
// and no pairs (the export has those). Pure.
import { METRICS, metricHistogram, type ExperimentReport, type HistogramBin, type Metric, type Pair } from "@/lib/experiments/analysis";

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

export interface ExperimentView {
  experiment: ExperimentHeader;
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
  return { experiment, report, histograms, at: new Date(now).toISOString() };
}
