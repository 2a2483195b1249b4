// One experiment, live while it runs: progress with ETA, the verdict agreement matrix, accuracy against review marks,
// list-field agreement, tokens/cost/duration side by side with charts, and the flipped runs linking to Compare.
"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Agreement, HistogramBin, Metric, MetricComparison, RerunCell, VerdictCell } from "@/lib/experiments/analysis";
import type { ExperimentView as View, RerunEntry } from "@/lib/experiments/view";
import { formatUsd, formatUsdDelta } from "@/lib/costs/money";
import { formatCompact, formatDuration } from "@/lib/format";

/** How often the page asks for news while reruns are queued or running. */
const POLL_MS = 3000;

const pct = (r: number | null) => (r === null ? "—" : `${(100 * r).toFixed(r === 1 || r === 0 ? 0 : 1)}%`);

function useLiveView(initial: View): View {
  const [view, setView] = useState(initial);
  const live = view.report.progress.queued + view.report.progress.running > 0;
  useEffect(() => {
    if (!live) return;
    let stop = false;
    const t = setInterval(async () => {
      const res = await fetch(`/api/experiments/${initial.experiment.id}`, { headers: { accept: "application/json" } }).catch(() => null);
      if (!stop && res?.ok) setView((await res.json()) as View);
    }, POLL_MS);
    return () => ((stop = true), clearInterval(t));
  }, [live, initial.experiment.id]);
  return view;
}

function ProgressBar({ view }: { view: View }) {
  const p = view.report.progress;
  const parts: [string, number, string][] = [
    ["done", p.done, "bg-emerald-500"],
    ["failed", p.failed, "bg-red-500"],
    ["running", p.running, "bg-sky-500"],
    ["queued", p.queued, "bg-slate-300"],
  ];
  return (
    <section className="space-y-1 rounded border border-slate-200 bg-white p-3" data-testid="experiment-progress">
      <div className="flex h-3 overflow-hidden rounded bg-slate-100">
        {parts.map(([k, n, c]) =>
          n > 0 ? <div key={k} className={c} style={{ width: `${(100 * n) / Math.max(p.total, 1)}%` }} title={`${n} ${k}`} /> : null,
        )}
      </div>
      <p className="flex flex-wrap gap-x-4 text-xs text-slate-700">
        {parts.map(([k, n]) => (
          <span key={k} data-testid={`progress-${k}`}>
            {k}: <strong className="tabular-nums">{n}</strong>
          </span>
        ))}
        <span>of {p.total}</span>
        {p.medianDurationMs !== null && <span>median rerun {formatDuration(p.medianDurationMs)}</span>}
        {p.queued + p.running > 0 ? (
          <span data-testid="experiment-eta">
            {p.etaMs !== null ? `about ${formatDuration(p.etaMs)} to go at this pace` : "ETA once the first rerun ends"}
          </span>
        ) : (
          <span data-testid="experiment-eta">all reruns have ended</span>
        )}
      </p>
    </section>
  );
}

const ROWS: [VerdictCell, string][] = [
  ["yes", "yes"],
  ["no", "no"],
  ["none", "no verdict (failed)"],
];
const COLS: [RerunCell, string][] = [
  ["yes", "yes"],
  ["no", "no"],
  ["failed", "failed"],
  ["pending", "not yet"],
];

