// Cuts a span's large texts to a limit for the details panel, saying what was cut so the page can link the full text.
import type { Span } from "@/lib/trajectory/span";

/** Characters kept of any one text: plenty to read, small enough to open at once. */
export const TEXT_LIMIT = 200_000;

export interface Truncation {
  /** "Results.PatchDiff", "Thoughts" */
  path: string;
  length: number;
}

const TEXT_FIELDS = ["Error", "Instruction", "Prompt", "Reply", "Thoughts"] as const;

function cutJson(v: unknown, path: string, limit: number, cuts: Truncation[]): unknown {
  if (typeof v === "string") {
    if (v.length <= limit) return v;
    cuts.push({ path, length: v.length });
    return v.slice(0, limit);
  }
  if (Array.isArray(v)) return v.map((x, i) => cutJson(x, `${path}[${i}]`, limit, cuts));
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cutJson(x, `${path}.${k}`, limit, cuts)]));
  }
  return v;
}

/** The span with every text over `limit` characters cut, and the list of what was cut. */
export function truncateSpan(span: Span, limit = TEXT_LIMIT): { span: Span; truncated: Truncation[] } {
  const truncated: Truncation[] = [];
  const out: Span = { ...span };
  for (const f of TEXT_FIELDS) {
    const v = out[f];
    if (v && v.length > limit) {
      truncated.push({ path: f, length: v.length });
      out[f] = v.slice(0, limit);
    }
  }
  if (out.Args !== undefined) out.Args = cutJson(out.Args, "Args", limit, truncated);
  if (out.Results !== undefined) out.Results = cutJson(out.Results, "Results", limit, truncated);
  return { span: out, truncated };
}

/** The value at a path truncateSpan reported ("Results.PatchDiff", "Args.Files[2]"), for the full-text link. */
export function valueAtPath(span: Span, path: string): unknown {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let v: unknown = span;
  for (const p of parts) {
    if (v === null || typeof v !== "object") return undefined;
    v = Array.isArray(v) ? v[Number(p)] : (v as Record<string, unknown>)[p];
  }
  return v;
}
