// The run outline: every span's shape without its payloads, sent as compact columns so 100,000 spans stay small.
// Times are microseconds (what PostgreSQL keeps); each span's timing is judged by the time model (./timing.ts).
import { classifyTimings, isRealTime, realTimeAfter, ZERO_TIME_US } from "@/lib/trajectory/timing";
import { parentIndices } from "@/lib/trajectory/tree";
import { OUTLINE_TEXT_HEAD_CHARS } from "@/lib/limits";

/** What ends a string the outline carries cut (outlineHead): a reader sees it was cut. */
export const OUTLINE_CUT_MARK = "…";

/**
 * `s` as the outline carries it: its first OUTLINE_TEXT_HEAD_CHARS characters (code points, as PostgreSQL's left()
 * counts them) followed by OUTLINE_CUT_MARK when it is longer, else `s` itself. Idempotent: a head cut again is the
 * same head. The SQL that builds outlines applies the same rule (lib/runs/queries.ts `outlineHeadSql`).
 */
export function outlineHead(s: string): string {
  if (s.length <= OUTLINE_TEXT_HEAD_CHARS) return s;
  let i = 0;
  for (let n = 0; n < OUTLINE_TEXT_HEAD_CHARS && i < s.length; n++) i += s.codePointAt(i)! > 0xffff ? 2 : 1;
  return i >= s.length ? s : s.slice(0, i) + OUTLINE_CUT_MARK;
}

/** One span of the outline as the database gives it (sizes in bytes, times in µs since the Unix epoch). */
export interface OutlineRow {
  seq: number;
  nesting: number;
  type: string;
  name: string;
  model: string | null;
  startUs: number;
  finishUs: number | null;
  /** the head of the error text, null when the span did not fail */
  error: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  thoughtsTokens: number | null;
  /** bytes of all payload fields together (Args, Results, Instruction, Prompt, Reply, Thoughts, Error) */
  size: number;
  /** what the step did in one line (lib/trajectory/step-summary.ts); null or absent when nothing to say */
  summary?: string | null;
}

/**
 * The wire form: one array per column. Strings repeat a lot (types, names, models), so they are
 * dictionary-coded; seq and start times are deltas, which gzip squeezes to almost nothing.
 */
export interface OutlineJson {
  v: 2;
  /** µs since the Unix epoch: the run's earliest trusted start (outlineWindow), where the start deltas begin */
  t0: number;
  /** the whole run's latest trusted time, when this is only its head (its first spans): the bars then keep the run's scale */
  t1?: number;
  seq: number[];
  nesting: number[];
  types: string[];
  type: number[];
  names: string[];
  name: number[];
  /** models[0] is "" (no model) */
  models: string[];
  model: number[];
  /** µs from the previous real start (the first from t0); null for a span without a real start (zero time) */
  start: (number | null)[];
  /** µs from start to finish, negative when the finish lies before the start; null while unfinished or without a real start */
  dur: (number | null)[];
  tokIn: number[];
  tokOut: number[];
  tokThoughts: number[];
  size: number[];
  /** [index, error head] for failed spans only */
  errors: [number, string][];
  /** [index, summary] for spans with a summary only (stepSummary); absent in outlines written before it existed */
  summaries?: [number, string][];
}

