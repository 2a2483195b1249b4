// Four small charts over the filtered runs per day: runs (with failures), verdict share, failure rate, tokens and duration.
"use client";
import { Area, AreaChart, Bar, BarChart, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Trends } from "@/lib/history/stats";
import { formatCount, formatDuration } from "@/lib/format";
import { workflowSpec } from "@/lib/workflows/catalog";
import { formatCost, formatUsd } from "@/lib/costs/money";
import { niceTicks } from "@/lib/history/ticks";

const axis = { fontSize: 10, fill: "#64748b" };
const pct = (v: number) => `${Math.round(v)}%`;
const shortDay = (d: string) => d.slice(5);
const compact = (v: number) => (v >= 1e6 ? `${+(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${Math.round(v / 1e3)}k` : String(v));

function Card({
  title,
  summary,
  children,
  testId,
}: {
  title: string;
  summary: React.ReactNode;
  children: React.ReactElement;
  testId: string;
}) {
  return (
    <figure className="rounded border border-slate-200 bg-white px-2 pb-1 pt-1.5" data-testid={testId}>
      <figcaption className="flex flex-wrap items-baseline justify-between gap-x-3 px-1 text-[11px]">
        <span className="font-medium uppercase tracking-wide text-slate-500">{title}</span>
        <span className="tabular-nums text-slate-700">{summary}</span>
      </figcaption>
      <div className="h-[120px]">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** The period's cost: priced runs summed; "partial" when some runs spent tokens without a price (lib/costs). */
function costSummary(trends: Trends): string {
  const usd = trends.days.reduce<number | null>((a, d) => (d.costUsd === null ? a : (a ?? 0) + d.costUsd), null);
  const partial = trends.days.reduce((a, d) => a + d.costPartialRuns, 0);
  return formatCost({ usd: usd ?? (partial ? null : 0), unpriced: partial });
}

/** `workflow` is the workflow filter: with a known one the verdict chart speaks its words ("worth fuzzing share"). */
export function TrendCharts({ trends, workflow }: { trends: Trends; workflow?: string }) {
  const yesWord = workflowSpec(workflow)?.main.yes ?? "verdict yes";
  const data = trends.days.map((d) => ({
    ...d,
    ok: d.runs - d.failed,
    yesShare: d.yes + d.no > 0 ? (100 * d.yes) / (d.yes + d.no) : null,
    failRate: d.runs > 0 ? (100 * d.failed) / d.runs : null,
    durationS: d.durationMs == null ? null : d.durationMs / 1000,
  }));
  const sum = (k: "runs" | "yes" | "no" | "failed") => trends.days.reduce((a, d) => a + d[k], 0);
  const runs = sum("runs");
  const judged = sum("yes") + sum("no");
  const tokenRuns = trends.days.filter((d) => d.runs > 0);
  const meanTokens = runs ? tokenRuns.reduce((a, d) => a + d.tokens * d.runs, 0) / runs : 0;
  const tooltip = { contentStyle: { fontSize: 11, padding: "2px 6px" }, labelStyle: { fontWeight: 600 } };
  const common = { data, margin: { top: 4, right: 4, bottom: 0, left: -18 } };
  // With runs on a few days only, lines have no length: dots show the points.
  const dot = trends.days.filter((d) => d.runs > 0).length <= 3 ? { r: 2 } : false;
  const meanDuration = (() => {
    const timed = trends.days.filter((d) => d.durationMs != null && d.runs > 0);
    const n = timed.reduce((a, d) => a + d.runs, 0);
    return n ? timed.reduce((a, d) => a + d.durationMs! * d.runs, 0) / n : null;
  })();

  // Evenly spaced round ticks from zero (lib/history/ticks.ts), each axis up to its largest value.
  const top = (values: (number | null)[]) => Math.max(0, ...values.map((v) => v ?? 0));
  const runTicks = niceTicks(top(trends.days.map((d) => d.runs)), { integer: true });
  const failTicks = niceTicks(Math.min(100, top(data.map((d) => d.failRate))));
  const tokenTicks = niceTicks(top(trends.days.map((d) => d.tokens)));
  const costTicks = niceTicks(top(trends.days.map((d) => d.costUsd)));
  const range = (t: number[]): [number, number] => [0, t[t.length - 1]!];
  return (
    <section aria-label={`Trends ${trends.from} to ${trends.to}`} className="space-y-1" data-testid="trends">
      <p className="text-[11px] text-slate-500" data-testid="trends-window">
        {trends.capped ? (
          <>
            Trends of the newest {formatCount(trends.capped.runs)} matching runs per day (UTC), {trends.from} (in part) – {trends.to}: under
            this filter a view reads at most that many runs (more match since {trends.capped.windowFrom}).
          </>
        ) : (
          <>
            Trends of the matching runs per day (UTC), {trends.from} – {trends.to}
          </>
        )}
      </p>
      <div className="grid grid-cols-2 gap-2 lg:grid-cols-4">
        <Card title="Runs per day" summary={`${formatCount(runs)} ${runs === 1 ? "run" : "runs"}`} testId="trend-runs">
          <BarChart {...common}>
            <XAxis dataKey="day" tickFormatter={shortDay} tick={axis} minTickGap={24} />
            <YAxis tick={axis} ticks={runTicks} domain={range(runTicks)} interval={0} tickFormatter={compact} />
            <Tooltip {...tooltip} />
            <Bar dataKey="ok" name="finished/other" stackId="r" fill="#0284c7" isAnimationActive={false} />
            <Bar dataKey="failed" name="failed" stackId="r" fill="#dc2626" isAnimationActive={false} />
          </BarChart>
        </Card>
        <Card
          title={`${yesWord} share`}
          summary={judged ? `${pct((100 * sum("yes")) / judged)} ${yesWord} of ${formatCount(judged)}` : "no verdicts"}
          testId="trend-verdict"
        >
          <AreaChart {...common}>
            <XAxis dataKey="day" tickFormatter={shortDay} tick={axis} minTickGap={24} />
            <YAxis tick={axis} ticks={[0, 25, 50, 75, 100]} domain={[0, 100]} interval={0} tickFormatter={pct} />
            <Tooltip {...tooltip} formatter={(v) => pct(Number(v))} />
            <Area dataKey="yesShare" name={yesWord} stroke="#059669" fill="#a7f3d0" connectNulls dot={dot} isAnimationActive={false} />
          </AreaChart>
        </Card>
        <Card title="Failure rate" summary={runs ? pct((100 * sum("failed")) / runs) : "—"} testId="trend-failures">
          <LineChart {...common}>
            <XAxis dataKey="day" tickFormatter={shortDay} tick={axis} minTickGap={24} />
            <YAxis tick={axis} ticks={failTicks} domain={range(failTicks)} interval={0} tickFormatter={pct} />
            <Tooltip {...tooltip} formatter={(v) => pct(Number(v))} />
            <Line dataKey="failRate" name="failed" stroke="#dc2626" dot={dot} connectNulls isAnimationActive={false} />
          </LineChart>
        </Card>
        <Card
          title="Tokens · duration per run"
          summary={
            <>
              <span className="text-violet-700">{formatCount(Math.round(meanTokens))} tok</span> ·{" "}
              <span className="text-amber-700">{formatDuration(meanDuration)}</span>
            </>
          }
          testId="trend-cost"
        >
          <LineChart {...common}>
            <XAxis dataKey="day" tickFormatter={shortDay} tick={axis} minTickGap={24} />
            <YAxis yAxisId="t" tick={axis} ticks={tokenTicks} domain={range(tokenTicks)} interval={0} tickFormatter={compact} />
            <YAxis yAxisId="d" orientation="right" tick={axis} hide />
            <Tooltip
              {...tooltip}
              formatter={(v, name) => (name === "duration" ? formatDuration(Number(v) * 1000) : formatCount(Math.round(Number(v))))}
            />
            <Line yAxisId="t" dataKey="tokens" name="tokens" stroke="#7c3aed" dot={dot} connectNulls isAnimationActive={false} />
            <Line yAxisId="d" dataKey="durationS" name="duration" stroke="#d97706" dot={dot} connectNulls isAnimationActive={false} />
          </LineChart>
        </Card>
        <Card title="Cost per day (USD)" summary={costSummary(trends)} testId="trend-money">
          <BarChart {...common}>
            <XAxis dataKey="day" tickFormatter={shortDay} tick={axis} minTickGap={24} />
            <YAxis tick={axis} ticks={costTicks} domain={range(costTicks)} interval={0} tickFormatter={(v: number) => `$${compact(v)}`} />
            <Tooltip {...tooltip} formatter={(v) => formatUsd(Number(v))} />
            <Bar dataKey="costUsd" name="cost" fill="#7c3aed" isAnimationActive={false} />
          </BarChart>
        </Card>
      </div>
    </section>
  );
}
