// /experiments: every experiment, newest first, with how far its reruns have got.
import Link from "next/link";
import { connection } from "next/server";
import { readDb } from "@/lib/db/read-your-writes";
import { requireReader } from "@/lib/auth/session";
import { listExperiments } from "@/lib/experiments/queries";
import { formatUsd } from "@/lib/costs/money";

export default async function ExperimentsPage() {
  await connection();
  await requireReader("/experiments");
  const rows = await listExperiments(await readDb());
  return (
    <div className="space-y-3">
      <h1 className="text-lg font-semibold">Experiments</h1>
      <p className="text-sm text-slate-600">
        An experiment reruns past runs with another agent setup and shows what changed. Start one from the{" "}
        <Link href="/" className="text-sky-700 underline">
          history
        </Link>
        : filter or tick runs, then “Rerun these…”.
      </p>
      {rows.length === 0 ? (
        <p
          className="rounded border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500"
          data-testid="experiments-empty"
        >
          No experiments yet.
        </p>
      ) : (
        <table className="w-full rounded border border-slate-200 bg-white text-sm" data-testid="experiments-table">
          <thead className="border-b border-slate-200 bg-slate-50 text-left text-[11px] uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-2 py-2">Name</th>
              <th className="px-2">Setup</th>
              <th className="px-2 text-right">Runs</th>
              <th className="px-2">Progress</th>
              <th className="px-2 text-right">Estimate</th>
              <th className="px-2">Started by</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((e) => (
              <tr key={e.id} data-testid="experiment-row">
                <td className="px-2 py-1.5">
                  <Link href={`/experiments/${e.id}`} className="text-sky-700 hover:underline">
                    {e.name}
                  </Link>
                </td>
                <td className="px-2 font-mono text-xs">{e.setup}</td>
                <td className="px-2 text-right tabular-nums">{e.runCount}</td>
                <td className="px-2 text-xs tabular-nums">
                  {e.done} done · {e.failed} failed · {e.running} running · {e.queued} queued
                </td>
                <td className="px-2 text-right tabular-nums">
                  {e.estimateUsd === null ? "no price" : `${formatUsd(e.estimateUsd)}${e.estimatePartial ? " (partial)" : ""}`}
                </td>
                <td className="px-2 text-xs text-slate-600">
                  {e.createdByLabel}, {e.createdAt.toISOString().slice(0, 16).replace("T", " ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