/** Sorted by seq; when a seq comes twice the later copy wins (the finish copy replaces the start copy). */
export function normalizeRows(rows: readonly OutlineRow[]): readonly OutlineRow[] {
  // The database already answers in seq order with unique seqs: then there is nothing to do.
  let sorted = true;
  for (let i = 1; i < rows.length && sorted; i++) sorted = rows[i]!.seq > rows[i - 1]!.seq;
  if (sorted) return rows;
  const bySeq = new Map<number, OutlineRow>();
  for (const r of rows) bySeq.set(r.seq, r);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function dictionary() {
  const values: string[] = [];
  const index = new Map<string, number>();
  return {
    values,
    code(s: string): number {
      let i = index.get(s);
      if (i === undefined) {
        i = values.length;
        values.push(s);
        index.set(s, i);
      }
      return i;
    },
  };
}

/** True for a span whose start can place it on the run's time axis: a real start, and no finish before it. */
function onAxis(startUs: number, finishUs: number | null, after: number): boolean {
  return isRealTime(startUs, after) && (finishUs == null || finishUs >= startUs);
}

/**
 * The run's time window in µs: from the earliest start to the latest finish (or start, for an unfinished span) of the
 * spans whose times can be placed (onAxis). Zero-time starts and ends before starts never stretch it. Without any such
 * span it starts at the earliest real start, else at 0. getOutlineHead's SQL applies the same rule.
 */
export function outlineWindow(rows: readonly Pick<OutlineRow, "startUs" | "finishUs">[]): { t0: number; t1: number; after: number } {
  let t0 = Infinity;
  let t1 = -Infinity;
  let anyReal = Infinity;
  const after = realTimeAfter(rows.map((r) => r.startUs));
  for (const r of rows) {
    if (isRealTime(r.startUs, after)) anyReal = Math.min(anyReal, r.startUs);
    if (!onAxis(r.startUs, r.finishUs, after)) continue;
    t0 = Math.min(t0, r.startUs);
    t1 = Math.max(t1, r.finishUs ?? r.startUs);
  }
  if (t0 === Infinity) t0 = anyReal === Infinity ? 0 : anyReal;
  return { t0, t1: Math.max(t0, t1), after };
}

/**
 * `run` gives the whole run's time window and bound of real starts (realTimeAfter) when `input` is only its first
 * spans (see OutlineJson.t1).
 */
export function encodeOutline(input: readonly OutlineRow[], run?: { t0: number; t1: number; after: number }): OutlineJson {
  const rows = normalizeRows(input);
  const types = dictionary();
  const names = dictionary();
  const models = dictionary();
  models.code("");
  const window = run ?? outlineWindow(rows);
  const t0 = window.t0;
  const out: OutlineJson = {
    v: 2,
    t0,
    seq: [],
    nesting: [],
    types: types.values,
    type: [],
    names: names.values,
    name: [],
    models: models.values,
    model: [],
    start: [],
    dur: [],
    tokIn: [],
    tokOut: [],
    tokThoughts: [],
    size: [],
    errors: [],
    summaries: [],
  };
  let prevSeq = 0;
  let prevStart = t0;
  rows.forEach((r, i) => {
    out.seq.push(r.seq - prevSeq);
    prevSeq = r.seq;
    out.nesting.push(r.nesting);
    out.type.push(types.code(outlineHead(r.type)));
    out.name.push(names.code(outlineHead(r.name)));
    out.model.push(models.code(r.model == null ? "" : outlineHead(r.model)));
    const real = isRealTime(r.startUs, window.after);
    out.start.push(real ? r.startUs - prevStart : null);
    if (real) prevStart = r.startUs;
    out.dur.push(real && r.finishUs != null ? r.finishUs - r.startUs : null);
    out.tokIn.push(r.inputTokens ?? 0);
    out.tokOut.push(r.outputTokens ?? 0);
    out.tokThoughts.push(r.thoughtsTokens ?? 0);
    out.size.push(r.size);
    if (r.error != null) out.errors.push([i, r.error]);
    if (r.summary) out.summaries!.push([i, outlineHead(r.summary)]);
  });
  if (run) out.t1 = run.t1;
  return out;
}

/** The decoded outline with its tree: parent, depth and the end of each subtree (a subtree is a contiguous range). */
export interface Outline {
  count: number;
  seq: Int32Array;
  nesting: Int32Array;
  type: Int32Array;
  types: string[];
  name: Int32Array;
  names: string[];
  model: Int32Array;
  models: string[];
  /** µs since the Unix epoch; NaN for a span without a real start (a zero time) */
  start: Float64Array;
  /** µs; NaN while unfinished or without a real start; negative when the finish lies before the start */
  dur: Float64Array;
  /** each span's timing code (TIMING_CODES of ./timing.ts): valid, unfinished, no-start, end-before-start, skewed */
  timing: Uint8Array;
  tokIn: Float64Array;
  tokOut: Float64Array;
  tokThoughts: Float64Array;
  size: Float64Array;
  errors: Map<number, string>;
  /** what each step did in one line, by index (stepSummary) */
  summaries: Map<number, string>;
  /** index of the parent, -1 for roots */
  parent: Int32Array;
  /** depth in the tree (nesting, unless the data skips a level) */
  depth: Int32Array;
  /** index just after the last descendant */
  end: Int32Array;
  /** the run's time window in µs (outlineWindow): the timeline's scale; invalid times never stretch it */
  t0: number;
  t1: number;
}

export function decodeOutline(j: OutlineJson): Outline {
  const n = j.seq.length;
  const o: Outline = {
    count: n,
    seq: new Int32Array(n),
    nesting: Int32Array.from(j.nesting),
    type: Int32Array.from(j.type),
    types: j.types,
    name: Int32Array.from(j.name),
    names: j.names,
    model: Int32Array.from(j.model),
    models: j.models,
    start: new Float64Array(n),
    dur: new Float64Array(n),
    tokIn: Float64Array.from(j.tokIn),
    tokOut: Float64Array.from(j.tokOut),
    tokThoughts: Float64Array.from(j.tokThoughts),
    size: Float64Array.from(j.size),
    errors: new Map(j.errors),
    summaries: new Map(j.summaries ?? []),
    parent: new Int32Array(n),
    depth: new Int32Array(n),
    end: new Int32Array(n),
    timing: new Uint8Array(n),
    t0: j.t0,
    t1: j.t1 ?? j.t0,
  };
  let seq = 0;
  let start = j.t0;
  for (let i = 0; i < n; i++) {
    seq += j.seq[i]!;
    o.seq[i] = seq;
    const ds = j.start[i];
    if (ds == null) {
      o.start[i] = NaN;
      o.dur[i] = NaN;
      continue;
    }
    start += ds;
    o.start[i] = start;
    const d = j.dur[i];
    o.dur[i] = d ?? NaN;
    if (d == null) o.t1 = Math.max(o.t1, start);
    else if (d >= 0) o.t1 = Math.max(o.t1, start + d);
  }
  linkTree(o);
  o.timing = classifyTimings(o);
  return o;
}

/** Parents by the one rule (lib/trajectory/tree.ts parentIndices), depths, and where each subtree ends. */
function linkTree(o: Outline): void {
  o.parent = parentIndices(o.count, (i) => o.nesting[i]!);
  for (let i = 0; i < o.count; i++) {
    const p = o.parent[i]!;
    o.depth[i] = p < 0 ? 0 : o.depth[p]! + 1;
    o.end[i] = i + 1;
  }
  for (let i = o.count - 1; i >= 0; i--) {
    const p = o.parent[i]!;
    if (p >= 0 && o.end[i]! > o.end[p]!) o.end[p] = o.end[i]!;
  }
}

/**
 * The decoded outline back as rows (the inverse of encodeOutline): a span without a real start gets the zero time,
 * which every run judges as no start again when the rows are encoded.
 */
export function outlineRowsOf(o: Outline): OutlineRow[] {
  const rows: OutlineRow[] = [];
  for (let i = 0; i < o.count; i++) {
    const start = o.start[i]!;
    const dur = o.dur[i]!;
    rows.push({
      seq: o.seq[i]!,
      nesting: o.nesting[i]!,
      type: o.types[o.type[i]!]!,
      name: o.names[o.name[i]!]!,
      model: o.models[o.model[i]!] || null,
      startUs: Number.isNaN(start) ? ZERO_TIME_US : start,
      finishUs: Number.isNaN(start) || Number.isNaN(dur) ? null : start + dur,
      error: o.errors.get(i) ?? null,
      summary: o.summaries.get(i) ?? null,
      inputTokens: o.tokIn[i]!,
      outputTokens: o.tokOut[i]!,
      thoughtsTokens: o.tokThoughts[i]!,
      size: o.size[i]!,
    });
  }
  return rows;
}

/** `base` with `changed` applied: a changed span replaces the one of its seq, a new one is added; in seq order. */
export function mergeOutlineRows(base: readonly OutlineRow[], changed: readonly OutlineRow[]): OutlineRow[] {
  if (changed.length === 0) return [...base];
  return [...normalizeRows([...base, ...changed])];
}
