// Lines up two runs for comparison: verdict fields, totals with deltas, and trajectories step by step.
import { nextTurn } from "@/lib/turn";
import { alignKeys } from "@/lib/compare/align-keys";
import { defineTask, runTask } from "@/lib/workers/pool";
import { HttpError } from "@/lib/http/errors";
import { COMPARE_ALIGN_INLINE_STEPS, OFF_THREAD_MIN_BYTES } from "@/lib/limits";
import { resultFields } from "@/lib/workflows/verdict";
import { comparePayloads, payloadText, type PayloadDiff, type PayloadFields } from "@/lib/compare/payload";
import { layoutLineCount } from "@/lib/text/json-scan";
import { holdsCut } from "@/lib/text/budget";

/** The span fields a comparison reads; Args and Results are the JSON text stored. */
export interface ComparableSpan extends PayloadFields {
  seq: number;
  nesting: number;
  type: string;
  /**
   * the step's name, whole (up to MAX_SPAN_NAME_CHARS): Compare shows it as text, and a name of 200-1,000 characters
   * cut here would be shown whole nowhere on the page
   */
  name: string;
  /** a digest of the whole payload (lib/compare/runs.ts): equal digests are the same payload */
  digest?: string;
  /** set when a payload field was too long to load (its length in characters); the fields are then null */
  tooLong?: number | null;
  /** true when the page's load budget was spent before this step (lib/compare/runs.ts): the fields are then null */
  unloaded?: boolean | null;
}

/**
 * Characters of payload one comparison lays out and diffs (both sides together). The diff of a step shows its whole
 * payload, so this bounds the page too; changed steps past it are marked without their diff.
 */
export const COMPARE_PAGE_DIFF_CHARS = 4_000_000;
/**
 * Lines of payload one comparison lays out and diffs (both sides together, lib/text/json-scan.ts layoutLineCount,
 * counted before parsing). The work of parsing, laying out, key sorting and diffing grows with the values, not the
 * characters: 25 steps of 199K-character dense arrays are 2.5M lines and held the event loop 8.7 s for a 26.8 MB page.
 */
export const COMPARE_PAGE_DIFF_LINES = 100_000;
/** Longest the comparison works before it lets other requests run (it resumes on the next turn of the event loop). */
export const COMPARE_SLICE_MS = 50;
/** Longest one step's line diff may take before both sides are shown whole. */
export const COMPARE_STEP_DIFF_MS = 150;
/** Longest the steps' alignment may take before the steps are listed unaligned. */
export const COMPARE_ALIGN_MS = 150;

const payloadChars = (s: PayloadFields) => (s.args?.length ?? 0) + (s.results?.length ?? 0) + (s.error?.length ?? 0);

export interface VerdictRow {
  name: string;
  a: unknown;
  b: unknown;
  differs: boolean;
}

export type StepStatus = "same" | "changed" | "only-a" | "only-b";

export interface StepRow<S extends ComparableSpan> {
  a: S | null;
  b: S | null;
  status: StepStatus;
  /** the line diff of Args/Results/Error (lib/compare/payload.ts), for changed steps */
  diff?: PayloadDiff;
  /** why a changed step has no diff: a payload too long to load, or the page's diff budget (size, lines or time) spent */
  undiffed?: "too-long" | "budget";
}

const stable = (v: unknown) => JSON.stringify(v ?? null, null, 2);

/**
 * The results of two runs of one workflow field by field, in the workflow's order (lib/workflows), fields only
 * one run has included; `differs` compares values as JSON, or, where a value was read cut (lib/text/budget.ts
 * holdsCut), by the digests of the whole stored values (field → digest of its stored text; lib/compare/runs.ts).
 */
export function compareVerdicts(
  workflow: string,
  a: unknown,
  b: unknown,
  type?: string | null,
  digestsA?: Record<string, string>,
  digestsB?: Record<string, string>,
): VerdictRow[] {
  const fa = resultFields(workflow, a, type).fields;
  const fb = resultFields(workflow, b, type).fields;
  const ra = new Map(fa.map((f) => [f.spec.name, f.value]));
  const rb = new Map(fb.map((f) => [f.spec.name, f.value]));
  // The workflow's order of the first run, then fields only the second has, in its order.
  const names = [...new Set([...fa.map((f) => f.spec.name), ...fb.map((f) => f.spec.name)])];
  const differs = (name: string) =>
    digestsA && digestsB && (holdsCut(ra.get(name)) || holdsCut(rb.get(name)))
      ? (digestsA[name] ?? null) !== (digestsB[name] ?? null)
      : stable(ra.get(name)) !== stable(rb.get(name));
  return names.map((name) => ({ name, a: ra.get(name), b: rb.get(name), differs: differs(name) }));
}

