// The structural rules of a trajectory (formats doc §1), each written once and used by every reader and writer:
// a span's parent (the nearest earlier span one nesting level up); an llm step's tool calls (the tool spans after
// it at its nesting, up to the next llm span or any other span at that level, such as a judge agent): the call that
// decided on them; and upstream's rule, the llm call that reads their results (the next one at their nesting).
// The index forms work on any columnar or array layout (the outline's typed arrays, wire spans, stored rows).

/**
 * The index of each span's parent (-1 for roots), for spans in seq order given by their nesting levels. A span whose
 * level has no open parent (a gap in the data) is a root.
 */
export function parentIndices(count: number, nestingAt: (i: number) => number): Int32Array {
  const parents = new Int32Array(count);
  // open[n] = index of the latest span seen at nesting n
  const open: number[] = [];
  for (let i = 0; i < count; i++) {
    const nesting = nestingAt(i);
    parents[i] = nesting > 0 ? (open[nesting - 1] ?? -1) : -1;
    open[nesting] = i;
    open.length = nesting + 1;
  }
  return parents;
}

/** What a span is to the tool-call rule. */
export type StepKind = "llm" | "tool" | "other";

/**
 * For each span, the index of the llm step whose tool call it is, or -1: a tool span belongs to the latest llm span at
 * its nesting when no other span of that level (and no shallower span) came in between. Spans in seq order.
 */
export function toolCallOwners(count: number, nestingAt: (i: number) => number, kindAt: (i: number) => StepKind): Int32Array {
  const owners = new Int32Array(count).fill(-1);
  // current[n] = index of the llm span still collecting tool calls at nesting n (-1: none)
  const current: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = nestingAt(i);
    current.length = Math.min(current.length, n + 1);
    const kind = kindAt(i);
    if (kind === "llm") current[n] = i;
    else if (kind === "tool") owners[i] = current[n] ?? -1;
    else current[n] = -1;
  }
  return owners;
}

/**
 * For each span, the index of the llm step that reads its results, or -1: upstream's rule (pkg/aflow/trajectory/html
 * PopulateToolCalls, the dashboard's "ToolCalls" of an LLM call): a tool span's results go to the NEXT llm span at the
 * same nesting, whatever came in between at that level or deeper. One guard upstream lacks (its map is keyed by
 * nesting alone): a span shallower than the tool ends its agent, so the tool's results are read by none rather than by
 * the first call of the next agent at that depth, which never saw them. Tools with no later llm span (the run ended,
 * set-results) are read by none. Spans in seq order.
 */
export function toolResultReaders(count: number, nestingAt: (i: number) => number, kindAt: (i: number) => StepKind): Int32Array {
  const readers = new Int32Array(count).fill(-1);
  // pending[n] = indices of tool spans at nesting n waiting for the next llm span there
  const pending: (number[] | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    const n = nestingAt(i);
    pending.length = Math.min(pending.length, n + 1);
    const kind = kindAt(i);
    if (kind === "tool") (pending[n] ??= []).push(i);
    else if (kind === "llm") {
      for (const t of pending[n] ?? []) readers[t] = i;
      pending[n] = undefined;
    }
  }
  return readers;
}

/** The step kind of a span type. */
export function stepKind(type: string): StepKind {
  return type === "llm" ? "llm" : type === "tool" ? "tool" : "other";
}

/** The fields tree building needs; works on wire spans and on stored rows alike. */
export interface Nested {
  seq: number;
  nesting: number;
}

/** Parent seq of every span (null for roots), in the order given (seq order). */
export function parentSeqs(spans: readonly Nested[]): (number | null)[] {
  const parents = parentIndices(spans.length, (i) => spans[i]!.nesting);
  return spans.map((_, i) => (parents[i]! < 0 ? null : spans[parents[i]!]!.seq));
}

/** The tool calls each llm span decided on, by the llm span's seq: the tool spans' names (toolCallOwners). */
export function toolCallsByLlm<T extends Nested & { type: string; name: string }>(spans: readonly T[]): Map<number, string[]> {
  const owners = toolCallOwners(
    spans.length,
    (i) => spans[i]!.nesting,
    (i) => stepKind(spans[i]!.type),
  );
  const result = new Map<number, string[]>();
  spans.forEach((s, i) => {
    if (s.type === "llm") result.set(s.seq, []);
    const owner = owners[i]!;
    if (owner >= 0) result.get(spans[owner]!.seq)!.push(s.name);
  });
  return result;
}

/** A span linked to its parent by id (OpenTelemetry's model), as orderByParent takes it. */
export interface Linked {
  id: string;
  /** the parent's id; null, or an id not among the spans (not arrived yet), makes it a root */
  parent: string | null;
  /** orders siblings (start time, ns) */
  start: bigint;
  /**
   * breaks ties of start time (end time, ns; null: not ended, last): producers that stamp starts to the millisecond
   * (the OpenTelemetry JS SDK does) give a tool and the next model call one start, and the one that ended first came
   * first. Ties left are broken by id.
   */
  end?: bigint | null;
}

