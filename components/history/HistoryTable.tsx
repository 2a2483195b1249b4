// The history of runs as a table: one row per job, linking to its run page.
import Link from "next/link";
import type { HistoryRow } from "@/lib/db/history";
import { StatusBadge, VerdictBadge } from "@/components/jobs/badges";
import { formatCount, formatDuration, formatTime } from "@/lib/format";

export function HistoryTable({ jobs }: { jobs: HistoryRow[] }) {
  if (jobs.length === 0) {
    return (
      <p className="rounded border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500">
        No runs yet. Import one with <code className="font-mono">npm run import -- &lt;file&gt;</code>.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid="history-table">
        <thead className="bg-slate-100 text-left text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th className="px-3 py-2">Workflow</th>
            <th className="px-3 py-2">Description</th>
            <th className="px-3 py-2">Status</th>
            <th className="px-3 py-2">Verdict</th>
            <th className="px-3 py-2">Started (UTC)</th>
            <th className="px-3 py-2 text-right">Duration</th>
            <th className="px-3 py-2 text-right">Tokens</th>
            <th className="px-3 py-2 text-right">LLM calls</th>
            <th className="px-3 py-2 text-right">Tool calls</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {jobs.map((job) => (
            <tr key={job.id} className="hover:bg-slate-50" data-testid="history-row">
              <td className="px-3 py-2 font-medium">
                <Link href={`/jobs/${job.id}`} className="text-sky-700 hover:underline">
                  {job.workflow}
                </Link>
              </td>
              <td className="max-w-md truncate px-3 py-2 text-slate-700" title={job.description}>
                {job.description || <span className="text-slate-400">—</span>}
                {job.status === "failed" && job.error && (
                  <div className="truncate text-xs text-red-700" title={job.error}>
                    {job.error}
                  </div>
                )}
              </td>
              <td className="px-3 py-2">
                <StatusBadge status={job.status} />
              </td>
              <td className="px-3 py-2">
                <VerdictBadge verdict={job.verdict} />
              </td>
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600">{formatTime(job.startedAt ?? job.createdAt)}</td>
              <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                {job.status === "running" ? <span className="text-sky-700">running</span> : formatDuration(job.durationMs)}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">
                {formatCount(job.inputTokens + job.outputTokens + job.thoughtsTokens)}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{formatCount(job.llmCalls)}</td>
              <td className="px-3 py-2 text-right tabular-nums">
                {formatCount(job.toolCalls)}
                {job.toolErrors > 0 && (
                  <span className="ml-1 text-xs text-red-700" title="tool calls that returned an error">
                    ({job.toolErrors} err)
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
