"use client";
// Time per LLM call and tokens per LLM call, coloured by agent, as the original page draws them.
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CallPoint } from "@/lib/trajectory/summary";
import { AGENT_COLOURS } from "@/components/run/span-style";
import { formatCompact } from "@/lib/format";

/** Bars drawn at most; longer runs are sampled evenly (and say so) so the chart stays responsive. */
const MAX_BARS = 1500;

function sample(series: CallPoint[]): CallPoint[] {
  if (series.length <= MAX_BARS) return series;
  const step = series.length / MAX_BARS;
  return Array.from({ length: MAX_BARS }, (_, i) => series[Math.floor(i * step)]!);
}

function Chart({
  title,
  data,
  field,
  unit,
  colour,
}: {
  title: string;
  data: CallPoint[];
  field: "seconds" | "tokens";
  unit: string;
  colour: (a: string) => string;
}) {
  return (
    <figure data-testid={`chart-${field}`}>
      <figcaption className="mb-1 text-sm font-semibold">{title}</figcaption>
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="n" tick={{ fontSize: 10 }} />
            {/* Compact ticks (1.98B, 12.3k): a billion-token run's axis must not cut its labels to "0000000". */}
            <YAxis
              tick={{ fontSize: 10 }}
              width={48}
              tickFormatter={(v: number) => (field === "tokens" ? formatCompact(v) : String(Number(v.toPrecision(3))))}
            />
            <Tooltip
              formatter={(v) => [v == null ? "no valid times" : `${Number(v).toLocaleString("en-US")} ${unit}`, field]}
              labelFormatter={(n) => `LLM call ${n}`}
            />
            <Bar dataKey={field} isAnimationActive={false}>
              {data.map((p) => (
                <Cell key={p.n} fill={colour(p.agent)} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** `minutePrecision`: the run's times are whole minutes, so no call has a time worth a bar (each would be 0 or 60 s). */
export default function CallCharts({ series, minutePrecision = false }: { series: CallPoint[]; minutePrecision?: boolean }) {
  const agents = [...new Set(series.map((p) => p.agent))];
  const colour = (a: string) => AGENT_COLOURS[agents.indexOf(a) % AGENT_COLOURS.length]!;
  const data = sample(series);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-3 text-xs" data-testid="chart-legend">
        {agents.map((a) => (
          <span key={a} className="flex items-center gap-1">
            <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: colour(a) }} />
            {a}
          </span>
        ))}
        {data.length < series.length && (
          <span className="text-slate-500">
            every {Math.round(series.length / data.length)}th of {series.length.toLocaleString("en-US")} calls shown
          </span>
        )}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {minutePrecision ? (
          <figure data-testid="chart-seconds">
            <figcaption className="mb-1 text-sm font-semibold">Time per LLM call</figcaption>
            <p className="text-xs text-slate-600">Not known: this run&apos;s times are whole minutes.</p>
          </figure>
        ) : (
          <Chart title="Time per LLM call (s)" data={data} field="seconds" unit="s" colour={colour} />
        )}
        <Chart title="Tokens per LLM call" data={data} field="tokens" unit="tokens" colour={colour} />
      </div>
    </div>
  );
}
