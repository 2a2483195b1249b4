// The time model of a run, one place for every page: microsecond instants and durations, each span's timing judged
// (valid, unfinished, invalid, skewed) with the words and marks a reader sees, and the run's window and duration taken
// only from times that can be trusted. Imported data has zero start times, spans that never finished, ends before
// starts and children outside their parents (formats doc §1 and §5); none of them may stretch a scale or an average.
// Durations and instants are written for reading by lib/format.ts (formatDurationUs, formatInstant).
import { formatDurationUs } from "@/lib/format";

/**
 * The first instant (µs since the Unix epoch: 1970-01-02T00:00:00Z) taken as a real time in a run that has real
 * times. Earlier starts there are placeholders: Go's zero time 0001-01-01T00:00:00Z "and a few seconds after"
 * (formats doc §1), or the Unix epoch 0 other tools write for "unset". No agent run happened before 1970.
 */
export const REAL_TIME_FROM_US = 86_400_000_000;
/** REAL_TIME_FROM_US as RFC 3339, for SQL. */
export const REAL_TIME_FROM_ISO = "1970-01-02T00:00:00Z";
/** Go's zero time, 0001-01-01T00:00:00Z, in µs since the Unix epoch (a double holds it exactly). */
export const ZERO_TIME_US = -62_135_596_800_000_000;
/** ZERO_TIME_US as RFC 3339, for SQL. */
export const ZERO_TIME_ISO = "0001-01-01T00:00:00Z";

/**
 * The exclusive lower bound of real starts in one run: in a run with any start from 1970 on, starts before
 * 1970-01-02 are placeholders; a run whose every start lies before 1970 runs on a stub clock (upstream's golden
 * trajectories: 0001-01-01T00:00:01Z, :02, … one second per event), and there only the zero time itself is no start.
 * lib/runs/queries.ts applies the same rule in SQL (realAfterSql).
 */
export function realTimeAfter(starts: Iterable<number | null | undefined>): number {
  for (const us of starts) if (us != null && us >= REAL_TIME_FROM_US) return REAL_TIME_FROM_US - 1;
  return ZERO_TIME_US;
}

/** The bound for runs with real times (realTimeAfter's usual answer). */
export const REAL_TIME_AFTER_US = REAL_TIME_FROM_US - 1;

/** True for an instant (µs since the Unix epoch) that is a real start in a run whose bound is `after` (realTimeAfter). */
export function isRealTime(us: number | null | undefined, after = REAL_TIME_AFTER_US): us is number {
  return us != null && Number.isFinite(us) && us > after;
}

/**
 * How far a span's times can be trusted:
 * - valid: a real start and a finish at or after it;
 * - unfinished: a real start, no finish (running while the run is live; "no end recorded" once it is not);
 * - no-start: the start is absent or a zero time, so nothing about its time is known (invalid);
 * - end-before-start: the finish lies before the start (invalid);
 * - skewed: valid, but outside its parent's time (clock skew between machines, or a parent closed too early).
 * Only valid and skewed spans have a duration; only they set scales, totals and averages.
 */
export type TimingKind = "valid" | "unfinished" | "no-start" | "end-before-start" | "skewed";

/** Numeric codes of TimingKind, for per-span typed arrays (outline.timing). */
export const TIMING_CODES: readonly TimingKind[] = ["valid", "unfinished", "no-start", "end-before-start", "skewed"];
export const VALID = 0;
export const UNFINISHED = 1;
export const NO_START = 2;
export const END_BEFORE_START = 3;
export const SKEWED = 4;

/** The timing of one span on its own (without its parent): start and finish in µs since the Unix epoch. */
export function spanTimingCode(
  startUs: number | null | undefined,
  finishUs: number | null | undefined,
  after = REAL_TIME_AFTER_US,
): number {
  if (!isRealTime(startUs, after)) return NO_START;
  if (finishUs == null || !Number.isFinite(finishUs)) return UNFINISHED;
  return finishUs < startUs ? END_BEFORE_START : VALID;
}

/** True when the code stands for times that count (valid or skewed): such a span has a duration. */
export function isTimed(code: number): boolean {
  return code === VALID || code === SKEWED;
}

/** The columns classifyTimings reads: epoch µs starts (NaN: no real start), µs durations (NaN: none), parents. */
export interface TimedSpans {
  count: number;
  parent: Int32Array;
  start: Float64Array;
  dur: Float64Array;
}

/**
 * Every span's timing code (TIMING_CODES). A timed span whose parent is timed too is skewed when it starts before
 * its parent starts or ends after its parent ends; under an unfinished parent only the start is checked.
 * `skew: false` (runs with minute-precision times, whose rounding moves children past their parents) checks none.
 */
