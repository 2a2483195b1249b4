// Builds the span tree implied by Seq and Nesting (formats doc §1): parent = nearest earlier span one level up.

/** The fields tree building needs; works on wire spans and on stored rows alike. */
export interface Nested {
  seq: number;
  nesting: number;
}

/**
 * Parent seq of every span (null for roots), in the order given.
 * Spans must be sorted by seq; a span whose level has no open parent (a gap in the data) becomes a root.
 */
export function parentSeqs(spans: readonly Nested[]): (number | null)[] {
  // open[n] = seq of the latest span seen at nesting n
  const open: number[] = [];
  return spans.map((s) => {
    const parent = s.nesting > 0 ? (open[s.nesting - 1] ?? null) : null;
    open[s.nesting] = s.seq;
    open.length = s.nesting + 1;
    return parent;
  });
}

export interface TreeNode<T extends Nested> {
  span: T;
  children: TreeNode<T>[];
}

/** Nested tree of spans (sorted by seq). */
export function buildTree<T extends Nested>(spans: readonly T[]): TreeNode<T>[] {
  const parents = parentSeqs(spans);
  const bySeq = new Map<number, TreeNode<T>>();
  const roots: TreeNode<T>[] = [];
  spans.forEach((span, i) => {
    const node: TreeNode<T> = { span, children: [] };
    bySeq.set(span.seq, node);
    const parent = parents[i];
    const parentNode = parent == null ? undefined : bySeq.get(parent);
    (parentNode ? parentNode.children : roots).push(node);
  });
  return roots;
}

/**
 * The tool calls each llm span decided on: the tool spans after it at the same nesting,
 * up to the next llm span (formats doc §1). Keyed by the llm span's seq.
 */
export function toolCallsByLlm<T extends Nested & { type: string; name: string }>(
  spans: readonly T[],
): Map<number, string[]> {
  const result = new Map<number, string[]>();
  // latest llm seq per nesting level still collecting tool calls
  const current: (number | undefined)[] = [];
  for (const s of spans) {
    current.length = Math.min(current.length, s.nesting + 1);
    if (s.type === "llm") {
      current[s.nesting] = s.seq;
      result.set(s.seq, []);
    } else if (s.type === "tool") {
      const llm = current[s.nesting];
      if (llm !== undefined) result.get(llm)!.push(s.name);
    } else {
      current[s.nesting] = undefined;
    }
  }
  return result;
}
