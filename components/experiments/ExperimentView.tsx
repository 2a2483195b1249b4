// One experiment, live while it runs: progress with ETA, the verdict agreement matrix, accuracy against review marks,
// list-field agreement, tokens/cost/duration side by side with charts, and the flipped runs linking to Compare.
"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { Agreement, RerunCell, VerdictCell } from "@/lib/experiments/analysis";
import type { ExperimentView as View } from "@/lib/experiments/view";
import { formatUsd, formatUsdDelta } from "@/lib/costs/money";
import { formatDuration } from "@/lib/format";
import { hasFigures, Histogram, MetricsTable, money } from "@/components/experiments/ExperimentMetrics";
import { RerunList } from "@/components/experiments/RerunList";

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
        {/* A zero median is no timing (reruns that logged nothing timed), not "0µs". */}
        {!!p.medianDurationMs && <span>median rerun {formatDuration(p.medianDurationMs)}</span>}
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
          {cost && r.progress.done + r.progress.failed > 0 && (
            <p>
              {/* A side with no priced spend says so: "$0.00" and a delta of minus the other side would read as measured. */}
              Ended reruns so far: <strong>{hasFigures(cost.rerun) ? money(cost.rerun.sum) : "no cost yet"}</strong> against{" "}
              <strong>{hasFigures(cost.original) ? money(cost.original.sum) : "no cost"}</strong> for their originals
              {hasFigures(cost.rerun) && hasFigures(cost.original) ? ` (${formatUsdDelta(cost.sumDelta)})` : ""}
              {cost.partial && cost.partial.rerun + cost.partial.original > 0 ? " — partial: some spans have no price" : ""}
            </p>
          )}
        </section>
      </div>
      <section className="space-y-2 rounded border border-slate-200 bg-white p-3">
        <h2 className="text-sm font-semibold">Tokens, cost and duration of ended reruns and their originals</h2>
        {r.progress.done + r.progress.failed === 0 ? (
          // Nothing to measure yet: a sentence, not a table of dashes and three empty charts.
          <p className="text-sm text-slate-500" data-testid="metrics-none">
            No rerun has ended yet: tokens, cost and duration appear here as reruns end.
          </p>
        ) : (
          <>
            <MetricsTable metrics={r.metrics} />
            <div className="grid gap-2 lg:grid-cols-3">
              {r.metrics.map((m) => (
                <Histogram key={m.metric} metric={m.metric} bins={view.histograms[m.metric]} comparison={m} />
              ))}
            </div>
          </>
        )}
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
                  <td className="py-1 pr-2 wrap-anywhere">
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
