// The run's verdict: typed results (yes/no, chips, text, JSON), or the error of a failed run.
import { verdictFields, type VerdictField } from "@/lib/trajectory/verdict";

function Value({ field }: { field: VerdictField }) {
  switch (field.kind) {
    case "bool":
      return (
        <span
          className={`inline-flex rounded px-2 py-0.5 text-sm font-semibold ${field.value ? "bg-emerald-600 text-white" : "bg-slate-600 text-white"}`}
          data-verdict={field.value ? "yes" : "no"}
        >
          {field.value ? "yes" : "no"}
        </span>
      );
    case "list":
      return field.value.length === 0 ? (
        <span className="text-sm text-slate-400">none</span>
      ) : (
        <ul className="flex flex-wrap gap-1">
          {field.value.map((v, i) => (
            <li key={i} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800 ring-1 ring-slate-200">
              {v}
            </li>
          ))}
        </ul>
      );
    case "text":
      return <p className="whitespace-pre-wrap text-sm text-slate-800">{field.value}</p>;
    case "json":
      return <pre className="overflow-auto rounded bg-slate-50 p-2 font-mono text-xs">{JSON.stringify(field.value, null, 2)}</pre>;
  }
}

export function VerdictCard({ results, error }: { results: unknown; error: string | null }) {
  const fields = verdictFields(results);
  return (
    <section className="rounded border border-slate-200 bg-white p-4" data-testid="verdict">
      <h2 className="mb-3 font-semibold">Verdict</h2>
      {error && (
        <div className="mb-3 rounded border border-red-300 bg-red-50 p-3" data-testid="run-error">
          <div className="text-xs font-semibold uppercase text-red-700">Run failed</div>
          <pre className="whitespace-pre-wrap font-mono text-sm text-red-900">{error}</pre>
        </div>
      )}
      {fields.length === 0 ? (
        !error && <p className="text-sm text-slate-500">No results yet.</p>
      ) : (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2">
          {fields.map((f) => (
            <div key={f.name} className="contents" data-result={f.name}>
              <dt className="pt-0.5 text-sm font-medium text-slate-600">{f.name}</dt>
              <dd>
                <Value field={f} />
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
