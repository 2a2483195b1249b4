// The job's inputs (Args) as a key/value table.
import { resultsObject } from "@/lib/trajectory/verdict";

export function RunInputs({ args }: { args: unknown }) {
  const entries = Object.entries(resultsObject(args) ?? {});
  return (
    <section className="rounded border border-slate-200 bg-white p-4" data-testid="inputs">
      <h2 className="mb-3 font-semibold">Inputs</h2>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500">No inputs recorded.</p>
      ) : (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          {entries.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="font-medium text-slate-600">{k}</dt>
              <dd className="break-all font-mono text-xs leading-5">{typeof v === "string" ? v : JSON.stringify(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
