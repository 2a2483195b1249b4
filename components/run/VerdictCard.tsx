// The run's verdict at a glance, as its workflow words it (lib/workflows): the main answer as a headline ("Worth
// fuzzing", "Exploitable", "Patch produced"), the other yes/no flags as chips, then every result in the workflow's
// order shown for what it is. A failed run shows its error (or that the dashboard hid it); partial results still show.
import { More } from "@/components/workflows/FieldValue";
import { FieldList } from "@/components/workflows/FieldList";
import { headItems, headText, unreadCount } from "@/lib/text/budget";
import { DISPLAY_MAX_CHARS, DISPLAY_MAX_FIELDS } from "@/lib/limits";
import { workflowSpec } from "@/lib/workflows/catalog";
import { mainVerdict, resultFields, type MainVerdict, type ShownField } from "@/lib/workflows/verdict";

const TONE = {
  good: { box: "bg-emerald-50 ring-emerald-300", text: "text-emerald-800" },
  bad: { box: "bg-red-50 ring-red-300", text: "text-red-800" },
  neutral: { box: "bg-slate-100 ring-slate-300", text: "text-slate-700" },
} as const;

function Headline({ verdict, flags }: { verdict: MainVerdict; flags: ShownField[] }) {
  const tone = TONE[verdict.tone];
  return (
    <div
      className={`mb-3 rounded px-3 py-2 ring-1 ${tone.box}`}
      data-testid="verdict-headline"
      data-field={verdict.field}
      data-verdict={verdict.value ? "yes" : "no"}
    >
      <div className="flex flex-wrap items-center gap-3">
        <span className={`text-lg font-semibold ${tone.text}`}>{verdict.text.charAt(0).toUpperCase() + verdict.text.slice(1)}</span>
        <span className="font-mono text-xs text-slate-500">
          {verdict.field}
          {verdict.field === "PatchDiff" ? "" : `: ${verdict.value}`}
        </span>
      </div>
      {flags.length > 0 && (
        <ul className="mt-2 flex flex-wrap gap-1.5" data-testid="verdict-flags">
          {flags.map((f) => (
            <li
              key={f.spec.name}
              title={f.spec.hint}
              data-flag={f.spec.name}
              data-verdict={f.value ? "yes" : "no"}
              className={`rounded px-2 py-0.5 text-xs font-medium ${f.value ? "bg-amber-100 text-amber-900 ring-1 ring-amber-300" : "bg-white text-slate-500 ring-1 ring-slate-200 line-through decoration-slate-300"}`}
            >
              {f.value ? "✓ " : ""}
              {f.spec.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function RunError({ error, redacted }: { error: string; redacted: boolean }) {
  if (redacted) {
    return (
      <div className="rounded border-l-4 border-amber-500 bg-amber-50 p-3" data-testid="run-error" data-redacted>
        <div className="text-xs font-semibold uppercase tracking-wide text-amber-800">Run failed — error hidden by the dashboard</div>
        <p className="mt-1 text-sm text-amber-900">
          The job page was saved by a reader who is not a dashboard admin, so the dashboard left the error out. The run failed; why is not
          known here.
        </p>
      </div>
    );
  }
  return (
    <div className="rounded border-l-4 border-red-500 bg-red-50 p-3" data-testid="run-error">
      <div className="text-xs font-semibold uppercase tracking-wide text-red-700">Run failed — no verdict</div>
      <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap wrap-anywhere font-mono text-sm text-red-900">{error}</pre>
    </div>
  );
}

interface Props {
  workflow: string;
  /** the job's workflow type when known (agent protocol), else the name decides */
  workflowType?: string | null;
  status: string;
  results: unknown;
  error: string | null;
  /** the dashboard hid the error (jobs.error_redacted) */
  errorRedacted?: boolean;
  /** where the whole stored results can be read, linked from every cut value */
  rawHref?: string;
  /** an OpenTelemetry trace (no workflow results): its final llm step's seq (null when it has none) */
  otlp?: { finalLlmSeq: number | null };
}

/** What an OpenTelemetry run has instead of results: the model's last output, one click away. Nothing failed. */
function OtlpOutput({ finalLlmSeq }: { finalLlmSeq: number | null }) {
  return (
    <p className="text-sm text-slate-600" data-testid="otlp-output">
      This run came over OpenTelemetry: a trace carries no workflow results, so there is no verdict.{" "}
      {finalLlmSeq === null ? (
        "Its output is in its steps below."
      ) : (
        <>
          Its output is the model&apos;s last reply:{" "}
          <a href={`#span-${finalLlmSeq}`} className="text-sky-700 underline" data-testid="otlp-final-output">
            jump to the final LLM output
          </a>
          .
        </>
      )}
    </p>
  );
}

export function VerdictCard({ workflow, workflowType, status, results, error, errorRedacted = false, rawHref, otlp }: Props) {
  const spec = workflowSpec(workflow, workflowType);
  const verdict = mainVerdict(workflow, results, workflowType);
  const { fields, missing } = resultFields(workflow, results, workflowType);
  // With a headline, the other yes/no fields become its chips and a yes/no main field is not repeated below (a
  // PatchDiff main field is: the diff itself is the result).
  const flags = verdict
    ? fields.filter((f) => f.spec.kind === "bool" && typeof f.value === "boolean" && f.spec.name !== verdict.field)
    : [];
  const all = verdict ? fields.filter((f) => !flags.includes(f) && !(f.spec.name === verdict.field && f.spec.kind === "bool")) : fields;
  // Results with thousands of keys show the first fields (lib/limits.ts DISPLAY_MAX_FIELDS) and say how many more,
  // counting those not read (lib/runs/stored-json.ts reads an object's first members).
  const { items: rest, more } = headItems(all, DISPLAY_MAX_FIELDS);
  const moreFields = more + unreadCount(results);
  return (
    // Collapsible (a native <details>: no script), so a reader who knows the verdict gives the trajectory the screen.
    <details
      open
      className="group/verdict min-w-0 rounded border border-slate-200 bg-white"
      data-testid="verdict"
      data-workflow={spec?.type ?? "generic"}
    >
      <summary className="flex cursor-pointer items-baseline gap-2 px-4 py-2" title={spec?.summary} data-testid="verdict-toggle">
        <span aria-hidden className="chevron inline-block text-[10px] text-slate-500 transition-transform">
          ▶
        </span>
        <h2 className="font-semibold">Verdict</h2>
        {spec && <span className="truncate text-xs font-normal text-slate-500">{spec.summary}</span>}
        {spec?.source && (
          <span className="ml-2 text-xs font-normal italic text-slate-400" data-testid="workflow-source">
            described by {spec.source}
          </span>
        )}
      </summary>
      {/* The body scrolls inside a bounded height, so a long Reasoning never pushes the tree below the fold. */}
      <div className="max-h-64 overflow-auto px-4 pb-3" tabIndex={0} aria-label="Verdict" role="region">
        {error && <RunError error={headText(error, DISPLAY_MAX_CHARS).text} redacted={errorRedacted} />}
        {fields.length === 0 ? (
          !error &&
          (otlp && status !== "running" && status !== "pending" ? (
            <OtlpOutput finalLlmSeq={otlp.finalLlmSeq} />
          ) : (
            <p className="text-sm text-slate-500">
              {status === "running" || status === "pending" ? "The run is still going: no verdict yet." : "No results recorded."}
            </p>
          ))
        ) : (
          <div className={error ? "mt-3" : ""}>
            {verdict && <Headline verdict={verdict} flags={flags} />}
            {spec && !verdict && (
              <p className="mb-2 text-sm text-amber-800" data-testid="no-main-verdict">
                No {spec.main.field} in these results: no verdict.
              </p>
            )}
            <FieldList fields={rest} kind="results" rawHref={rawHref} />
            <More count={moreFields} unit="fields" rawHref={rawHref} />
            {missing.length > 0 && (
              <p className="mt-2 text-xs text-slate-500" data-testid="missing-results">
                Not in the results: {missing.join(", ")}
              </p>
            )}
          </div>
        )}
      </div>
    </details>
  );
}