function Matrix({ a }: { a: Agreement }) {
  const tone = (o: VerdictCell, r: RerunCell) =>
    o === r ? "bg-emerald-50" : (o === "yes" && r === "no") || (o === "no" && r === "yes") ? "bg-amber-50" : "";
  return (
    <section className="rounded border border-slate-200 bg-white p-3" data-testid="agreement-matrix">
      <h2 className="mb-2 text-sm font-semibold">Verdicts: original × rerun</h2>
      <table className="text-sm tabular-nums">
        <thead className="text-[11px] uppercase text-slate-500">
          <tr>
            <th className="px-2 text-left">original ↓ rerun →</th>
            {COLS.map(([c, label]) => (
              <th key={c} className="px-3 text-right">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ROWS.map(([o, label]) => (
            <tr key={o}>
              <th className="px-2 text-left text-xs font-medium text-slate-600">{label}</th>
              {COLS.map(([r]) => (
                <td key={r} className={`px-3 py-1 text-right ${tone(o, r)}`} data-testid={`cell-${o}-${r}`}>
                  {a.counts[o][r]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-slate-600" data-testid="agreement-rate">
        Agreement: <strong>{pct(a.rate)}</strong> ({a.agreed} of {a.compared} runs where both gave a verdict)
      </p>
    </section>
  );
}

function money(v: number | null): string {
  return v === null ? "—" : formatUsd(v);
}

const METRIC_LABEL: Record<Metric, string> = { tokens: "Tokens", cost: "Cost (USD)", duration: "Duration" };

function fmt(metric: Metric, v: number | null, delta = false): string {
  if (v === null) return "—";
  if (metric === "cost") return delta ? formatUsdDelta(v) : money(v);
  if (metric === "duration") return `${delta && v > 0 ? "+" : delta && v < 0 ? "−" : ""}${formatDuration(Math.abs(v))}`;
  return `${delta && v > 0 ? "+" : delta && v < 0 ? "−" : ""}${formatCompact(Math.abs(v))}`;
}

function MetricsTable({ metrics }: { metrics: MetricComparison[] }) {
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

function Histogram({ metric, bins }: { metric: Metric; bins: HistogramBin[] }) {
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

const STATE_STYLE: Record<RerunEntry["state"], string> = {
  failed: "bg-red-50 text-red-800 ring-red-300",
  running: "bg-sky-50 text-sky-800 ring-sky-300",
  queued: "bg-slate-100 text-slate-700 ring-slate-300",
  done: "bg-emerald-50 text-emerald-800 ring-emerald-300",
};

const yesNo = (v: boolean | null) => (v === null ? "—" : v ? "yes" : "no");

/** Every rerun of the experiment, failed first: its state, verdict against the original's, why it failed, and links. */
function RerunList({ experimentId, reruns }: { experimentId: string; reruns: RerunEntry[] }) {
  return (
    <section className="rounded border border-slate-200 bg-white p-3" data-testid="experiment-reruns">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold">Reruns ({reruns.length})</h2>
        <Link href={`/?experiment=${experimentId}`} className="text-xs text-sky-700 hover:underline" data-testid="experiment-history">
          Show them in the history
        </Link>
      </div>
      {reruns.length === 0 ? (
        <p className="text-xs text-slate-500">No reruns.</p>
      ) : (
        <div className="max-h-[32rem] overflow-auto">
          <table className="w-full text-sm">
            <thead className="sticky top-0 bg-white text-left text-[11px] uppercase text-slate-500">
              <tr>
                <th className="py-1 pr-2 font-medium">run</th>
                <th className="px-2 font-medium">status</th>
                <th className="px-2 font-medium">verdict</th>
                <th className="px-2 font-medium">original</th>
                <th className="hidden px-2 font-medium sm:table-cell">reason</th>
                <th className="px-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {reruns.map((r) => (
                <tr key={r.rerunId} data-testid="rerun-row" data-state={r.state}>
                  <td className="py-1 pr-2">
                    <Link href={`/jobs/${r.rerunId}`} className="text-sky-700 hover:underline">
                      {r.description || r.rerunId.slice(0, 8)}
                    </Link>
                    <span className="ml-2 text-xs text-slate-500">{r.workflow}</span>
                    {/* On a phone the reason goes under the run: a fifth column would not fit. */}
                    {r.error && <p className="text-xs text-red-800 wrap-anywhere sm:hidden">{r.error}</p>}
                  </td>
                  <td className="px-2">
                    <span className={`rounded px-1.5 py-0.5 text-xs ring-1 ${STATE_STYLE[r.state]}`}>{r.status}</span>
                  </td>
                  <td
                    className={`px-2 text-xs ${r.verdict !== null && r.verdict !== r.originalVerdict ? "font-semibold text-amber-800" : ""}`}
                  >
                    {yesNo(r.verdict)}
                  </td>
                  <td className="px-2 text-xs">{yesNo(r.originalVerdict)}</td>
                  <td className="hidden max-w-[28rem] px-2 text-xs text-red-800 wrap-anywhere sm:table-cell" data-testid="rerun-error">
                    {r.error}
                  </td>
                  <td className="whitespace-nowrap px-2 text-right text-xs">
                    <Link href={`/compare?a=${r.originalId}&b=${r.rerunId}`} className="text-sky-700 hover:underline">
                      Compare
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function ExperimentView({ initial }: { initial: View }) {
  const view = useLiveView(initial);
  const { experiment: e, report: r } = view;
  const cost = r.metrics.find((m) => m.metric === "cost");
  return (
    <div className="space-y-3">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-xs text-slate-500">
            <Link href="/experiments" className="hover:underline">
              Experiments
            </Link>{" "}
            /
          </p>
          <h1 className="text-lg font-semibold">{e.name}</h1>
          <p className="text-sm text-slate-700">
            {e.runCount} runs rerun with{" "}
            <code className="rounded bg-slate-100 px-1 font-mono text-xs" data-testid="experiment-setup">
              {e.setup}
            </code>{" "}
            {e.setupKind === "builtin" ? "(built-in agent)" : "(label for another agent)"} by {e.createdByLabel},{" "}
            {new Date(e.createdAt).toISOString().replace("T", " ").slice(0, 16)} UTC
          </p>
          {e.note && <p className="mt-1 whitespace-pre-wrap wrap-anywhere text-sm text-slate-600">{e.note}</p>}
        </div>
        <div className="flex gap-2 text-xs">
          <a className="rounded px-2 py-1 ring-1 ring-slate-300 hover:bg-slate-100" href={`/api/experiments/${e.id}?format=csv`} download>
            Export CSV
          </a>
          <a className="rounded px-2 py-1 ring-1 ring-slate-300 hover:bg-slate-100" href={`/api/experiments/${e.id}?format=json`} download>
            Export JSON
          </a>
        </div>
      </header>
      <ProgressBar view={view} />
      <RerunList experimentId={e.id} reruns={view.reruns ?? []} />
      <div className="grid gap-3 lg:grid-cols-3">
        <Matrix a={r.agreement} />
        <section className="rounded border border-slate-200 bg-white p-3 text-sm" data-testid="accuracy">
          <h2 className="mb-2 font-semibold">Against review marks</h2>
          {r.accuracy.reviewed === 0 ? (
            <p className="text-xs text-slate-500">
              No run of this experiment has a review mark yet: mark originals correct or incorrect on their run pages.
            </p>
          ) : (
            <ul className="space-y-1 tabular-nums">
              <li>
                Original: <strong>{pct(r.accuracy.original.rate)}</strong> right ({r.accuracy.original.right} of {r.accuracy.original.of})
              </li>
              <li>
                Rerun: <strong>{pct(r.accuracy.rerun.rate)}</strong> right ({r.accuracy.rerun.right} of {r.accuracy.rerun.of}; a failed
                rerun counts as wrong)
              </li>
            </ul>
          )}
          <h2 className="mb-1 mt-3 font-semibold">List fields (mean Jaccard)</h2>
          <ul className="space-y-1 tabular-nums" data-testid="field-agreement">
            {r.fields.map((f) => (
              <li key={f.field}>
                {f.field}: <strong>{f.meanJaccard === null ? "—" : f.meanJaccard.toFixed(2)}</strong>{" "}
                <span className="text-xs text-slate-500">
                  ({f.identical} identical of {f.compared})
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section className="rounded border border-slate-200 bg-white p-3 text-sm" data-testid="experiment-cost">
          <h2 className="mb-2 font-semibold">Money</h2>
          <p>
            Estimated at start:{" "}
            <strong>{e.estimateUsd === null ? "no price" : `${formatUsd(e.estimateUsd)}${e.estimatePartial ? " (partial)" : ""}`}</strong>
          </p>
          {cost && (
            <p>
              Ended reruns so far: <strong>{money(cost.rerun.sum)}</strong> against <strong>{money(cost.original.sum)}</strong> for their
              originals ({formatUsdDelta(cost.sumDelta)})
              {cost.partial && cost.partial.rerun + cost.partial.original > 0 ? " — partial: some spans have no price" : ""}
            </p>
          )}
        </section>
      </div>
      <section className="space-y-2 rounded border border-slate-200 bg-white p-3">
        <h2 className="text-sm font-semibold">Tokens, cost and duration of ended reruns and their originals</h2>
        <MetricsTable metrics={r.metrics} />
        <div className="grid gap-2 lg:grid-cols-3">
          {(["tokens", "cost", "duration"] as const).map((m) => (
            <Histogram key={m} metric={m} bins={view.histograms[m]} />
          ))}
        </div>
      </section>
      <section className="rounded border border-slate-200 bg-white p-3" data-testid="flips">
        <h2 className="mb-2 text-sm font-semibold">Flipped verdicts ({r.flips.length})</h2>
        {r.flips.length === 0 ? (
          <p className="text-xs text-slate-500">No verdict changed so far.</p>
        ) : (
          <table className="w-full text-sm">
            <tbody className="divide-y divide-slate-100">
              {r.flips.map((f) => (
                <tr key={f.rerunId} data-testid="flip-row">
                  <td className="py-1 pr-2">
                    <Link href={`/jobs/${f.originalId}`} className="text-sky-700 hover:underline">
                      {f.description || f.originalId}
                    </Link>
                    <span className="ml-2 text-xs text-slate-500">{f.workflow}</span>
                  </td>
                  <td className="whitespace-nowrap px-2 text-xs">
                    {f.from ? "yes" : "no"} → <strong>{f.to ? "yes" : "no"}</strong>
                    {f.truth !== null && (
                      <span className={`ml-2 ${f.to === f.truth ? "text-emerald-700" : "text-red-700"}`}>
                        {f.to === f.truth ? "now right" : "now wrong"}
                      </span>
                    )}
                  </td>
                  <td className="whitespace-nowrap text-right">
                    <Link
                      href={`/compare?a=${f.originalId}&b=${f.rerunId}`}
                      className="text-xs text-sky-700 hover:underline"
                      data-testid="flip-compare"
                    >
                      Compare
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