/**
 * Time one comparison may spend, ms: parsing, laying out, key sorting and diffing of steps and payloads together. A
 * shortest-edit diff costs (length × differences), and 5,000 steps against 5,000 others, or two payloads of thousands
 * of different lines, would hold the server's one thread for seconds to minutes. Past it, steps are listed without
 * their diffs (said so on the page).
 */
export const COMPARE_DIFF_BUDGET_MS = 2000;

/** What a comparison may spend: time (ms), payload characters and layout lines, both sides together. */
export interface CompareBudget {
  ms?: number;
  chars?: number;
  lines?: number;
}

/** How the steps were lined up: by the shortest-edit alignment, or listed one run after the other (and why). */
export type Alignment = "aligned" | "too-different" | "busy";

/** A run of rows of one kind: `n` steps only in A, only in B, or aligned pairs. */
interface Segment {
  op: "a" | "b" | "=";
  n: number;
}

const ALIGN_TASK = defineTask("lib/compare/align-keys.ts", "alignKeys", alignKeys);

/**
 * The plan of rows for two step lists aligned by (nesting, type, name). Linear work on the main thread: keys are
 * interned as integers (a 1,000-character name is hashed once, not built and compared per diff cell), steps whose key
 * the other run lacks are set aside (they can align with nothing: two runs of other step names leave nothing to diff),
 * and a common head and tail are matched directly. The rest is diffed (lib/compare/align-keys.ts) inline when at most
 * COMPARE_ALIGN_INLINE_STEPS, else on a worker thread, at most COMPARE_ALIGN_MS: past it, or when the pool is full, the
 * steps are listed one run after the other (`alignment` says why).
 */
