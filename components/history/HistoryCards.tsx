// The history at phone width: one card per run (workflow, title, status, verdict, time) instead of a table that would
// need sideways scrolling. The table shows from md up; the same rows, links and badges.
import Link from "next/link";
import type { HistoryRow } from "@/lib/history/list";
import { StatusBadge, VerdictBadge } from "@/components/jobs/badges";
import { formatTime } from "@/lib/format";

export function HistoryCards({ rows }: { rows: HistoryRow[] }) {
  return (
    <ul className="space-y-1.5 md:hidden" data-testid="history-cards">
      {rows.map((job) => (
        <li key={job.id} className="rounded border border-slate-200 bg-white px-3 py-2" data-testid="history-card" data-job={job.id}>
          <div className="flex items-center gap-2 text-xs">
            <span className="truncate font-mono text-slate-600">{job.workflow}</span>
            <span className="ml-auto shrink-0 tabular-nums text-slate-500">{formatTime(job.createdAt).slice(0, 16)}</span>
          </div>
          <Link href={`/jobs/${job.id}`} className="mt-0.5 block truncate font-medium text-slate-900 hover:underline">
            {job.description || <span className="font-mono text-xs text-slate-500">{job.id.slice(0, 8)}</span>}
          </Link>
          <div className="mt-1 flex flex-wrap items-center gap-1.5">
            <StatusBadge status={job.status} />
            <VerdictBadge verdict={job.verdict} words={job.verdictWords} />
          </div>
          {job.error && !job.errorRedacted && <div className="mt-0.5 truncate text-xs text-red-700">{job.error.split("\n")[0]}</div>}
        </li>
      ))}
    </ul>
  );
}
