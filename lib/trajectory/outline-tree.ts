// Reading a decoded run outline (./outline.ts) as a tree: where a seq is, a span's ancestors and children, the rows a
// collapsed or filtered tree shows, and the links between llm steps and tool steps. The wire form itself (encoding,
// decoding, merging live changes) stays in outline.ts; the run page's tree, details and conversation read through here.
import type { Outline } from "@/lib/trajectory/outline";
import { stepKind, toolCallOwners, toolResultReaders } from "@/lib/trajectory/tree";

/** True when span `i` has children (its subtree is more than itself). */
export function hasChildren(o: Outline, i: number): boolean {
  return o.end[i]! > i + 1;
}

/** Index of a seq (binary search: seqs are sorted), or -1. */
export function indexOfSeq(o: Outline, seq: number): number {
  let lo = 0;
  let hi = o.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = o.seq[mid]!;
    if (v === seq) return mid;
    if (v < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The indices of span `i`'s ancestors, nearest first. */
export function ancestorsOf(o: Outline, i: number): number[] {
  const out: number[] = [];
  for (let p = o.parent[i]!; p >= 0; p = o.parent[p]!) out.push(p);
  return out;
}

/**
 * The rows on screen, in tree order: a collapsed node hides its subtree; with `shown`
 * (search results and their ancestors) a node outside it hides its whole subtree too.
 */
export function visibleRows(o: Outline, expanded: Uint8Array, shown: Uint8Array | null): Int32Array {
  const out = new Int32Array(o.count);
  let k = 0;
  let i = 0;
  while (i < o.count) {
    if (shown && !shown[i]) {
      i = o.end[i]!;
      continue;
    }
    out[k++] = i;
    i = expanded[i] ? i + 1 : o.end[i]!;
  }
  return out.subarray(0, k);
}

/** Matches plus every ancestor of a match, so the tree can show the path to each. */
export function withAncestors(o: Outline, matches: Uint8Array): Uint8Array {
  const shown = new Uint8Array(o.count);
  for (let i = o.count - 1; i >= 0; i--) {
    if (!matches[i] && !shown[i]) continue;
    shown[i] = 1;
    const p = o.parent[i]!;
    if (p >= 0) shown[p] = 1;
  }
  return shown;
}

/** The tool calls each llm span decided on, as indices (lib/trajectory/tree.ts toolCallOwners), keyed by the llm's index. */
export function toolCallIndices(o: Outline): Map<number, number[]> {
  const kinds = o.types.map(stepKind);
  const owners = toolCallOwners(
    o.count,
    (i) => o.nesting[i]!,
    (i) => kinds[o.type[i]!]!,
  );
  const result = new Map<number, number[]>();
  for (let i = 0; i < o.count; i++) {
    if (kinds[o.type[i]!] === "llm") result.set(i, []);
    const owner = owners[i]!;
    if (owner >= 0) result.get(owner)!.push(i);
  }
  return result;
}

/** Both links of a run's steps (lib/trajectory/tree.ts): for each span, the llm step that decided on it and the one that read its results (-1: none); for each llm step, the tool steps whose results it read. */
export interface StepLinks {
  decidedBy: Int32Array;
  readBy: Int32Array;
  reads: Map<number, number[]>;
}

const stepLinksCache = new WeakMap<Outline, StepLinks>();

/** The step links of an outline, computed once per outline (toolCallOwners and upstream's toolResultReaders). */
export function stepLinks(o: Outline): StepLinks {
  const cached = stepLinksCache.get(o);
  if (cached) return cached;
  const kinds = o.types.map(stepKind);
  const nestingAt = (i: number) => o.nesting[i]!;
  const kindAt = (i: number) => kinds[o.type[i]!]!;
  const readBy = toolResultReaders(o.count, nestingAt, kindAt);
  const reads = new Map<number, number[]>();
  for (let i = 0; i < o.count; i++) {
    const r = readBy[i]!;
    if (r < 0) continue;
    const list = reads.get(r);
    if (list) list.push(i);
    else reads.set(r, [i]);
  }
  const links = { decidedBy: toolCallOwners(o.count, nestingAt, kindAt), readBy, reads };
  stepLinksCache.set(o, links);
  return links;
}

/** Tokens of span `i`: input + output + thoughts. */
export function spanTokensAt(o: Outline, i: number): number {
  return o.tokIn[i]! + o.tokOut[i]! + o.tokThoughts[i]!;
}
