// What an experiment shows, computed from its pairs (original run, rerun): progress with an ETA, the verdict agreement
// matrix, accuracy against review marks, list-field agreement, token/cost/duration distributions and the flips.
// Pure functions over plain data (the SQL that reads the pairs is lib/experiments/queries.ts).

/** The facts of one run that the analysis reads. Times are ISO strings; tokens and USD as numbers. */
export interface RunFacts {
  id: string;
  status: string;
  /** the workflow's main yes/no (jobs.verdict); null when the run gave none */
  verdict: boolean | null;
  /** how many items each list field of the results (LIST_FIELDS) holds as stored; null when it is not a list */
  lists: Record<string, number | null>;
  totalTokens: number;
  /** USD of the priced spans; null = spent tokens but nothing had a price */
  costUsd: number | null;
  /** spans that spent tokens without a price */
  costUnpriced: number;
  durationMs: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** the head of the run's error (why it failed or was aborted); absent where not read */
  error?: string | null;
}

export interface Pair {
  workflow: string;
  description: string;
  /** the reviewer's mark of the original (jobs.correct): did its verdict hold? null = not marked */
  originalCorrect: boolean | null;
  /** the mark of the rerun, when someone marked it */
  rerunCorrect: boolean | null;
  /**
   * each list field's Jaccard index (jaccard) of the two runs' lists over their first EXPERIMENT_LIST_ITEMS items,
   * computed where they are stored (lib/experiments/queries.ts); null when either run's value is not a list
   */
  listJaccard: Record<string, number | null>;
  original: RunFacts;
  rerun: RunFacts;
}

/** The list fields compared by Jaccard index (patch-triage's outputs). */
export const LIST_FIELDS = ["FocusSymbols", "EnableConfigs"] as const;

/**
 * Items of a list field an experiment compares at most: a run's results may list a million (7 MB), and its pairs went
 * whole into the JSON export (17 MB). Longer lists are compared by their first ones; the pairs carry each list's count.
 */
export const EXPERIMENT_LIST_ITEMS = 1000;

// ---- Progress

export type RerunState = "queued" | "running" | "done" | "failed";

/** pending → queued, running → running, finished → done, anything else (failed, aborted, incomplete) → failed. */
export function rerunState(status: string): RerunState {
  if (status === "pending") return "queued";
  if (status === "running") return "running";
  if (status === "finished") return "done";
  return "failed";
}

export interface Progress {
  total: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  /** ms until the last rerun ends at the pace so far (ended reruns per ms since the first started); null before one ended or once all have */
  etaMs: number | null;
  /** median duration of the ended reruns, ms */
  medianDurationMs: number | null;
}

/** Counts per state and the ETA at `now` (ms since the epoch). */
export function progress(pairs: readonly Pair[], now: number): Progress {
  const p: Progress = { total: pairs.length, queued: 0, running: 0, done: 0, failed: 0, etaMs: null, medianDurationMs: null };
  let firstStart = Infinity;
  const durations: number[] = [];
  for (const { rerun } of pairs) {
    p[rerunState(rerun.status)]++;
    if (rerun.startedAt) firstStart = Math.min(firstStart, Date.parse(rerun.startedAt));
    if (rerun.startedAt && rerun.finishedAt) durations.push(Date.parse(rerun.finishedAt) - Date.parse(rerun.startedAt));
  }
  p.medianDurationMs = quantile(durations, 0.5);
  const ended = p.done + p.failed;
  const remaining = p.queued + p.running;
  if (ended > 0 && remaining > 0 && Number.isFinite(firstStart)) {
    const pace = Math.max(now - firstStart, 1) / ended;
    p.etaMs = Math.round(pace * remaining);
  }
  return p;
}

// ---- Verdicts

export type VerdictCell = "yes" | "no" | "none";
export type RerunCell = "yes" | "no" | "failed" | "pending";

/** The verdict agreement matrix: counts[original][rerun]. "none": the original gave no verdict (it failed). */
export interface Agreement {
  counts: Record<VerdictCell, Record<RerunCell, number>>;
  /** pairs where both gave a verdict */
  compared: number;
  /** of those, the ones whose verdicts agree */
  agreed: number;
  /** agreed / compared; null when nothing was compared */
  rate: number | null;
}

function verdictCell(v: boolean | null): VerdictCell {
  return v === true ? "yes" : v === false ? "no" : "none";
}

/** A rerun still queued or running is pending; one that ended without a verdict (failed, aborted) is failed. */
export function rerunCell(r: RunFacts): RerunCell {
  const state = rerunState(r.status);
  if (state === "queued" || state === "running") return "pending";
  return r.verdict === true ? "yes" : r.verdict === false ? "no" : "failed";
}

