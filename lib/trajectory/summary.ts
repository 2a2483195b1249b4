// Totals and per-agent / per-tool summaries of a trajectory, as the original page's summary tables show them.
// Durations follow the time model (./timing.ts): only spans with valid times have one; a span with a zero start, no
// finish or a finish before its start counts as a call but adds no time and stays out of every average.
import { realTimeAfter, REAL_TIME_AFTER_US, runDurationUs, spanTimingCode, VALID } from "@/lib/trajectory/timing";
import type { Outline } from "@/lib/trajectory/outline";
import { toolResultsByLlm } from "@/lib/trajectory/tree";

/**
 * The span fields summaries read; stored rows and wire spans both map onto it. `startUs`/`finishUs` (µs since the
 * Unix epoch, from the outline) win over the Date fields, which hold milliseconds only.
 */
export interface SummarySpan {
  seq: number;
  nesting: number;
  type: string;
  name: string;
  model?: string | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  startUs?: number | null;
  finishUs?: number | null;
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
  /**
   * wall time of the run in whole ms (stored on the job): its flow span's duration, or from the earliest start to the
   * latest finish of the spans with valid times; null when no span has valid times (runDurationUs)
   */
  durationMs: number | null;
}

export interface CallGroup {
  /** agent name for llm calls, tool name for tool calls */
  key: string;
  calls: number;
  /** calls with valid times: the ones totalUs sums and an average divides by */
  timedCalls: number;
  errors: number;
  tokens: number;
  totalUs: number;
}

function startUsOf(s: SummarySpan): number | null {
  return s.startUs !== undefined ? s.startUs : s.startedAt ? s.startedAt.getTime() * 1000 : null;
}

function finishUsOf(s: SummarySpan): number | null {
  return s.finishUs !== undefined ? s.finishUs : s.finishedAt ? s.finishedAt.getTime() * 1000 : null;
}

/**
 * The span's duration in µs, or null when its times are not valid (no real start, no finish, finish before start).
 * `after` is the run's bound of real starts (realTimeAfter: a stub-clock run's year-1 times count).
 */
export function spanDurationUs(s: SummarySpan, after = REAL_TIME_AFTER_US): number | null {
  const start = startUsOf(s);
  const finish = finishUsOf(s);
  return spanTimingCode(start, finish, after) === VALID ? finish! - start! : null;
}

/** The run's bound of real starts, from all its spans (realTimeAfter). */
function runTimeAfter(spans: readonly SummarySpan[]): number {
  return realTimeAfter(spans.map(startUsOf));
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
  for (const s of spans) {
    if (s.type === "llm") t.llmCalls++;
    if (s.type === "tool") {
      t.toolCalls++;
      if (s.error) t.toolErrors++;
    }
    t.inputTokens += s.inputTokens ?? 0;
    t.outputTokens += s.outputTokens ?? 0;
    t.thoughtsTokens += s.outputThoughtsTokens ?? 0;
  }
  const us = runDurationUs(spans.map((s) => ({ nesting: s.nesting, type: s.type, startUs: startUsOf(s), finishUs: finishUsOf(s) })));
  t.durationMs = us == null ? null : Math.round(us / 1000);
  return t;
}

/** LLM calls grouped by agent (an llm span is named after its agent) and tool calls grouped by tool. */
export function callGroups(spans: readonly SummarySpan[], type: "llm" | "tool"): CallGroup[] {
  const after = runTimeAfter(spans);
  const groups = new Map<string, CallGroup>();
  for (const s of spans) {
    if (s.type !== type) continue;
    const g = groups.get(s.name) ?? { key: s.name, calls: 0, timedCalls: 0, errors: 0, tokens: 0, totalUs: 0 };
    g.calls++;
    if (s.error) g.errors++;
    g.tokens += spanTokens(s);
    const us = spanDurationUs(s, after);
    if (us != null) {
      g.timedCalls++;
      g.totalUs += us;
    }
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
      timedCalls: acc.timedCalls + g.timedCalls,
      errors: acc.errors + g.errors,
      tokens: acc.tokens + g.tokens,
      totalUs: acc.totalUs + g.totalUs,
    }),
    { key, calls: 0, timedCalls: 0, errors: 0, tokens: 0, totalUs: 0 },
  );
}

/** Calls of one agent, model or tool with tokens by kind, for the cost tables. */
export interface UsageGroup {
  key: string;
  calls: number;
  /** calls with valid times: totalUs sums them, and the average is totalUs / timedCalls */
  timedCalls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  thoughtsTokens: number;
  totalUs: number;
}

/** The average duration of a group's timed calls in µs, null when none is timed. */
export function averageUs(g: Pick<UsageGroup, "timedCalls" | "totalUs">): number | null {
  return g.timedCalls ? g.totalUs / g.timedCalls : null;
}

/**
 * LLM calls per agent (the llm span's name) or per model (its concrete model), and tool calls per tool.
 * Sorted by time spent, the question a reader of a slow or costly run asks first.
 */
