// An experiment's tokens, cost and duration, original against rerun: the side-by-side table and a histogram per
// metric (recharts). Used by ExperimentView.
"use client";
import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { HistogramBin, Metric, MetricComparison } from "@/lib/experiments/analysis";
import { formatUsd, formatUsdDelta } from "@/lib/costs/money";
import { formatCompact, formatDuration } from "@/lib/format";

/** USD, or "—" when there is no price. */
export function money(v: number | null): string {
  return v === null ? "—" : formatUsd(v);
}

const METRIC_LABEL: Record<Metric, string> = { tokens: "Tokens", cost: "Cost (USD)", duration: "Duration" };

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
          <th className="text-right">median (orig → rerun)</th>
          <th className="text-right">p90 (orig → rerun)</th>
          <th className="text-right">sum (orig → rerun)</th>
          <th className="text-right">median Δ</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => (
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
            <td className="text-right">
              {fmt(m.metric, m.original.median)} → {fmt(m.metric, m.rerun.median)}
            </td>
            <td className="text-right">
              {fmt(m.metric, m.original.p90)} → {fmt(m.metric, m.rerun.p90)}
            </td>
            <td className="text-right">
              {fmt(m.metric, m.original.sum)} → {fmt(m.metric, m.rerun.sum)}
            </td>
            <td className="text-right">{fmt(m.metric, m.medianDelta, true)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Histogram({ metric, bins }: { metric: Metric; bins: HistogramBin[] }) {
  const data = bins.map((b) => ({ ...b, label: fmt(metric, b.from) }));
  return (
    <figure className="rounded border border-slate-200 bg-white px-2 pb-1 pt-1.5" data-testid={`histogram-${metric}`}>
      <figcaption className="px-1 text-[11px] font-medium uppercase tracking-wide text-slate-500">
        {METRIC_LABEL[metric]} per run
      </figcaption>
      <div className="h-[140px]">
        {bins.length === 0 ? (
          <p className="p-4 text-xs text-slate-400">No ended reruns yet</p>
        ) : (
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
        )}
      </div>
    </figure>
  );
}
