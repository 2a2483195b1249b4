// Every rerun of an experiment as a list: its state, its verdict against the original's, why it failed, and links to
// the rerun, the comparison and the history. Used by ExperimentView.
import Link from "next/link";
import type { RerunEntry } from "@/lib/experiments/view";

const STATE_STYLE: Record<RerunEntry["state"], string> = {
  failed: "bg-red-50 text-red-800 ring-red-300",
  running: "bg-sky-50 text-sky-800 ring-sky-300",
  queued: "bg-slate-100 text-slate-700 ring-slate-300",
  done: "bg-emerald-50 text-emerald-800 ring-emerald-300",
};

const yesNo = (v: boolean | null) => (v === null ? "—" : v ? "yes" : "no");

/** Every rerun of the experiment, failed first: its state, verdict against the original's, why it failed, and links. */
export function RerunList({ experimentId, reruns }: { experimentId: string; reruns: RerunEntry[] }) {
  return (
    <section className="rounded border border-slate-200 bg-white p-3" data-testid="experiment-reruns">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold">Reruns ({reruns.length})</h2>
        <Link href={`/?experiment=${experimentId}`} className="text-xs text-sky-700 hover:underline" data-testid="experiment-history">
          Show them in the history
        </Link>
      </div>
      {reruns.length === 0 ? (
        <p className="text-xs text-slate-500">No reruns.</p>
      ) : (
        // Below sm each rerun is a stacked card (the run on its own line, then status, verdicts and Compare wrapping
        // beneath), so a phone reads it without sideways scrolling; from sm up, a table.
        <div className="max-h-[32rem] overflow-y-auto sm:overflow-x-auto">
          <table className="block w-full text-sm sm:table">
            <thead className="sticky top-0 hidden bg-white text-left text-[11px] uppercase text-slate-500 sm:table-header-group">
              <tr>
                <th className="py-1 pr-2 font-medium">run</th>
                <th className="px-2 font-medium">status</th>
                <th className="px-2 font-medium">verdict</th>
                <th className="px-2 font-medium">original</th>
                <th className="px-2 font-medium">reason</th>
                <th className="px-2" />
              </tr>
            </thead>
            <tbody className="block divide-y divide-slate-100 sm:table-row-group">
              {reruns.map((r) => (
                <tr
                  key={r.rerunId}
                  data-testid="rerun-row"
                  data-state={r.state}
                  className="flex flex-wrap items-center gap-x-3 gap-y-1 py-1.5 sm:table-row sm:py-0"
                >
                  <td className="block w-full min-w-0 wrap-anywhere sm:table-cell sm:w-auto sm:py-1 sm:pr-2">
                    <Link href={`/jobs/${r.rerunId}`} className="text-sky-700 hover:underline">
                      {r.description || r.rerunId.slice(0, 8)}
                    </Link>
                    <span className="ml-2 text-xs text-slate-500">{r.workflow}</span>
                  </td>
                  <td className="block sm:table-cell sm:px-2">
                    <span className={`rounded px-1.5 py-0.5 text-xs ring-1 ${STATE_STYLE[r.state]}`}>{r.status}</span>
                  </td>
                  <td
                    className={`block text-xs sm:table-cell sm:px-2 ${r.verdict !== null && r.verdict !== r.originalVerdict ? "font-semibold text-amber-800" : ""}`}
                  >
                    <span className="font-normal text-slate-500 sm:hidden">verdict </span>
                    {yesNo(r.verdict)}
                  </td>
                  <td className="block text-xs sm:table-cell sm:px-2">
                    <span className="text-slate-500 sm:hidden">original </span>
                    {yesNo(r.originalVerdict)}
                  </td>
                  <td
                    className={`order-last w-full text-xs text-red-800 wrap-anywhere sm:table-cell sm:w-auto sm:max-w-[28rem] sm:px-2 ${r.error ? "block" : "hidden"}`}
                    data-testid="rerun-error"
                  >
                    {r.error}
                  </td>
                  <td className="ml-auto block whitespace-nowrap text-right text-xs sm:table-cell sm:px-2">
                    <Link href={`/compare?a=${r.originalId}&b=${r.rerunId}`} className="text-sky-700 hover:underline">
                      Compare
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
