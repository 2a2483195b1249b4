// Small labels for a job's status and verdict, the same on the history list and the run page.
import type { RunStatus } from "@/lib/runs/status";
import type { MainVerdict } from "@/lib/workflows/verdict";

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

/** A run's status (an import that never finished is "incomplete"). */
export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium ring-1 ${STATUS_STYLE[status]}`}
      title={STATUS_TITLE[status]}
      data-status={status}
    >
      {status === "running" && <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" aria-hidden />}
      {status}
    </span>
  );
}

/** True when the words already name their field ("not worth fuzzing" for WorthFuzzing): the prefix would repeat it. */
const saysItsField = (w: MainVerdict) => w.text.replaceAll(" ", "").toLowerCase().includes(w.field.toLowerCase());

/**
 * The run's main yes/no in its workflow's words ("worth fuzzing", "not reproduced"; lib/workflows), coloured by
 * whether it is good news; plain yes/no for workflows without a main verdict. `compact` (lists, where the column says
 * "Verdict") keeps the field's name in the tooltip only.
 */
export function VerdictBadge({ verdict, words, compact }: { verdict: boolean | null; words?: MainVerdict | null; compact?: boolean }) {
  if (verdict == null) return <span className="text-xs text-slate-400">—</span>;
  const tone = words?.tone ?? (verdict ? "good" : "neutral");
  const style = tone === "good" ? "bg-emerald-600 text-white" : tone === "bad" ? "bg-red-700 text-white" : "bg-slate-600 text-white";
  const text = words?.text ?? (verdict ? "yes" : "no");
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-semibold ${style}`}
      data-verdict={verdict ? "yes" : "no"}
      title={words ? `${words.field}: ${verdict ? "yes" : "no"}` : undefined}
    >
      {words && !compact && !saysItsField(words) ? `${words.field}: ` : ""}
      {text}
    </span>
  );
}
