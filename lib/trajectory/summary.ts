// Totals and per-agent / per-tool summaries of a trajectory, as the original page's summary tables show them.

/** The span fields summaries read; stored rows and wire spans both map onto it. */
export interface SummarySpan {
  seq: number;
  nesting: number;
  type: string;
  name: string;
  model?: string | null;
  startedAt: Date;
  finishedAt?: Date | null;
  error?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  outputThoughtsTokens?: number | null;
}

export interface RunTotals {
  spanCount: number;
  llmCalls: number;
  toolCalls: number;
  toolErrors: number;
  inputTokens: number;
  outputTokens: number;
  thoughtsTokens: number;
  /** wall time of the run: from the first start to the last finish; null while nothing finished */
  durationMs: number | null;
}

export interface CallGroup {
  /** agent name for llm calls, tool name for tool calls */
  key: string;
  calls: number;
  errors: number;
  tokens: number;
  totalMs: number;
}

export function spanDurationMs(s: Pick<SummarySpan, "startedAt" | "finishedAt">): number | null {
  return s.finishedAt ? Math.max(0, s.finishedAt.getTime() - s.startedAt.getTime()) : null;
}

export function spanTokens(s: SummarySpan): number {
  return (s.inputTokens ?? 0) + (s.outputTokens ?? 0) + (s.outputThoughtsTokens ?? 0);
}

export function runTotals(spans: readonly SummarySpan[]): RunTotals {
  const t: RunTotals = {
    spanCount: spans.length,
    llmCalls: 0,
    toolCalls: 0,
    toolErrors: 0,
    inputTokens: 0,
    outputTokens: 0,
    thoughtsTokens: 0,
    durationMs: null,
  };
  let first = Infinity;
  let last = -Infinity;
  for (const s of spans) {
    if (s.type === "llm") t.llmCalls++;
    if (s.type === "tool") {
      t.toolCalls++;
      if (s.error) t.toolErrors++;
    }
    t.inputTokens += s.inputTokens ?? 0;
    t.outputTokens += s.outputTokens ?? 0;
    t.thoughtsTokens += s.outputThoughtsTokens ?? 0;
    first = Math.min(first, s.startedAt.getTime());
    if (s.finishedAt) last = Math.max(last, s.finishedAt.getTime());
  }
  if (last > -Infinity && first < Infinity) t.durationMs = Math.max(0, last - first);
  return t;
}

/** LLM calls grouped by agent (an llm span is named after its agent) and tool calls grouped by tool. */
export function callGroups(spans: readonly SummarySpan[], type: "llm" | "tool"): CallGroup[] {
  const groups = new Map<string, CallGroup>();
  for (const s of spans) {
    if (s.type !== type) continue;
    const g = groups.get(s.name) ?? { key: s.name, calls: 0, errors: 0, tokens: 0, totalMs: 0 };
    g.calls++;
    if (s.error) g.errors++;
    g.tokens += spanTokens(s);
    g.totalMs += spanDurationMs(s) ?? 0;
    groups.set(s.name, g);
  }
  return [...groups.values()].sort((a, b) => b.calls - a.calls || a.key.localeCompare(b.key));
}

/** The sum of groups, for the "all" row of a summary table. */
export function totalOf(groups: readonly CallGroup[], key = "all"): CallGroup {
  return groups.reduce(
    (acc, g) => ({
      key,
      calls: acc.calls + g.calls,
      errors: acc.errors + g.errors,
      tokens: acc.tokens + g.tokens,
      totalMs: acc.totalMs + g.totalMs,
    }),
    { key, calls: 0, errors: 0, tokens: 0, totalMs: 0 },
  );
}

/** Calls of one agent, model or tool with tokens by kind, for the cost tables. */
export interface UsageGroup {
  key: string;
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  thoughtsTokens: number;
  totalMs: number;
}

/**
 * LLM calls per agent (the llm span's name) or per model (its concrete model), and tool calls per tool.
 * Sorted by time spent, the question a reader of a slow or costly run asks first.
 */
export function usageGroups(spans: readonly SummarySpan[], by: "agent" | "model" | "tool"): UsageGroup[] {
  const type = by === "tool" ? "tool" : "llm";
  const groups = new Map<string, UsageGroup>();
  for (const s of spans) {
    if (s.type !== type) continue;
    const key = by === "model" ? s.model || "(no model)" : s.name;
    const g = groups.get(key) ?? { key, calls: 0, errors: 0, inputTokens: 0, outputTokens: 0, thoughtsTokens: 0, totalMs: 0 };
    g.calls++;
    if (s.error) g.errors++;
    g.inputTokens += s.inputTokens ?? 0;
    g.outputTokens += s.outputTokens ?? 0;
    g.thoughtsTokens += s.outputThoughtsTokens ?? 0;
    g.totalMs += spanDurationMs(s) ?? 0;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.totalMs - a.totalMs || b.calls - a.calls || a.key.localeCompare(b.key));
}

export interface TimeSplit {
  /** wall time of the run */
  wallMs: number | null;
  /** summed duration of llm calls */
  llmMs: number;
  /** summed duration of tool calls */
  toolMs: number;
}

/** Where the time went: in LLM calls, in tools (sums of call durations; parallel calls can exceed wall time). */
export function timeSplit(spans: readonly SummarySpan[]): TimeSplit {
  let llmMs = 0;
  let toolMs = 0;
  for (const s of spans) {
    if (s.type === "llm") llmMs += spanDurationMs(s) ?? 0;
    else if (s.type === "tool") toolMs += spanDurationMs(s) ?? 0;
  }
  return { wallMs: runTotals(spans).durationMs, llmMs, toolMs };
}

/** One point of the per-call charts: the n-th LLM call, its agent, seconds and tokens. */
export interface CallPoint {
  n: number;
  seq: number;
  agent: string;
  seconds: number;
  tokens: number;
}

/** LLM calls in order, for the "time per call" and "tokens per call" charts of the original page. */
export function llmCallSeries(spans: readonly SummarySpan[]): CallPoint[] {
  const out: CallPoint[] = [];
  for (const s of spans) {
    if (s.type !== "llm") continue;
    out.push({ n: out.length + 1, seq: s.seq, agent: s.name, seconds: (spanDurationMs(s) ?? 0) / 1000, tokens: spanTokens(s) });
  }
  return out;
}
