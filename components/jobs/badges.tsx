// Small labels for a job's status and verdict, the same on the history list and the run page.
import type { RunStatus } from "@/lib/runs/run-state";

const STATUS_STYLE: Record<RunStatus, string> = {
  pending: "bg-slate-100 text-slate-700 ring-slate-300",
  running: "bg-sky-50 text-sky-800 ring-sky-300",
  finished: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  failed: "bg-red-50 text-red-800 ring-red-300",
  aborted: "bg-amber-50 text-amber-800 ring-amber-300",
  incomplete: "bg-amber-50 text-amber-900 ring-amber-300",
};

const STATUS_TITLE: Partial<Record<RunStatus, string>> = {
  incomplete: "Imported from a file whose flow never finished: no agent reports to it, so it will not change.",
};

/** A status as lib/runs/run-state.ts shownStatus gives it (an import that never finished reads "incomplete"). */
export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <span className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium ring-1 ${STATUS_STYLE[status]}`} title={STATUS_TITLE[status]} data-status={status}>
      {status === "running" && <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" aria-hidden />}
      {status}
    </span>
  );
}

/**
 * The run's main yes/no; `label` names the field (WorthFuzzing) where the reader needs it.
 * `compact` (lists, where the column says "Verdict") keeps the name in the tooltip only.
 */
export function VerdictBadge({ verdict, label, compact }: { verdict: boolean | null; label?: string | null; compact?: boolean }) {
  if (verdict == null) return <span className="text-xs text-slate-400">—</span>;
  const style = verdict ? "bg-emerald-600 text-white" : "bg-slate-600 text-white";
  return (
    <span
      className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-semibold ${style}`}
      data-verdict={verdict ? "yes" : "no"}
      title={label ? `${label}: ${verdict ? "yes" : "no"}` : undefined}
    >
      {label && !compact ? `${label}: ` : ""}
      {verdict ? "yes" : "no"}
    </span>
  );
}
