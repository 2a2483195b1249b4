"use client";
// The lower half of the run page: the trajectory (tree, timeline, span details) and the cost-and-time tab,
// both drawn from one outline fetched after the page shows (no payloads: they load per span, when opened). Until it
// arrives the tree shows the outline's head, the first spans the server rendered with the page.
import { lazy, Suspense, useMemo, useState } from "react";
import { useLiveRun } from "@/components/live/use-live-run";
import { RunCostTable } from "@/components/costs/RunCostTable";
import { decodeOutline, type OutlineJson } from "@/lib/trajectory/outline";
import { TrajectoryPanel } from "@/components/run/TrajectoryPanel";
import { formatCount } from "@/lib/format";
import { isLive } from "@/lib/runs/status";
import { NotesContext, useNotes, type NotesState } from "@/components/notes/use-notes";
import type { PanelView } from "@/components/run/TrajectoryPanel";

// The cost tab (summaries, tables, charts) loads with its first opening, not with the tree.
const CostAndTime = lazy(() => import("@/components/run/CostAndTime").then((m) => ({ default: m.CostAndTime })));

type Tab = "trajectory" | "cost";

/**
 * `status` is the run's as rendered: while it is live (lib/runs/status.ts isLive) the outline follows the agent
 * (components/live/live-run.ts); `head` is the run's first spans, shown until the whole outline arrives.
 */
export function RunExplorer(props: {
  jobId: string;
  spanCount: number;
  minutePrecision: boolean;
  status: string;
  head: OutlineJson | null;
  /** tree or conversation, from the URL (?view=conversation) */
  view: PanelView;
  /** the reader, for notes: who they are and whether they may write */
  me: NotesState["me"];
}) {
  const { jobId, minutePrecision } = props;
  const { outline, error, version, status } = useLiveRun(jobId, props.status);
  const live = isLive(status);
  const spanCount = outline?.count ?? props.spanCount;
  const head = useMemo(() => (props.head && props.head.seq.length > 0 ? decodeOutline(props.head) : null), [props.head]);
  const tree = outline ?? head;
  const notes = useNotes(jobId, props.me);
  const [tab, setTab] = useState<Tab>("trajectory");
  const tabClass = (t: Tab) =>
    `-mb-px border-b-2 px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-sky-500 ${
      tab === t ? "border-sky-600 text-sky-800" : "border-transparent text-slate-500 hover:text-slate-800"
    }`;
  return (
    <NotesContext value={notes}>
      <div className="space-y-2">
        <div role="tablist" className="flex gap-1 border-b border-slate-200">
          <button
            type="button"
            role="tab"
            aria-selected={tab === "trajectory"}
            className={tabClass("trajectory")}
            onClick={() => setTab("trajectory")}
          >
            Trajectory <span className="font-normal text-slate-400">({formatCount(spanCount)} spans)</span>
          </button>
          <button type="button" role="tab" aria-selected={tab === "cost"} className={tabClass("cost")} onClick={() => setTab("cost")}>
            Cost and time
          </button>
        </div>
        {error && (
          <p className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">Could not load the trajectory: {error}</p>
        )}
        {!tree && !error && (
          <div
            className="h-40 animate-pulse rounded border border-slate-200 bg-white p-4 text-sm text-slate-400"
            data-testid="outline-loading"
          >
            Loading the trajectory…
          </div>
        )}
        {tree && tab === "trajectory" && (
          <TrajectoryPanel
            jobId={jobId}
            o={tree}
            whole={outline !== null}
            spanCount={spanCount}
            minutePrecision={minutePrecision}
            live={live}
            initialView={props.view}
          />
        )}
        {!outline && !error && tab === "cost" && <p className="p-4 text-sm text-slate-400">Loading…</p>}
        {outline && tab === "cost" && (
          <Suspense fallback={<p className="p-4 text-sm text-slate-400">Loading…</p>}>
            <CostAndTime o={outline} minutePrecision={minutePrecision} />
            <RunCostTable jobId={jobId} version={String(version)} />
          </Suspense>
        )}
      </div>
    </NotesContext>
  );
}
