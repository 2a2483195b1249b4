"use client";
// The header's numbers of a live run, kept current by the page's live store (./live-run.ts): the same events that
// grow the tree move the status badge, the call and token counts and the duration, with no refresh. Until the
// outline arrives they show the job row's totals the page was rendered with.
import { useEffect, useState } from "react";
import { StatusBadge } from "@/components/jobs/badges";
import { formatCount, formatDuration, formatDurationAt } from "@/lib/format";
import { isLive, type RunStatus } from "@/lib/runs/status";
import { outlineRowsOf, type Outline } from "@/lib/trajectory/outline";
import { runTotals, type RunTotals } from "@/lib/trajectory/summary";
import { useLiveRun } from "./use-live-run";

// One outline object per applied change: its totals are computed once however many numbers show them.
const totalsCache = new WeakMap<Outline, RunTotals>();

/** The run's totals over an outline, the rule the write path keeps on the job row (lib/trajectory/summary.ts runTotals). */
export function outlineTotals(o: Outline): RunTotals {
  let totals = totalsCache.get(o);
  if (!totals) {
    const spans = outlineRowsOf(o).map((r) => ({ ...r, outputThoughtsTokens: r.thoughtsTokens }));
    totalsCache.set(o, (totals = runTotals(spans)));
  }
  return totals;
}

export type LiveTotal = "llmCalls" | "toolCalls" | "toolErrors" | "inputTokens" | "outputTokens" | "thoughtsTokens";

/** The run's status badge, moved by the live events (pending → running → finished) as they come. */
export function LiveStatusBadge({ jobId, status }: { jobId: string; status: RunStatus }) {
  const live = useLiveRun(jobId, status);
  return <StatusBadge status={live.status as RunStatus} />;
}

/**
 * One of the run's totals: the rendered value (the job row's) until the outline arrives, then the outline's. Counts
 * never go back below the rendered value (the job row may be ahead of an outline still loading).
 */
export function LiveCount({ jobId, status, field, initial }: { jobId: string; status: string; field: LiveTotal; initial: number }) {
  const { outline } = useLiveRun(jobId, status);
  const n = outline ? Math.max(initial, outlineTotals(outline)[field]) : initial;
  return (
    <span className={field === "toolErrors" && n > 0 ? "text-red-700" : ""} data-testid={`run-${field}`}>
      {formatCount(n)}
    </span>
  );
}

/**
 * The run's duration: while it is live, the time since it started, ticking each second ("running · 42.0s"); once it
 * ends, the outline's (its flow span's, or over the spans with valid times: lib/trajectory/timing.ts runDurationUs).
 */
export function LiveDuration({
  jobId,
  status,
  startedAt,
  initialMs,
  minutePrecision,
}: {
  jobId: string;
  status: string;
  /** ISO time the job was taken or created */
  startedAt: string;
  initialMs: number | null;
  minutePrecision: boolean;
}) {
  const live = useLiveRun(jobId, status);
  const running = isLive(live.status);
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (!running) return;
    const first = setTimeout(() => setNow(Date.now()), 0);
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => (clearTimeout(first), clearInterval(t));
  }, [running]);
  if (running) {
    const since = Date.parse(startedAt);
    return (
      <span data-testid="run-duration" data-running="true">
        running{now !== null && now >= since ? ` · ${formatDuration(Math.floor((now - since) / 1000) * 1000)}` : ""}
      </span>
    );
  }
  const ms = live.outline ? outlineTotals(live.outline).durationMs : initialMs;
  return (
    <span
      title="from the flow span's start to its finish, or over the spans with valid times (zero starts and missing ends never count)"
      data-testid="run-duration"
    >
      {formatDurationAt(ms ?? initialMs, minutePrecision)}
    </span>
  );
}
