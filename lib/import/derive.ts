// Job fields every importer fills the same way from the flow span when the file itself lacks them.
import type { ImportedJobFields, Span } from "@/lib/trajectory/span";
import { printedText } from "@/lib/trajectory/printed";

/** The root flow span: the first Nesting-0 span of type "flow". */
export function flowSpan(spans: readonly Span[]): Span | undefined {
  return spans.find((s) => s.Nesting === 0 && s.Type === "flow");
}

// Job pages send Results as [] or {} for a job without results; those say nothing, so the flow's verdict fills in.
function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v as object).length === 0;
  return false;
}

/**
 * Fills what the file did not say: Workflow from the flow span's name, Results (the final
 * verdict) and Args (the inputs) from the flow span, Started/Finished/Error from the flow span.
 * Values the file gave are kept as they are.
 */
export function deriveJob(job: ImportedJobFields, spans: readonly Span[]): ImportedJobFields {
  const flow = flowSpan(spans);
  const out: ImportedJobFields = { ...job };
  if (!flow) return out;
  if (!out.Workflow && flow.Name) out.Workflow = flow.Name;
  // A text the dashboard printed ambiguously stays on its span: the job's results and inputs are values or nothing.
  if (isEmptyValue(out.Results) && !isEmptyValue(flow.Results) && printedText(flow.Results) === null) out.Results = flow.Results;
  if (isEmptyValue(out.Args) && !isEmptyValue(flow.Args) && printedText(flow.Args) === null) out.Args = flow.Args;
  if (!out.Started) out.Started = flow.Started;
  if (!out.Finished && flow.Finished) out.Finished = flow.Finished;
  if (!out.Error && flow.Error) out.Error = flow.Error;
  return out;
}
