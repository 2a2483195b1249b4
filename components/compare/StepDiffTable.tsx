// The two trajectories aligned step by step; changed steps open to a line diff of their Args, Results and Error.
import type { StepRow } from "@/lib/compare/align";
import type { ComparedRun } from "@/lib/compare/runs";

type Step = ComparedRun["spans"][number];

const STATUS_STYLE = {
  same: "",
  changed: "bg-amber-50",
  "only-a": "bg-red-50",
  "only-b": "bg-emerald-50",
} as const;

function Cell({ s }: { s: Step | null }) {
  if (!s) return <td className="px-2 py-1 text-slate-300">—</td>;
  return (
    <td className="px-2 py-1">
      <span className="font-mono text-xs text-slate-400">{s.seq} </span>
      <span className="text-xs text-slate-500">{s.type} </span>
      <span className="font-medium">{s.name}</span>
      {s.error && <span className="ml-1 rounded bg-red-100 px-1 text-xs text-red-800">error</span>}
    </td>
  );
}

export function StepDiffTable({ steps }: { steps: StepRow<Step>[] }) {
  const changed = steps.filter((s) => s.status !== "same").length;
  return (
    <section className="rounded border border-slate-200 bg-white p-4">
      <h2 className="mb-2 font-semibold">
        Steps <span className="text-sm font-normal text-slate-500">({changed} of {steps.length} differ)</span>
      </h2>
      <table className="w-full table-fixed text-sm" data-testid="compare-steps">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="px-2 py-1">A</th>
            <th className="px-2 py-1">B</th>
            <th className="w-24 px-2 py-1">change</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {steps.map((row, i) => (
            <tr key={i} className={STATUS_STYLE[row.status]} data-status={row.status}>
              <Cell s={row.a} />
              <Cell s={row.b} />
              <td className="px-2 py-1 text-xs">
                {row.status === "changed" && row.diff ? (
                  <details>
                    <summary className="cursor-pointer text-amber-800">payload differs</summary>
                    <pre className="mt-1 max-h-96 w-[min(60vw,48rem)] overflow-auto rounded border border-slate-200 bg-white p-2 font-mono text-xs" data-testid="step-diff">
                      {row.diff.map((p, j) => (
                        <span key={j} className={p.added ? "bg-emerald-100 text-emerald-900" : p.removed ? "bg-red-100 text-red-900" : "text-slate-600"}>
                          {p.value
                            .replace(/\n$/, "")
                            .split("\n")
                            .map((l) => `${p.added ? "+" : p.removed ? "-" : " "} ${l}`)
                            .join("\n") + "\n"}
                        </span>
                      ))}
                    </pre>
                  </details>
                ) : (
                  <span className="text-slate-400">{row.status === "same" ? "" : row.status === "only-a" ? "only in A" : "only in B"}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