export function usageGroups(spans: readonly SummarySpan[], by: "agent" | "model" | "tool"): UsageGroup[] {
  const after = runTimeAfter(spans);
  const type = by === "tool" ? "tool" : "llm";
  const groups = new Map<string, UsageGroup>();
  for (const s of spans) {
    if (s.type !== type) continue;
    const key = by === "model" ? s.model || "(no model)" : s.name;
    const g = groups.get(key) ?? {
      key,
      calls: 0,
      timedCalls: 0,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      thoughtsTokens: 0,
      totalUs: 0,
    };
    g.calls++;
    if (s.error) g.errors++;
    g.inputTokens += s.inputTokens ?? 0;
    g.outputTokens += s.outputTokens ?? 0;
    g.thoughtsTokens += s.outputThoughtsTokens ?? 0;
    const us = spanDurationUs(s, after);
    if (us != null) {
      g.timedCalls++;
      g.totalUs += us;
    }
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.totalUs - a.totalUs || b.calls - a.calls || a.key.localeCompare(b.key));
}

export interface TimeSplit {
  /** wall time of the run, µs (runDurationUs) */
  wallUs: number | null;
  /** summed duration of timed llm calls, µs */
  llmUs: number;
  /** summed duration of timed tool calls, µs */
  toolUs: number;
  /** llm and tool calls without valid times, left out of the sums */
  untimed: number;
}

/** Where the time went: in LLM calls, in tools (sums of call durations; parallel calls can exceed wall time). */
export function timeSplit(spans: readonly SummarySpan[]): TimeSplit {
  const after = runTimeAfter(spans);
  let llmUs = 0;
  let toolUs = 0;
  let untimed = 0;
  for (const s of spans) {
    if (s.type !== "llm" && s.type !== "tool") continue;
    const us = spanDurationUs(s, after);
    if (us == null) untimed++;
    else if (s.type === "llm") llmUs += us;
    else toolUs += us;
  }
  const wallUs = runDurationUs(spans.map((s) => ({ nesting: s.nesting, type: s.type, startUs: startUsOf(s), finishUs: finishUsOf(s) })));
  return { wallUs, llmUs, toolUs, untimed };
}

/**
 * One point of the per-call charts: the n-th LLM call, its agent, seconds (null without valid times), tokens with
 * their split, and the tools whose results it read (upstream's ToolCalls, lib/trajectory/tree.ts toolResultReaders).
 */
export interface CallPoint {
  n: number;
  seq: number;
  agent: string;
  seconds: number | null;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  thoughtsTokens: number;
  tools: string[];
}

/** LLM calls in order, for the "tokens per call" chart of the original page (pkg/aflow/trajectory/html trajectory_block.html). */
export function llmCallSeries(spans: readonly SummarySpan[]): CallPoint[] {
  const after = runTimeAfter(spans);
  const reads = toolResultsByLlm(spans);
  const out: CallPoint[] = [];
  for (const s of spans) {
    if (s.type !== "llm") continue;
    const us = spanDurationUs(s, after);
    out.push({
      n: out.length + 1,
      seq: s.seq,
      agent: s.name,
      seconds: us == null ? null : us / 1_000_000,
      tokens: spanTokens(s),
      inputTokens: s.inputTokens ?? 0,
      outputTokens: s.outputTokens ?? 0,
      thoughtsTokens: s.outputThoughtsTokens ?? 0,
      tools: reads.get(s.seq) ?? [],
    });
  }
  return out;
}

/** One bar of the time chart: an LLM call or a tool call, in order (upstream's "Time Consumption of LLM/Tool Calls"). */
export interface StepPoint {
  seq: number;
  type: "llm" | "tool";
  name: string;
  seconds: number | null;
  /** for an LLM call, the tools whose results it read */
  tools: string[];
}

/** LLM and tool steps in order, for the time chart: upstream draws both (trajectory_block.html, filteredSteps). */
export function stepSeries(spans: readonly SummarySpan[]): StepPoint[] {
  const after = runTimeAfter(spans);
  const reads = toolResultsByLlm(spans);
  const out: StepPoint[] = [];
  for (const s of spans) {
    if (s.type !== "llm" && s.type !== "tool") continue;
    const us = spanDurationUs(s, after);
    out.push({ seq: s.seq, type: s.type, name: s.name, seconds: us == null ? null : us / 1_000_000, tools: reads.get(s.seq) ?? [] });
  }
  return out;
}

/** Average tokens per call of a group (upstream's "Avg Tokens" of the LLM Calls Summary); null for no calls. */
export function averageTokens(g: { calls: number; inputTokens: number; outputTokens: number; thoughtsTokens: number }): number | null {
  return g.calls ? (g.inputTokens + g.outputTokens + g.thoughtsTokens) / g.calls : null;
}

/** The outline's spans as the summaries read them, with their µs times (NaN in the outline: no such time). */
export function summarySpans(o: Outline): SummarySpan[] {
  const out: SummarySpan[] = [];
  for (let i = 0; i < o.count; i++) {
    const start = o.start[i]!;
    const finish = start + o.dur[i]!;
    out.push({
      seq: o.seq[i]!,
      nesting: o.nesting[i]!,
      type: o.types[o.type[i]!]!,
      name: o.names[o.name[i]!]!,
      model: o.models[o.model[i]!] || null,
      startUs: Number.isNaN(start) ? null : start,
      finishUs: Number.isNaN(finish) ? null : finish,
      error: o.errors.get(i) ?? null,
      inputTokens: o.tokIn[i]!,
      outputTokens: o.tokOut[i]!,
      outputThoughtsTokens: o.tokThoughts[i]!,
    });
  }
  return out;
}