export function agreement(pairs: readonly Pair[]): Agreement {
  const row = (): Record<RerunCell, number> => ({ yes: 0, no: 0, failed: 0, pending: 0 });
  const counts = { yes: row(), no: row(), none: row() };
  let compared = 0;
  let agreed = 0;
  for (const p of pairs) {
    const o = verdictCell(p.original.verdict);
    const r = rerunCell(p.rerun);
    counts[o][r]++;
    if (o !== "none" && (r === "yes" || r === "no")) {
      compared++;
      if (o === r) agreed++;
    }
  }
  return { counts, compared, agreed, rate: compared ? agreed / compared : null };
}

/**
 * The right verdict of a pair from its review marks: the original's mark says whether its verdict held; without one,
 * the rerun's mark does the same for the rerun's verdict. null when neither is marked or the marked run has no verdict.
 */
export function reviewedTruth(p: Pair): boolean | null {
  if (p.originalCorrect !== null && p.original.verdict !== null) return p.originalCorrect ? p.original.verdict : !p.original.verdict;
  if (p.rerunCorrect !== null && p.rerun.verdict !== null && rerunState(p.rerun.status) === "done") {
    return p.rerunCorrect ? p.rerun.verdict : !p.rerun.verdict;
  }
  return null;
}

export interface Accuracy {
  /** pairs with a known right verdict (a review mark) */
  reviewed: number;
  original: { right: number; of: number; rate: number | null };
  /** reruns still pending are left out; a rerun that failed counts as wrong */
  rerun: { right: number; of: number; rate: number | null };
}

/** Accuracy of originals and reruns against the review marks. */
export function accuracy(pairs: readonly Pair[]): Accuracy {
  const a: Accuracy = { reviewed: 0, original: { right: 0, of: 0, rate: null }, rerun: { right: 0, of: 0, rate: null } };
  for (const p of pairs) {
    const truth = reviewedTruth(p);
    if (truth === null) continue;
    a.reviewed++;
    a.original.of++;
    if (p.original.verdict === truth) a.original.right++;
    const cell = rerunCell(p.rerun);
    if (cell === "pending") continue;
    a.rerun.of++;
    if ((cell === "yes") === truth && cell !== "failed") a.rerun.right++;
  }
  a.original.rate = a.original.of ? a.original.right / a.original.of : null;
  a.rerun.rate = a.rerun.of ? a.rerun.right / a.rerun.of : null;
  return a;
}

// ---- List fields

/** |A ∩ B| / |A ∪ B| over distinct elements; two empty lists agree fully (1). */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const A = new Set(a);
  const B = new Set(b);
  if (A.size === 0 && B.size === 0) return 1;
  let both = 0;
  for (const x of A) if (B.has(x)) both++;
  return both / (A.size + B.size - both);
}

export interface FieldAgreement {
  field: string;
  /** pairs where both runs finished with the field as a list */
  compared: number;
  /** mean Jaccard index over them; null when none */
  meanJaccard: number | null;
  /** pairs whose lists are equal as sets */
  identical: number;
}

export function fieldAgreement(pairs: readonly Pair[], fields: readonly string[] = LIST_FIELDS): FieldAgreement[] {
  return fields.map((field) => {
    let sum = 0;
    let compared = 0;
    let identical = 0;
    for (const p of pairs) {
      if (rerunState(p.rerun.status) !== "done") continue;
      const j = p.listJaccard[field];
      if (j == null) continue;
      sum += j;
      compared++;
      if (j === 1) identical++;
    }
    return { field, compared, meanJaccard: compared ? sum / compared : null, identical };
  });
}

// ---- Distributions

/** The q-quantile (0..1) by linear interpolation between closest ranks; null for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((x, y) => x - y);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface Distribution {
  /** runs with a value */
  count: number;
  median: number | null;
  p90: number | null;
  sum: number;
}

export function distribution(values: readonly number[]): Distribution {
  return { count: values.length, median: quantile(values, 0.5), p90: quantile(values, 0.9), sum: values.reduce((a, b) => a + b, 0) };
}

export type Metric = "tokens" | "cost" | "duration";
export const METRICS: readonly Metric[] = ["tokens", "cost", "duration"];

function metricOf(r: RunFacts, m: Metric): number | null {
  if (m === "tokens") return r.totalTokens;
  if (m === "cost") return r.costUsd;
  return r.durationMs;
}

