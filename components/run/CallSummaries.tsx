// The LLM-calls and tool-calls summaries of the original page, in total and per agent / per tool.
import type { RunSpan } from "@/lib/db/runs";
import { callGroups, totalOf, type CallGroup } from "@/lib/trajectory/summary";
import { formatCount } from "@/lib/format";

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function SummaryTable({ title, groups, keyLabel, tokens }: { title: string; groups: CallGroup[]; keyLabel: string; tokens: boolean }) {
  const all = totalOf(groups);
  const rows = [all, ...groups];
  return (
    <div data-testid={`summary-${keyLabel}`}>
      <h3 className="mb-1 text-sm font-semibold">{title}</h3>
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1 pr-3">{keyLabel}</th>
            <th className="py-1 pr-3 text-right">Calls</th>
            {tokens ? (
              <>
                <th className="py-1 pr-3 text-right">Total tokens</th>
                <th className="py-1 pr-3 text-right">Avg tokens</th>
              </>
            ) : (
              <th className="py-1 pr-3 text-right">Errors</th>
            )}
            <th className="py-1 pr-3 text-right">Total s</th>
            <th className="py-1 text-right">Avg s</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 tabular-nums">
          {rows.map((g, i) => (
            <tr key={i} className={i === 0 ? "font-semibold" : ""}>
              <td className="py-1 pr-3 font-mono text-xs">{g.key}</td>
              <td className="py-1 pr-3 text-right">{formatCount(g.calls)}</td>
              {tokens ? (
                <>
                  <td className="py-1 pr-3 text-right">{formatCount(g.tokens)}</td>
                  <td className="py-1 pr-3 text-right">{formatCount(g.calls ? Math.round(g.tokens / g.calls) : 0)}</td>
                </>
              ) : (
                <td className={`py-1 pr-3 text-right ${g.errors ? "text-red-700" : ""}`}>{formatCount(g.errors)}</td>
              )}
              <td className="py-1 pr-3 text-right">{seconds(g.totalMs)}</td>
              <td className="py-1 text-right">{seconds(g.calls ? g.totalMs / g.calls : 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CallSummaries({ spans, minutePrecision }: { spans: RunSpan[]; minutePrecision: boolean }) {
  return (
    <section className="rounded border border-slate-200 bg-white p-4">
      <h2 className="mb-3 font-semibold">Summary</h2>
      {minutePrecision && (
        <p className="mb-2 text-xs text-amber-700">Timestamps of this run have minute precision: seconds are estimates.</p>
      )}
      <div className="grid gap-6 md:grid-cols-2">
        <SummaryTable title="LLM calls" groups={callGroups(spans, "llm")} keyLabel="Agent" tokens />
        <SummaryTable title="Tool calls" groups={callGroups(spans, "tool")} keyLabel="Tool" tokens={false} />
      </div>
    </section>
  );
}