/**
 * Seq and nesting for spans linked by ids, so that parentIndices finds each span's parent again: a depth-first walk
 * from the roots, siblings by start time, then end time, then id. Deterministic: the same spans give the same seqs in any arrival
 * order. Returns, by id, the seq (0-based, in walk order), the nesting and the parent's seq (null for roots). A cycle
 * of parent ids (malformed input) is broken: its spans become roots. With `maxNesting`, a span that would nest deeper
 * than it starts a root of its own too (its subtree under it), after the spans reached from the true roots.
 */
export function orderByParent(
  spans: readonly Linked[],
  opts: { maxNesting?: number } = {},
): Map<string, { seq: number; nesting: number; parentSeq: number | null }> {
  const maxNesting = opts.maxNesting ?? Infinity;
  const byId = new Map(spans.map((s) => [s.id, s]));
  const children = new Map<string | null, Linked[]>();
  for (const s of spans) {
    const p = s.parent !== null && byId.has(s.parent) && s.parent !== s.id ? s.parent : null;
    const list = children.get(p);
    if (list) list.push(s);
    else children.set(p, [s]);
  }
  const NEVER = BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000_000n;
  const bySiblingOrder = (a: Linked, b: Linked) => {
    if (a.start !== b.start) return a.start < b.start ? -1 : 1;
    const ae = a.end ?? NEVER;
    const be = b.end ?? NEVER;
    if (ae !== be) return ae < be ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
  for (const list of children.values()) list.sort(bySiblingOrder);
  const out = new Map<string, { seq: number; nesting: number; parentSeq: number | null }>();
  // Spans past maxNesting, to walk as roots once the walk that reached them is done.
  let tooDeep: Linked[] = [];
  const walk = (roots: Linked[]) => {
    // Iterative: a chain of 100,000 nested spans does not overflow the stack.
    const stack: { span: Linked; nesting: number; parentSeq: number | null }[] = roots
      .map((span) => ({ span, nesting: 0, parentSeq: null }))
      .reverse();
    while (stack.length) {
      const { span, nesting, parentSeq } = stack.pop()!;
      if (out.has(span.id)) continue;
      if (nesting > maxNesting) {
        tooDeep.push(span);
        continue;
      }
      const seq = out.size;
      out.set(span.id, { seq, nesting, parentSeq });
      const kids = children.get(span.id) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, nesting: nesting + 1, parentSeq: seq });
    }
  };
  const walkTooDeep = () => {
    for (let roots = tooDeep; roots.length; roots = tooDeep) {
      tooDeep = [];
      walk(roots);
    }
  };
  walk(children.get(null) ?? []);
  walkTooDeep();
  // Spans on a cycle were reached from no root: each becomes a root, in sibling order.
  if (out.size < spans.length) {
    walk(spans.filter((s) => !out.has(s.id)).sort(bySiblingOrder));
    walkTooDeep();
  }
  return out;
}

/** A trace's spans as columns, for ordering off the main thread (orderColumns). */
export interface OrderColumns {
  ids: string[];
  parents: (string | null)[];
  /** start, ns since the epoch */
  starts: BigInt64Array;
  /** end, ns since the epoch; -1: not ended */
  ends: BigInt64Array;
  /** a span deeper than this starts a root of its own (orderByParent); null: no limit */
  maxNesting: number | null;
}

/** Each span's place by its index in OrderColumns: seq, nesting, and the parent's seq (-1 for roots). */
export interface ColumnPlaces {
  seq: Int32Array;
  nesting: Int32Array;
  parentSeq: Int32Array;
}

/** orderByParent over columns, structured-cloneable both ways (a worker thread's task: 100,000 spans take ~0.5 s). */
export function orderColumns(input: OrderColumns): ColumnPlaces {
  const linked = input.ids.map((id, i) => ({
    id,
    parent: input.parents[i]!,
    start: input.starts[i]!,
    end: input.ends[i]! < 0n ? null : input.ends[i]!,
  }));
  const order = orderByParent(linked, input.maxNesting === null ? {} : { maxNesting: input.maxNesting });
  const n = input.ids.length;
  const out = { seq: new Int32Array(n), nesting: new Int32Array(n), parentSeq: new Int32Array(n) };
  input.ids.forEach((id, i) => {
    const o = order.get(id)!;
    out.seq[i] = o.seq;
    out.nesting[i] = o.nesting;
    out.parentSeq[i] = o.parentSeq ?? -1;
  });
  return out;
}

/** The tools whose results each llm span read, by the llm span's seq: the tool spans' names (toolResultReaders). */
export function toolResultsByLlm<T extends Nested & { type: string; name: string }>(spans: readonly T[]): Map<number, string[]> {
  const readers = toolResultReaders(
    spans.length,
    (i) => spans[i]!.nesting,
    (i) => stepKind(spans[i]!.type),
  );
  const result = new Map<number, string[]>();
  for (const s of spans) if (s.type === "llm") result.set(s.seq, []);
  spans.forEach((s, i) => {
    const reader = readers[i]!;
    if (reader >= 0) result.get(spans[reader]!.seq)!.push(s.name);
  });
  return result;
}
