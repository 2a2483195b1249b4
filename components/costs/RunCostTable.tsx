"use client";
// The run's cost in money per agent and model, for the run page's cost tab (mounted by components/run/RunExplorer.tsx).
// Reloads when the run's spans change (`version`). Models without a price say so instead of costing 0.
import { useEffect, useState } from "react";
import { formatCost, formatUsd } from "@/lib/costs/money";
import type { RunCost } from "@/lib/costs/run-cost";
import { formatCount } from "@/lib/format";

/** Token columns from sm up: on a phone the table keeps agent, model, calls and money, and nothing runs off the side. */
const TOKENS = "hidden text-right sm:table-cell";

export function RunCostTable({ jobId, version }: { jobId: string; version: string }) {
  const [cost, setCost] = useState<RunCost | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    fetch(`/api/jobs/${jobId}/cost`, { signal: ctl.signal })
      .then(async (res) => (res.ok ? setCost((await res.json()) as RunCost) : setProblem(`${res.status} ${res.statusText}`)))
      .catch((e: unknown) => !ctl.signal.aborted && setProblem(e instanceof Error ? e.message : String(e)));
    return () => ctl.abort();
  }, [jobId, version]);
  return (
    <section className="space-y-2 rounded border border-slate-200 bg-white p-4" data-testid="run-cost">
      <h3 className="text-sm font-semibold">
        Cost in money: <span data-testid="run-cost-total">{cost ? formatCost(cost.total) : "…"}</span>
      </h3>
      {problem && <p className="text-xs text-red-700">Could not load the cost: {problem}</p>}
      {cost && cost.rows.length === 0 && <p className="text-xs text-slate-500">No call of this run spent tokens (a replay spends none).</p>}
      {cost && cost.rows.length > 0 && (
        <table className="w-full text-sm tabular-nums">
          <thead className="text-left text-[11px] uppercase tracking-wide text-slate-500">
            <tr>
              <th>Agent</th>
              <th>Model</th>
              <th className="text-right">Calls</th>
              <th className={TOKENS}>Input</th>
              <th className={TOKENS}>Output</th>
              <th className={TOKENS}>Thinking</th>
              <th className="text-right">USD</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {cost.rows.map((r) => (
              <tr key={`${r.agent}\u0000${r.model}`}>
                <td>{r.agent}</td>
                <td className="font-mono text-xs">{r.model ?? "—"}</td>
                <td className="text-right">{formatCount(r.calls)}</td>
                <td className={TOKENS}>{formatCount(r.inputTokens)}</td>
                <td className={TOKENS}>{formatCount(r.outputTokens)}</td>
                <td className={TOKENS}>{formatCount(r.thoughtsTokens)}</td>
                <td className="text-right">
                  {r.usd === null ? (
                    <span className="text-amber-700">no price</span>
                  ) : r.unpriced > 0 ? (
                    `${formatUsd(r.usd)} (partial)`
                  ) : (
                    formatUsd(r.usd)
                  )}
                </td>
              </tr>
            ))}
            {cost.rest && (
              <tr data-testid="run-cost-rest" className="text-slate-600">
                <td colSpan={2}>{formatCount(cost.rest.groups)} more agent and model pairs, summed</td>
                <td className="text-right">{formatCount(cost.rest.calls)}</td>
                <td className={TOKENS}>{formatCount(cost.rest.inputTokens)}</td>
                <td className={TOKENS}>{formatCount(cost.rest.outputTokens)}</td>
                <td className={TOKENS}>{formatCount(cost.rest.thoughtsTokens)}</td>
                <td className="text-right">{formatCost(cost.rest)}</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <p className="text-xs text-slate-500">
        Tokens × the model&apos;s list price in effect when each call started (admins keep the prices at /admin).
      </p>
    </section>
  );
}