async function alignmentPlan<S extends ComparableSpan>(a: S[], b: S[], ms: number): Promise<{ plan: Segment[]; alignment: Alignment }> {
  const ids = new Map<string, number>();
  const intern = (s: S) => {
    const key = `${s.nesting}\u0000${s.type}\u0000${s.name}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  const ka = Int32Array.from(a, intern);
  const kb = Int32Array.from(b, intern);
  const inA = new Uint8Array(ids.size);
  const inB = new Uint8Array(ids.size);
  for (const k of ka) inA[k] = 1;
  for (const k of kb) inB[k] = 1;
  // The steps that may align, by their index in a and b.
  const ia = Int32Array.from(ka.keys()).filter((i) => inB[ka[i]!] === 1);
  const ib = Int32Array.from(kb.keys()).filter((j) => inA[kb[j]!] === 1);
  let head = 0;
  while (head < ia.length && head < ib.length && ka[ia[head]!] === kb[ib[head]!]) head++;
  let tail = 0;
  while (tail < ia.length - head && tail < ib.length - head && ka[ia[ia.length - 1 - tail]!] === kb[ib[ib.length - 1 - tail]!]) tail++;
  const midA = ia.subarray(head, ia.length - tail).map((i) => ka[i]!);
  const midB = ib.subarray(head, ib.length - tail).map((j) => kb[j]!);
  let mid: Int32Array | null = new Int32Array();
  let alignment: Alignment = "aligned";
  if (midA.length && midB.length) {
    // runTask's size: past the inline bound, enough to send it to a thread.
    const size = midA.length + midB.length > COMPARE_ALIGN_INLINE_STEPS ? OFF_THREAD_MIN_BYTES : 0;
    try {
      mid = await runTask(ALIGN_TASK, { a: midA, b: midB, ms }, size, [midA, midB]);
    } catch (e) {
      if (!(e instanceof HttpError && e.code === "TooManyRequests")) throw e;
      mid = null;
      alignment = "busy";
    }
    if (!mid && alignment === "aligned") alignment = "too-different";
  }
  // The aligned pairs by index in a and b, ascending in both; a common head and tail stay paired when the middle could
  // not be aligned.
  const pairs: number[] = [];
  for (let k = 0; k < head; k++) pairs.push(ia[k]!, ib[k]!);
  for (let k = 0; mid && k < mid.length; k += 2) pairs.push(ia[head + mid[k]!]!, ib[head + mid[k + 1]!]!);
  for (let k = tail; k > 0; k--) pairs.push(ia[ia.length - k]!, ib[ib.length - k]!);
  const plan: Segment[] = [];
  const push = (op: Segment["op"], n: number) => {
    if (n <= 0) return;
    const last = plan[plan.length - 1];
    if (last?.op === op) last.n += n;
    else plan.push({ op, n });
  };
  let i = 0;
  let j = 0;
  for (let k = 0; k < pairs.length; k += 2) {
    push("a", pairs[k]! - i);
    push("b", pairs[k + 1]! - j);
    push("=", 1);
    i = pairs[k]! + 1;
    j = pairs[k + 1]! + 1;
  }
  push("a", a.length - i);
  push("b", b.length - j);
  return { plan, alignment };
}

/**
 * Aligns steps by (nesting, type, name) (alignmentPlan: linear on the main thread, the diff of what remains inline
 * or on a worker thread, at most COMPARE_ALIGN_MS: past it, A's are listed as only in A and B's as only in B), then
 * compares payloads of aligned pairs within the budget (time, characters and lines, each counted before a step is
 * parsed): past it a changed step is marked `undiffed: "budget"`. Works in slices of COMPARE_SLICE_MS, letting other
 * requests run between them, so no comparison holds the event loop for long. `alignment` says how steps were lined up.
 */
export async function compareSteps<S extends ComparableSpan>(
  a: S[],
  b: S[],
  budget: CompareBudget = {},
): Promise<{ rows: StepRow<S>[]; alignment: Alignment }> {
  const budgetMs = budget.ms ?? COMPARE_DIFF_BUDGET_MS;
  const budgetChars = budget.chars ?? COMPARE_PAGE_DIFF_CHARS;
  const budgetLines = budget.lines ?? COMPARE_PAGE_DIFF_LINES;
  const deadline = Date.now() + budgetMs;
  const { plan, alignment } = await alignmentPlan(a, b, Math.min(budgetMs, COMPARE_ALIGN_MS));
  const rows: StepRow<S>[] = [];
  let chars = 0;
  let lines = 0;
  let ia = 0;
  let ib = 0;
  let sliceEnd = Date.now() + COMPARE_SLICE_MS;
  for (const { op, n } of plan) {
    if (op === "a") {
      for (let i = 0; i < n; i++) rows.push({ a: a[ia++]!, b: null, status: "only-a" });
    } else if (op === "b") {
      for (let i = 0; i < n; i++) rows.push({ a: null, b: b[ib++]!, status: "only-b" });
    } else {
      for (let i = 0; i < n; i++) {
        const sa = a[ia++]!;
        const sb = b[ib++]!;
        if (sa.digest !== undefined && sa.digest === sb.digest) {
          rows.push({ a: sa, b: sb, status: "same" });
          continue;
        }
        if (sa.tooLong || sb.tooLong) {
          rows.push({ a: sa, b: sb, status: "changed", undiffed: "too-long" });
          continue;
        }
        if (sa.unloaded || sb.unloaded) {
          rows.push({ a: sa, b: sb, status: "changed", undiffed: "budget" });
          continue;
        }
        // Past a budget a step is still told apart (equal payload texts are the same), only not diffed.
        const same = () => sa.args === sb.args && sa.results === sb.results && sa.error === sb.error;
        chars += payloadChars(sa) + payloadChars(sb);
        if (chars > budgetChars || Date.now() >= deadline) {
          rows.push(same() ? { a: sa, b: sb, status: "same" } : { a: sa, b: sb, status: "changed", undiffed: "budget" });
          continue;
        }
        lines += payloadLines(sa) + payloadLines(sb);
        if (lines > budgetLines) {
          rows.push(same() ? { a: sa, b: sb, status: "same" } : { a: sa, b: sb, status: "changed", undiffed: "budget" });
          continue;
        }
        if (Date.now() >= sliceEnd) {
          await nextTurn();
          sliceEnd = Date.now() + COMPARE_SLICE_MS;
        }
        const diff = comparePayloads(payloadText(sa), payloadText(sb), Math.min(deadline, Date.now() + COMPARE_STEP_DIFF_MS));
        rows.push(diff ? { a: sa, b: sb, status: "changed", diff } : { a: sa, b: sb, status: "same" });
      }
    }
  }
  return { rows, alignment };
}

/** compareSteps' rows alone (for callers that do not say how the steps were lined up). */
export async function alignSteps<S extends ComparableSpan>(a: S[], b: S[], budget: CompareBudget = {}): Promise<StepRow<S>[]> {
  return (await compareSteps(a, b, budget)).rows;
}

const payloadLines = (s: PayloadFields) =>
  (s.args == null ? 0 : layoutLineCount(s.args)) +
  (s.results == null ? 0 : layoutLineCount(s.results)) +
  (s.error == null ? 0 : layoutLineCount(s.error));

export interface TotalsDelta {
  name: string;
  a: number | null;
  b: number | null;
  delta: number | null;
}

export function compareTotals<T extends Record<string, number | null>>(a: T, b: T, names: (keyof T & string)[]): TotalsDelta[] {
  return names.map((name) => {
    const va = a[name] ?? null;
    const vb = b[name] ?? null;
    return { name, a: va, b: vb, delta: va == null || vb == null ? null : vb - va };
  });
}