export interface MetricComparison {
  metric: Metric;
  original: Distribution;
  rerun: Distribution;
  /** median of (rerun − original) over pairs where both have a value */
  medianDelta: number | null;
  /** rerun sum − original sum over the same pairs */
  sumDelta: number;
  /** cost only: runs whose cost is partial (spans without a price) or unknown ("no price"), per side */
  partial?: { original: number; rerun: number };
}

/**
 * Distributions of tokens, cost (USD) and duration (ms) over the pairs whose rerun has ended (done or failed): the
 * originals of those pairs against their reruns, so both sides cover the same patches.
 */
export function compareMetrics(pairs: readonly Pair[]): MetricComparison[] {
  const ended = pairs.filter((p) => rerunCell(p.rerun) !== "pending");
  return METRICS.map((metric) => {
    const o: number[] = [];
    const r: number[] = [];
    const deltas: number[] = [];
    let sumDelta = 0;
    for (const p of ended) {
      const a = metricOf(p.original, metric);
      const b = metricOf(p.rerun, metric);
      if (a !== null) o.push(a);
      if (b !== null) r.push(b);
      if (a !== null && b !== null) {
        deltas.push(b - a);
        sumDelta += b - a;
      }
    }
    const out: MetricComparison = {
      metric,
      original: distribution(o),
      rerun: distribution(r),
      medianDelta: quantile(deltas, 0.5),
      sumDelta,
    };
    if (metric === "cost") {
      const partial = (x: RunFacts) => x.costUsd === null || x.costUnpriced > 0;
      out.partial = { original: ended.filter((p) => partial(p.original)).length, rerun: ended.filter((p) => partial(p.rerun)).length };
    }
    return out;
  });
}

export interface HistogramBin {
  /** the bin's lower edge (inclusive) and upper edge (exclusive, inclusive for the last) */
  from: number;
  to: number;
  original: number;
  rerun: number;
}

/** Equal-width bins over both sides' range, for a side-by-side bar chart. */
export function histogram(original: readonly number[], rerun: readonly number[], bins = 10): HistogramBin[] {
  const all = [...original, ...rerun];
  if (all.length === 0) return [];
  const min = Math.min(...all);
  const max = Math.max(...all);
  const width = max > min ? (max - min) / bins : 1;
  const n = max > min ? bins : 1;
  const out: HistogramBin[] = Array.from({ length: n }, (_, i) => ({
    from: min + i * width,
    to: min + (i + 1) * width,
    original: 0,
    rerun: 0,
  }));
  const at = (v: number) => Math.min(n - 1, Math.floor((v - min) / width));
  for (const v of original) out[at(v)]!.original++;
  for (const v of rerun) out[at(v)]!.rerun++;
  return out;
}

/** The histogram of one metric over the ended pairs (same selection as compareMetrics). */
export function metricHistogram(pairs: readonly Pair[], metric: Metric, bins = 10): HistogramBin[] {
  const ended = pairs.filter((p) => rerunCell(p.rerun) !== "pending");
  const values = (side: "original" | "rerun") => ended.map((p) => metricOf(p[side], metric)).filter((v): v is number => v !== null);
  return histogram(values("original"), values("rerun"), bins);
}

// ---- Flips

export interface Flip {
  originalId: string;
  rerunId: string;
  workflow: string;
  description: string;
  from: boolean;
  to: boolean;
  /** the reviewed right verdict, when known: which side the flip moved to */
  truth: boolean | null;
}

/** Pairs whose verdict changed (both gave one), in the pairs' order. */
export function flips(pairs: readonly Pair[]): Flip[] {
  return pairs.flatMap((p) => {
    const to = rerunCell(p.rerun);
    if (p.original.verdict === null || (to !== "yes" && to !== "no") || (to === "yes") === p.original.verdict) return [];
    return [
      {
        originalId: p.original.id,
        rerunId: p.rerun.id,
        workflow: p.workflow,
        description: p.description,
        from: p.original.verdict,
        to: to === "yes",
        truth: reviewedTruth(p),
      },
    ];
  });
}

// ---- Everything

export interface ExperimentReport {
  progress: Progress;
  agreement: Agreement;
  accuracy: Accuracy;
  fields: FieldAgreement[];
  metrics: MetricComparison[];
  flips: Flip[];
}

export function analyze(pairs: readonly Pair[], now: number): ExperimentReport {
  return {
    progress: progress(pairs, now),
    agreement: agreement(pairs),
    accuracy: accuracy(pairs),
    fields: fieldAgreement(pairs),
    metrics: compareMetrics(pairs),
    flips: flips(pairs),
  };
}
