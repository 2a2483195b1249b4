// An experiment's tokens, cost and duration, original against rerun: the side-by-side table and a histogram per
// metric (recharts). Used by ExperimentView.
"use client";
import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Distribution, HistogramBin, Metric, MetricComparison } from "@/lib/experiments/analysis";
import { formatUsd, formatUsdDelta } from "@/lib/costs/money";
import { formatCompact, formatDuration } from "@/lib/format";

/** USD, or "—" when there is no price. */
export function money(v: number | null): string {
  return v === null ? "—" : formatUsd(v);
}

const METRIC_LABEL: Record<Metric, string> = { tokens: "Tokens", cost: "Cost (USD)", duration: "Duration" };

/** What a side lacks when none of its ended runs has a value above zero: a zero duration is no timing, not "0µs". */
const NOTHING: Record<Metric, string> = { tokens: "no tokens yet", cost: "no cost yet", duration: "no timing yet" };

/** A side has figures when one of its ended runs has a value above zero (tokens, USD and ms are never negative). */
export function hasFigures(d: Distribution): boolean {
  return d.count > 0 && d.sum > 0;
}

function fmt(metric: Metric, v: number | null, delta = false): string {
  if (v === null) return "—";
  if (metric === "cost") return delta ? formatUsdDelta(v) : money(v);
  if (metric === "duration") return `${delta && v > 0 ? "+" : delta && v < 0 ? "−" : ""}${formatDuration(Math.abs(v))}`;
  return `${delta && v > 0 ? "+" : delta && v < 0 ? "−" : ""}${formatCompact(Math.abs(v))}`;
}

export function MetricsTable({ metrics }: { metrics: MetricComparison[] }) {
  return (
    <table className="w-full text-sm tabular-nums" data-testid="metrics-table">
      <thead className="text-[11px] uppercase text-slate-500">
        <tr>
          <th className="text-left">per run</th>
          <th className="pl-3 text-right">median (orig → rerun)</th>
          {/* On a phone the median and its delta only: five columns of "16m 23s → 1m 25s" would scroll sideways. */}
          <th className="hidden pl-3 text-right sm:table-cell">p90 (orig → rerun)</th>
          <th className="hidden pl-3 text-right sm:table-cell">sum (orig → rerun)</th>
          <th className="pl-3 text-right">median Δ</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => {
          const [o, r] = [hasFigures(m.original), hasFigures(m.rerun)];
          // A side without figures says so once; "0µs → 0µs" and a zero delta would read as measured.
          const pair = (a: number | null, b: number | null) => `${o ? fmt(m.metric, a) : "—"} → ${r ? fmt(m.metric, b) : "—"}`;
          return (
            <tr key={m.metric} data-testid={`metric-${m.metric}`}>
              <th className="py-1 text-left text-xs font-medium text-slate-600">
                {METRIC_LABEL[m.metric]}
                {m.partial && m.partial.original + m.partial.rerun > 0 && (
                  <span
                    className="ml-1 font-normal text-amber-700"
                    title="runs with spans whose model has no price are counted at their priced spans only"
                  >
                    (partial: {m.partial.original} orig, {m.partial.rerun} rerun)
                  </span>
                )}
              </th>
              {!o && !r ? (
                <td colSpan={4} className="pl-3 text-right text-xs text-slate-500">
                  {NOTHING[m.metric]}
                </td>
              ) : (
                <>
                  <td className="pl-3 text-right">{pair(m.original.median, m.rerun.median)}</td>
                  <td className="hidden pl-3 text-right sm:table-cell">{pair(m.original.p90, m.rerun.p90)}</td>
                  <td className="hidden pl-3 text-right sm:table-cell">{pair(m.original.sum, m.rerun.sum)}</td>
                  <td className="pl-3 text-right">
                    {o && r ? fmt(m.metric, m.medianDelta, true) : <span className="text-xs text-slate-500">{NOTHING[m.metric]}</span>}
                  </td>
                </>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A chart of one metric; a sentence instead when a side has nothing to draw (no ended rerun, or all of it zero). */
export function Histogram({ metric, bins, comparison }: { metric: Metric; bins: HistogramBin[]; comparison?: MetricComparison }) {
  const data = bins.map((b) => ({ ...b, label: fmt(metric, b.from) }));
  const empty =
    bins.length === 0
      ? "No ended reruns yet."
      : comparison && !hasFigures(comparison.rerun)
        ? `The ended reruns have ${NOTHING[metric].replace(" yet", "")} to chart yet.`
        : comparison && !hasFigures(comparison.original)
          ? `Their originals have ${NOTHING[metric].replace(" yet", "")} to chart.`
          : null;
  return (
    <figure className="rounded border border-slate-200 bg-white px-2 pb-1 pt-1.5" data-testid={`histogram-${metric}`}>
      <figcaption className="px-1 text-[11px] font-medium uppercase tracking-wide text-slate-500">
        {METRIC_LABEL[metric]} per run
      </figcaption>
      {empty ? (
        <p className="px-1 py-2 text-xs text-slate-500" data-testid="histogram-empty">
          {empty}
        </p>
      ) : (
        <div className="h-[140px]">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -22 }}>
              <XAxis dataKey="label" tick={{ fontSize: 9, fill: "#64748b" }} interval="preserveStartEnd" />
              <YAxis tick={{ fontSize: 10, fill: "#64748b" }} allowDecimals={false} />
              <Tooltip contentStyle={{ fontSize: 11, padding: "2px 6px" }} />
              <Legend wrapperStyle={{ fontSize: 10 }} />
              <Bar dataKey="original" fill="#94a3b8" isAnimationActive={false} />
              <Bar dataKey="rerun" fill="#7c3aed" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
