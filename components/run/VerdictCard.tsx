// The run's verdict at a glance: for patch-triage a clear worth-fuzzing yes/no, KMSAN, symbols and configs as
// chips, the reasoning as text; for other workflows typed results; for a failed run its error instead.
import { PATCH_TRIAGE, verdictFields, type VerdictField } from "@/lib/trajectory/verdict";
import { CopyButton } from "@/components/run/CopyButton";

function YesNo({ value }: { value: boolean }) {
  return (
    <span
      className={`inline-flex rounded px-2 py-0.5 text-sm font-semibold ${value ? "bg-emerald-600 text-white" : "bg-slate-600 text-white"}`}
      data-verdict={value ? "yes" : "no"}
    >
      {value ? "yes" : "no"}
    </span>
  );
}

function Chips({ values, prefix = "" }: { values: string[]; prefix?: string }) {
  if (values.length === 0) return <span className="text-sm text-slate-400">none</span>;
  return (
    <ul className="flex flex-wrap gap-1">
      {values.map((v, i) => (
        <li key={i} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800 ring-1 ring-slate-200">
          {prefix && <span className="text-slate-400">{prefix}</span>}
          {v}
        </li>
      ))}
    </ul>
  );
}

function Value({ field }: { field: VerdictField }) {
  switch (field.kind) {
    case "bool":
      return <YesNo value={field.value} />;
    case "list":
      // Kernel configs come without their CONFIG_ prefix; a reader pastes them with it.
      return field.name === "EnableConfigs" ? (
        <div className="flex flex-wrap items-center gap-2">
          <Chips values={field.value} prefix="CONFIG_" />
          {field.value.length > 0 && <CopyButton text={field.value.map((c) => `CONFIG_${c}=y`).join("\n")} label="Copy as .config" />}
        </div>
      ) : (
        <Chips values={field.value} />
      );
    case "text":
      return <p className="whitespace-pre-wrap text-sm leading-6 text-slate-800">{field.value}</p>;
    case "json":
      return <pre className="overflow-auto rounded bg-slate-50 p-2 font-mono text-xs">{JSON.stringify(field.value, null, 2)}</pre>;
  }
}

/** The headline of a patch-triage verdict: worth fuzzing or not, in words and colour. */
function TriageHeadline({ worth, kmsan }: { worth: boolean; kmsan: boolean | undefined }) {
  return (
    <div
      className={`mb-3 flex flex-wrap items-center gap-3 rounded px-3 py-2 ${worth ? "bg-emerald-50 ring-1 ring-emerald-300" : "bg-slate-100 ring-1 ring-slate-300"}`}
      data-testid="verdict-headline"
    >
      <span className={`text-lg font-semibold ${worth ? "text-emerald-800" : "text-slate-700"}`}>{worth ? "Worth fuzzing" : "Not worth fuzzing"}</span>
      {kmsan !== undefined && (
        <span className={`rounded px-2 py-0.5 text-xs font-semibold ${kmsan ? "bg-amber-100 text-amber-900" : "bg-white text-slate-600 ring-1 ring-slate-300"}`}>
          {kmsan ? "needs KMSAN" : "no KMSAN needed"}
        </span>
      )}
    </div>
  );
}

interface Props {
  workflow: string;
  status: string;
  results: unknown;
  error: string | null;
}

export function VerdictCard({ workflow, status, results, error }: Props) {
  const fields = verdictFields(results);
  const worth = fields.find((f) => f.name === "WorthFuzzing");
  const kmsan = fields.find((f) => f.name === "NeedsKMSAN");
  const triage = (workflow === PATCH_TRIAGE || worth) && worth?.kind === "bool";
  return (
    <section className="rounded border border-slate-200 bg-white p-4" data-testid="verdict">
      <h2 className="mb-3 font-semibold">Verdict</h2>
      {error ? (
        <div className="rounded border-l-4 border-red-500 bg-red-50 p-3" data-testid="run-error">
          <div className="text-xs font-semibold uppercase tracking-wide text-red-700">Run failed — no verdict</div>
          <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words font-mono text-sm text-red-900">{error}</pre>
        </div>
      ) : fields.length === 0 ? (
        <p className="text-sm text-slate-500">{status === "running" || status === "pending" ? "The run is still going: no verdict yet." : "No results recorded."}</p>
      ) : (
        <>
          {triage && <TriageHeadline worth={worth.value as boolean} kmsan={kmsan?.kind === "bool" ? kmsan.value : undefined} />}
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2">
            {fields.map((f) => (
              <div key={f.name} className="contents" data-result={f.name}>
                <dt className="pt-0.5 text-sm font-medium text-slate-600">{f.name}</dt>
                <dd className="min-w-0">
                  <Value field={f} />
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}
