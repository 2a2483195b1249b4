"use client";
// Cost and time of a run: totals, where the time went (LLM vs tools), tables per agent, model and tool,
// and the original page's two charts (time and tokens per LLM call, coloured by agent).
import { lazy, Suspense, useMemo } from "react";
import type { Outline } from "@/lib/trajectory/outline";
import {
  averageTokens,
  averageUs,
  llmCallSeries,
  runTotals,
  stepSeries,
  summarySpans,
  timeSplit,
  usageGroups,
  type UsageGroup,
} from "@/lib/trajectory/summary";
import { formatCount, formatDurationAtUs } from "@/lib/format";

// recharts is the heaviest library of the page: it loads when this tab is opened.
const CallCharts = lazy(() => import("@/components/run/CallCharts"));

/** An average count: whole numbers grouped, two decimals as upstream's summary shows them (toFixed(2)). */
function formatAverage(v: number | null): string {
  return v === null ? "—" : v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function Stat({ label, value, tone }: { label: string; value: React.ReactNode; tone?: string }) {
  return (
    <div className="rounded border border-slate-200 bg-white px-3 py-2">
      <div className="text-xs text-slate-500">{label}</div>
      <div className={`text-lg font-semibold tabular-nums ${tone ?? ""}`}>{value}</div>
    </div>
  );
}

function UsageTable({
  title,
  keyLabel,
  groups,
  tokens,
  minutePrecision,
}: {
  title: string;
  keyLabel: string;
  groups: UsageGroup[];
  tokens: boolean;
  minutePrecision: boolean;
}) {
  const th = "py-1 pl-3 text-right font-medium";
  return (
    <div data-testid={`summary-${keyLabel.toLowerCase()}`}>
      <h3 className="mb-1 text-sm font-semibold">{title}</h3>
      {groups.length === 0 ? (
        <p className="text-sm text-slate-400">none</p>
      ) : (
        // On a phone the figures scroll inside their box instead of running off the page.
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="border-b border-slate-200 text-xs text-slate-500">
              <tr>
                <th className="py-1 text-left font-medium">{keyLabel}</th>
                <th className={th}>Calls</th>
                {tokens ? (
                  <>
                    <th className={th}>Input</th>
                    <th className={th}>Output</th>
                    <th className={th}>Thoughts</th>
                    <th className={th}>Avg tokens</th>
                  </>
                ) : (
                  <th className={th}>Errors</th>
                )}
                <th className={th}>Total time</th>
                <th className={th}>Avg</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 tabular-nums">
              {groups.map((g) => (
                <tr key={g.key}>
                  <td className="py-1 font-mono text-xs">{g.key}</td>
                  <td className="py-1 pl-3 text-right">{formatCount(g.calls)}</td>
                  {tokens ? (
                    <>
                      <td className="py-1 pl-3 text-right">{formatCount(g.inputTokens)}</td>
                      <td className="py-1 pl-3 text-right">{formatCount(g.outputTokens)}</td>
                      <td className="py-1 pl-3 text-right">{formatCount(g.thoughtsTokens)}</td>
                      <td className="py-1 pl-3 text-right" data-testid="avg-tokens">
                        {formatAverage(averageTokens(g))}
                      </td>
                    </>
                  ) : (
                    <td className={`py-1 pl-3 text-right ${g.errors ? "text-red-700" : ""}`}>{formatCount(g.errors)}</td>
                  )}
                  <td className="py-1 pl-3 text-right">{g.timedCalls ? formatDurationAtUs(g.totalUs, minutePrecision) : "—"}</td>
                  <td
                    className="py-1 pl-3 text-right"
                    title={g.timedCalls < g.calls ? `average of the ${g.timedCalls} calls with valid times` : undefined}
                  >
                    {formatDurationAtUs(averageUs(g), minutePrecision)}
                    {g.timedCalls < g.calls && (
                      <span className="ml-1 text-amber-700" data-untimed={g.calls - g.timedCalls}>
                        ({formatCount(g.calls - g.timedCalls)} untimed)
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function CostAndTime({ o, minutePrecision }: { o: Outline; minutePrecision: boolean }) {
  const spans = useMemo(() => summarySpans(o), [o]);
  const totals = useMemo(() => runTotals(spans), [spans]);
  const split = useMemo(() => timeSplit(spans), [spans]);
  const series = useMemo(() => llmCallSeries(spans), [spans]);
  const steps = useMemo(() => stepSeries(spans), [spans]);
  const groups = useMemo(
    () => ({ agent: usageGroups(spans, "agent"), model: usageGroups(spans, "model"), tool: usageGroups(spans, "tool") }),
    [spans],
  );
  const inCalls = split.llmUs + split.toolUs || 1;
  const d = (us: number | null) => formatDurationAtUs(us, minutePrecision);
  return (
    <section className="space-y-5 rounded border border-slate-200 bg-white p-4" data-testid="cost">
      {minutePrecision && (
        <p className="text-xs text-amber-700">This run was imported with minute-precision timestamps: times are rounded to minutes.</p>
      )}
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-9" data-testid="totals">
        <Stat label="Input tokens" value={formatCount(totals.inputTokens)} />
        <Stat label="Output tokens" value={formatCount(totals.outputTokens)} />
        <Stat label="Thought tokens" value={formatCount(totals.thoughtsTokens)} />
        <Stat label="LLM calls" value={formatCount(totals.llmCalls)} />
        <Stat
          label="Avg tokens per LLM call"
          value={formatAverage(
            averageTokens({
              calls: totals.llmCalls,
              inputTokens: totals.inputTokens,
              outputTokens: totals.outputTokens,
              thoughtsTokens: totals.thoughtsTokens,
            }),
          )}
        />
        <Stat label="Tool calls" value={formatCount(totals.toolCalls)} />
        <Stat label="Tool errors" value={formatCount(totals.toolErrors)} tone={totals.toolErrors ? "text-red-700" : undefined} />
        <Stat label="Wall time" value={d(split.wallUs)} />
        <Stat label="In LLM / in tools" value={`${d(split.llmUs)} / ${d(split.toolUs)}`} />
      </div>
      {minutePrecision ? (
        // Whole minutes cannot split calls of seconds: a 0 % would read as a measurement.
        <p className="text-xs text-slate-600" data-testid="time-split">
          LLM vs tools: not known — this run&apos;s times are whole minutes, and most calls take seconds.
        </p>
      ) : (
        <div data-testid="time-split">
          <div className="flex h-3 overflow-hidden rounded bg-slate-100" title="time in LLM calls vs in tool calls">
            <div className="bg-indigo-500" style={{ width: `${(split.llmUs / inCalls) * 100}%` }} />
            <div className="bg-emerald-500" style={{ width: `${(split.toolUs / inCalls) * 100}%` }} />
          </div>
          <p className="mt-1 text-xs text-slate-600">
            <span className="text-indigo-700">■</span> LLM {Math.round((split.llmUs / inCalls) * 100)}% ·{" "}
            <span className="text-emerald-700">■</span> tools {Math.round((split.toolUs / inCalls) * 100)}% of the time spent in calls
            {split.untimed > 0 && (
              <span className="text-amber-700" data-testid="untimed-calls">
                {" "}
                · {formatCount(split.untimed)} {split.untimed === 1 ? "call" : "calls"} without valid times left out (a zero start, no end
                recorded, or an end before the start)
              </span>
            )}
          </p>
        </div>
      )}
      <div className="grid gap-6 xl:grid-cols-2">
        <UsageTable title="LLM calls per agent" keyLabel="Agent" groups={groups.agent} tokens minutePrecision={minutePrecision} />
        <UsageTable title="LLM calls per model" keyLabel="Model" groups={groups.model} tokens minutePrecision={minutePrecision} />
        <UsageTable title="Tool calls per tool" keyLabel="Tool" groups={groups.tool} tokens={false} minutePrecision={minutePrecision} />
      </div>
      {series.length > 0 && (
        <Suspense fallback={<p className="text-sm text-slate-400">Loading charts…</p>}>
          <CallCharts series={series} steps={steps} minutePrecision={minutePrecision} />
        </Suspense>
      )}
    </section>
  );
}
