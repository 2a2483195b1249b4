// Lines up two runs for comparison: verdict fields, totals with deltas, and trajectories step by step.
import { diffArrays } from "diff";
import { resultFields } from "@/lib/workflows/verdict";
import { comparePayloads, payloadText, type PayloadDiff, type PayloadFields } from "@/lib/compare/payload";

/** The span fields a comparison reads; Args and Results are the JSON text stored. */
export interface ComparableSpan extends PayloadFields {
  seq: number;
  nesting: number;
  type: string;
  name: string;
  /** a digest of the whole payload (lib/compare/runs.ts): equal digests are the same payload */
  digest?: string;
  /** set when a payload field was too long to load (its length in characters); the fields are then null */
  tooLong?: number | null;
}

/**
 * Characters of payload one comparison lays out and diffs (both sides together). The diff of a step shows its whole
 * payload, so this bounds the page too; changed steps past it are marked without their diff.
 */
export const COMPARE_PAGE_DIFF_CHARS = 4_000_000;

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
  /** why a changed step has no diff: a payload too long to load, or the page's diff budget spent */
  undiffed?: "too-long" | "budget";
}

const stable = (v: unknown) => JSON.stringify(v ?? null, null, 2);

/**
 * The results of two runs of one workflow field by field, in the workflow's order (lib/workflows), fields only
 * one run has included; `differs` compares values as JSON.
 */
export function compareVerdicts(workflow: string, a: unknown, b: unknown, type?: string | null): VerdictRow[] {
  const fa = resultFields(workflow, a, type).fields;
  const fb = resultFields(workflow, b, type).fields;
  const ra = new Map(fa.map((f) => [f.spec.name, f.value]));
  const rb = new Map(fb.map((f) => [f.spec.name, f.value]));
  // The workflow's order of the first run, then fields only the second has, in its order.
  const names = [...new Set([...fa.map((f) => f.spec.name), ...fb.map((f) => f.spec.name)])];
  return names.map((name) => ({ name, a: ra.get(name), b: rb.get(name), differs: stable(ra.get(name)) !== stable(rb.get(name)) }));
}

/**
 * Time one comparison may spend diffing, ms, steps and payloads together: a shortest-edit diff costs (length ×
 * differences), and 5,000 steps against 5,000 others, or two payloads of thousands of different lines, would hold the
 * server's one thread for seconds to minutes. Past it, steps are shown unaligned and payloads whole.
 */
export const COMPARE_DIFF_BUDGET_MS = 2000;

/**
 * Aligns steps by (nesting, type, name) with a shortest-edit diff, then compares payloads of aligned pairs, all within
 * COMPARE_DIFF_BUDGET_MS: when the steps cannot be aligned in time, A's are listed as only in A and B's as only in B.
 */
export function alignSteps<S extends ComparableSpan>(
  a: S[],
  b: S[],
  budgetMs = COMPARE_DIFF_BUDGET_MS,
  budgetChars = COMPARE_PAGE_DIFF_CHARS,
): StepRow<S>[] {
  const deadline = Date.now() + budgetMs;
  const key = (s: S) => `${s.nesting}\u0000${s.type}\u0000${s.name}`;
  const changes = diffArrays(a, b, { comparator: (x, y) => key(x) === key(y), timeout: budgetMs }) ?? [
    { value: a, added: false, removed: true, count: a.length },
    { value: b, added: true, removed: false, count: b.length },
  ];
  const rows: StepRow<S>[] = [];
  let chars = 0;
  let ia = 0;
  let ib = 0;
  for (const c of changes) {
    const n = c.value.length;
    if (c.removed) {
      for (let i = 0; i < n; i++) rows.push({ a: a[ia++]!, b: null, status: "only-a" });
    } else if (c.added) {
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
        chars += payloadChars(sa) + payloadChars(sb);
        if (chars > budgetChars) {
          // Past the budget a step is still told apart (equal payload texts are the same), only not diffed.
          const same = sa.args === sb.args && sa.results === sb.results && sa.error === sb.error;
          rows.push(same ? { a: sa, b: sb, status: "same" } : { a: sa, b: sb, status: "changed", undiffed: "budget" });
          continue;
        }
        const diff = comparePayloads(payloadText(sa), payloadText(sb), deadline);
        rows.push(diff ? { a: sa, b: sb, status: "changed", diff } : { a: sa, b: sb, status: "same" });
      }
    }
  }
  return rows;
}

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
