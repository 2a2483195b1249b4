// The comparison of two runs as the compare page draws it: both runs loaded (./runs.ts) and their steps compared
// (./align.ts), once per pair and version for every reader meanwhile (single flight) and kept a little while, so the
// pages of one comparison's steps and readers who open it at once do not load and align two runs of 5,000 steps each.
import "server-only";
import type { Db } from "@/lib/db/client";
import { runVersion } from "@/lib/runs/outline-cache";
import { compareSteps, type Alignment, type StepRow } from "@/lib/compare/align";
import { loadForCompare, type ComparedRun } from "@/lib/compare/runs";
import { withFactDiffs, type FactDiff } from "@/lib/compare/step-facts";
import { servedClientAddress } from "@/lib/served-client";
import { FairTurns } from "@/lib/fair-turns";
import { nextTurn } from "@/lib/turn";
import { COMPARE_BUILDS_AT_ONCE, COMPARE_KEEP_COMPARISONS, COMPARE_KEEP_MS } from "@/lib/limits";

/** Two runs and their steps compared; a run is null when there is no such run (then there are no steps). */
export interface Comparison {
  a: ComparedRun | null;
  b: ComparedRun | null;
  /** the rows with each aligned pair's non-payload differences (`facts`, lib/compare/step-facts.ts) */
  steps: { rows: (StepRow<ComparedRun["spans"][number]> & { facts?: FactDiff[] })[]; alignment: Alignment } | null;
}

/**
 * Builds under way at once (COMPARE_BUILDS_AT_ONCE), one per client address: the rest wait on a promise, not holding
 * the event loop. Ten cold pairs built at once each turned thousands of rows into objects and steps in the same
 * stretch of the loop (issue 21, attack6 F4).
 */
const buildTurns = new FairTurns(COMPARE_BUILDS_AT_ONCE, 1);

/** Rows the facts of a comparison are added to between turns of the event loop. */
const FACT_SLICE_ROWS = 1_000;

/** The steps of `a` and `b` compared (lib/compare/align.ts) with their facts, in slices that let other requests in. */
async function buildSteps(a: ComparedRun, b: ComparedRun): Promise<NonNullable<Comparison["steps"]>> {
  const { rows, alignment } = await compareSteps(a.spans, b.spans);
  const withFacts: NonNullable<Comparison["steps"]>["rows"] = [];
  for (let i = 0; i < rows.length; i += FACT_SLICE_ROWS) {
    await nextTurn();
    withFacts.push(...withFactDiffs(rows.slice(i, i + FACT_SLICE_ROWS)));
  }
  return { rows: withFacts, alignment };
}

/** Comparisons under way and kept, by pair and version, least recently used first. */
const comparisons = new Map<string, { at: number; comparison: Promise<Comparison> }>();

/**
 * The comparison of runs `a` and `b` (ids as given, "" for none; an id that is not a run's gives null for that side and
 * no steps). Readers of
 * the same pair, while its runs' status and spans' version (lib/runs/outline-cache.ts runVersion) stay the same, share
 * one load and alignment: the one under way, or one kept for COMPARE_KEEP_MS (the last COMPARE_KEEP_COMPARISONS).
 * A run's job fields change with its status (a run gets its Results as it finishes); the short keep bounds the rest.
 */
export async function compareRuns(db: Db, a: string, b: string): Promise<Comparison> {
  const [va, vb] = await Promise.all([runVersion(db, a), runVersion(db, b)]);
  if (!va || !vb) {
    const [ra, rb] = await Promise.all([va ? loadForCompare(db, a) : null, vb ? loadForCompare(db, b) : null]);
    return { a: ra, b: rb, steps: null };
  }
  const key = [a, va.status, va.version, b, vb.status, vb.version].join(" ");
  const now = performance.now();
  for (const [k, kept] of comparisons) if (now - kept.at > COMPARE_KEEP_MS) comparisons.delete(k);
  const kept = comparisons.get(key);
  if (kept) {
    comparisons.delete(key); // most recently used last
    comparisons.set(key, kept);
    return kept.comparison;
  }
  // One build per pair (single flight), taking a turn of buildTurns for the client who asked first.
  const client = servedClientAddress();
  const comparison = (async (): Promise<Comparison> => {
    const release = await buildTurns.take(client);
    try {
      const ra = await loadForCompare(db, a);
      const rb = await loadForCompare(db, b);
      return { a: ra, b: rb, steps: ra && rb ? await buildSteps(ra, rb) : null };
    } finally {
      release();
    }
  })();
  comparisons.set(key, { at: now, comparison });
  while (comparisons.size > COMPARE_KEEP_COMPARISONS) comparisons.delete(comparisons.keys().next().value!);
  // A failed load is not kept: the next reader tries again.
  comparison.catch(() => {
    if (comparisons.get(key)?.comparison === comparison) comparisons.delete(key);
  });
  return comparison;
}

/** Comparisons being built now and waiting to be (tests, benchmarks). */
export function comparisonBuilds(): { active: number; pending: number } {
  return { active: buildTurns.active, pending: buildTurns.pending };
}

/** Forgets every kept comparison (benchmarks that measure a first reader). */
export function forgetComparisons(): void {
  comparisons.clear();
}