export function classifyTimings(o: TimedSpans, { skew = true }: { skew?: boolean } = {}): Uint8Array {
  const codes = new Uint8Array(o.count);
  for (let i = 0; i < o.count; i++) {
    const start = o.start[i]!;
    const dur = o.dur[i]!;
    // The wire already carries no start (NaN) for placeholders (encodeOutline judged them run by run).
    codes[i] = spanTimingCode(Number.isNaN(start) ? null : start, Number.isNaN(dur) ? null : start + dur, -Infinity);
  }
  if (!skew) return codes;
  for (let i = 0; i < o.count; i++) {
    const p = o.parent[i]!;
    if (p < 0 || codes[i] !== VALID) continue;
    const parentCode = codes[p]!;
    if (!isTimed(parentCode) && parentCode !== UNFINISHED) continue;
    const before = o.start[i]! < o.start[p]!;
    const after = isTimed(parentCode) && o.start[i]! + o.dur[i]! > o.start[p]! + o.dur[p]!;
    if (before || after) codes[i] = SKEWED;
  }
  return codes;
}

/** How much a skewed span sticks out of its parent, in µs (0 when it does not). */
export function skewOf(o: TimedSpans, i: number): { beforeUs: number; afterUs: number } {
  const p = o.parent[i]!;
  if (p < 0 || Number.isNaN(o.start[p]!)) return { beforeUs: 0, afterUs: 0 };
  const beforeUs = Math.max(0, o.start[p]! - o.start[i]!);
  const parentEnd = o.start[p]! + o.dur[p]!;
  const afterUs = Number.isNaN(parentEnd) ? 0 : Math.max(0, o.start[i]! + o.dur[i]! - parentEnd);
  return { beforeUs, afterUs };
}

/** What the reader sees for a span's timing: a short mark for the tree and a sentence for tooltips and details. */
export interface TimingLabel {
  kind: TimingKind;
  /** "running", "no end", "no start", "end < start", "skew"; "" for valid spans */
  mark: string;
  /** the sentence explaining the mark */
  explain: string;
}

/**
 * The mark and its explanation. `live` is true while an agent may still report to the run: only then is an
 * unfinished span "running"; in a finished or imported run it has "no end recorded".
 */
export function timingLabel(code: number, live: boolean, skew?: { beforeUs: number; afterUs: number }): TimingLabel {
  switch (code) {
    case UNFINISHED:
      return live
        ? { kind: "unfinished", mark: "running", explain: "Running: no finish reported yet." }
        : {
            kind: "unfinished",
            mark: "no end",
            explain:
              "No end recorded: the run is over but this span never reported its finish. It has no duration and counts in no total or average.",
          };
    case NO_START:
      return {
        kind: "no-start",
        mark: "no start",
        explain:
          "No real start time (absent or a zero time such as 0001-01-01T00:00:00Z): its duration is unknown and it counts in no total or average.",
      };
    case END_BEFORE_START:
      return {
        kind: "end-before-start",
        mark: "end < start",
        explain: "Its finish lies before its start: the times are wrong, so it has no duration and counts in no total or average.",
      };
    case SKEWED: {
      const parts: string[] = [];
      if (skew?.beforeUs) parts.push(`starts ${formatDurationUs(skew.beforeUs)} before its parent`);
      if (skew?.afterUs) parts.push(`ends ${formatDurationUs(skew.afterUs)} after its parent`);
      return {
        kind: "skewed",
        mark: "skew",
        explain: `Outside its parent's time${parts.length ? `: ${parts.join(" and ")}` : ""} — clock skew or a parent closed early. Drawn as recorded.`,
      };
    }
    default:
      return { kind: "valid", mark: "", explain: "" };
  }
}

/** The span fields the run's duration is read from: epoch µs (null: absent), nesting and type. */
export interface RunDurationSpan {
  nesting: number;
  type: string;
  startUs: number | null;
  finishUs: number | null;
}

/**
 * The run's duration in µs: its flow span's (the first nesting-0 flow span) when that span's times are valid, else
 * from the earliest start to the latest finish of the valid spans; null when no span has valid times. Zero start
 * times, missing finishes and ends before starts never count.
 */
export function runDurationUs(spans: readonly RunDurationSpan[]): number | null {
  let first = Infinity;
  let last = -Infinity;
  let flowChecked = false;
  const after = realTimeAfter(spans.map((s) => s.startUs));
  for (const s of spans) {
    const code = spanTimingCode(s.startUs, s.finishUs, after);
    if (!flowChecked && s.nesting === 0 && s.type === "flow") {
      flowChecked = true;
      if (code === VALID) return s.finishUs! - s.startUs!;
    }
    if (code !== VALID) continue;
    first = Math.min(first, s.startUs!);
    last = Math.max(last, s.finishUs!);
  }
  return last >= first ? last - first : null;
}
