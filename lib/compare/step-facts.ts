// What two aligned steps differ in besides their payload (Args, Results, Error: ./payload.ts): the model that answered,
// the tokens it spent, its thoughts and the step's duration. A replayed rerun gives the same replies as its original
// but a different model, other token counts and no thoughts: a comparison that only diffs payloads calls it "the same".
import type { ComparableSpan, StepRow } from "@/lib/compare/align";
import { formatDurationUs } from "@/lib/format";

/** The step fields these differences read (loaded by lib/compare/runs.ts). */
export interface StepFacts {
  model?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  thoughtsTokens?: number | null;
  /** md5 of the thoughts text, null without thoughts */
  thoughtsDigest?: string | null;
  /** µs from start to finish; null while unfinished or without valid times */
  durationUs?: number | null;
}

export interface FactDiff {
  field: "model" | "input tokens" | "output tokens" | "thought tokens" | "thoughts" | "duration";
  a: string;
  b: string;
}

/**
 * Durations differ when they are apart by more than this share of the longer one and this many µs: two runs never
 * take the same microseconds, so an exact comparison would call every step changed.
 */
export const DURATION_DIFF_SHARE = 0.25;
export const DURATION_DIFF_MIN_US = 500_000;

const count = (n: number | null | undefined) => (n == null ? "—" : n.toLocaleString("en-US"));

/** The non-payload differences of two aligned steps, in a fixed order; [] when they agree. */
export function factDiffs(a: StepFacts, b: StepFacts): FactDiff[] {
  const out: FactDiff[] = [];
  if ((a.model ?? null) !== (b.model ?? null)) out.push({ field: "model", a: a.model ?? "—", b: b.model ?? "—" });
  const tokens: [FactDiff["field"], keyof StepFacts][] = [
    ["input tokens", "inputTokens"],
    ["output tokens", "outputTokens"],
    ["thought tokens", "thoughtsTokens"],
  ];
  for (const [field, key] of tokens) {
    const va = (a[key] as number | null | undefined) ?? 0;
    const vb = (b[key] as number | null | undefined) ?? 0;
    if (va !== vb) out.push({ field, a: count(va), b: count(vb) });
  }
  if ((a.thoughtsDigest ?? null) !== (b.thoughtsDigest ?? null)) {
    out.push({ field: "thoughts", a: a.thoughtsDigest ? "thoughts" : "none", b: b.thoughtsDigest ? "other thoughts" : "none" });
  }
  const da = a.durationUs ?? null;
  const db = b.durationUs ?? null;
  if (
    (da === null) !== (db === null) ||
    (da !== null && db !== null && Math.abs(da - db) > Math.max(DURATION_DIFF_MIN_US, DURATION_DIFF_SHARE * Math.max(da, db)))
  ) {
    out.push({ field: "duration", a: formatDurationUs(da), b: formatDurationUs(db) });
  }
  return out;
}

/** The aligned rows with each pair's non-payload differences (`facts`); unaligned rows are left as they are. */
export function withFactDiffs<S extends ComparableSpan & StepFacts>(rows: StepRow<S>[]): (StepRow<S> & { facts?: FactDiff[] })[] {
  return rows.map((r) => (r.a && r.b ? { ...r, facts: factDiffs(r.a, r.b) } : r));
}

/**
 * How many steps differ: in all, in payload (Args, Results, Error: the old count), only in model, tokens, thoughts or
 * duration, and steps only one run has.
 */
export function differenceCounts(rows: readonly (StepRow<ComparableSpan> & { facts?: FactDiff[] })[]): {
  any: number;
  payload: number;
  factsOnly: number;
  unaligned: number;
} {
  const counts = { any: 0, payload: 0, factsOnly: 0, unaligned: 0 };
  for (const r of rows) {
    if (r.status === "changed") counts.payload++;
    else if (r.status === "only-a" || r.status === "only-b") counts.unaligned++;
    else if ((r.facts?.length ?? 0) > 0) counts.factsOnly++;
  }
  counts.any = counts.payload + counts.unaligned + counts.factsOnly;
  return counts;
}
