// Stand-in for the syzkaller dashboard's job page writer (GET /ai_job?id=…&json=1), which the tests cannot reach: it
// writes a run as dashboard/app/ai.go does (uiAIJobDetails: makeUIAIJob, makeUIAITrajectory with fmt.Sprint'ed
// Args/Results, formatUIJobArgs, PopulateToolCalls, sanitizeUIJobs for non-admins), encoded as json.MarshalIndent
// with tabs, HTML escaping and no trailing newline. Also the standalone HTML report (RenderReport: 2-space JSON).
import { goSprint } from "@/lib/import/go-printed";
import { mergeSpanCopies } from "@/lib/import/merge";
import type { ImportedRun, Span } from "@/lib/trajectory/span";
import { formatTimestampNs, parseTimestampNs } from "@/lib/trajectory/time";

const ZERO_TIME = "0001-01-01T00:00:00Z";
const PLACEHOLDER = "log-in to see details";

/** A time as Go's RFC3339Nano writes it (trailing zeros of the fraction dropped). */
function goTime(t: string | undefined): string {
  if (!t) return ZERO_TIME;
  return formatTimestampNs(parseTimestampNs(t)!);
}

function durationNs(s: Span): number {
  if (!s.Finished) return 0;
  return Number(parseTimestampNs(s.Finished)! - parseTimestampNs(s.Started)!);
}

/** encoding/json's HTML escaping, which MarshalIndent applies. */
function goJson(v: unknown, indent: string): string {
  return JSON.stringify(v, null, indent).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function uiSpans(spans: Span[], show: (v: unknown) => string): Record<string, unknown>[] {
  const pending = new Map<number, string[]>();
  return mergeSpanCopies(spans).map((s) => {
    let toolCalls: string[] | null = null;
    // PopulateToolCalls: tools before an llm span at the same nesting become its ToolCalls.
    if (s.Type === "tool") pending.set(s.Nesting, [...(pending.get(s.Nesting) ?? []), s.Name]);
    if (s.Type === "llm" && (pending.get(s.Nesting)?.length ?? 0) > 0) {
      toolCalls = pending.get(s.Nesting)!;
      pending.delete(s.Nesting);
    }
    return {
      Started: goTime(s.Started),
      Seq: s.Seq,
      Nesting: s.Nesting,
      Type: s.Type,
      Name: s.Name,
      Model: s.Model ?? "",
      Duration: durationNs(s),
      Error: s.Error ?? "",
      Args: s.Args === undefined ? "" : show(s.Args),
      Results: s.Results === undefined ? "" : show(s.Results),
      Instruction: s.Instruction ?? "",
      Prompt: s.Prompt ?? "",
      Reply: s.Reply ?? "",
      Thoughts: s.Thoughts ?? "",
      InputTokens: s.InputTokens ?? 0,
      OutputTokens: s.OutputTokens ?? 0,
      OutputThoughtsTokens: s.OutputThoughtsTokens ?? 0,
      ToolCalls: toolCalls,
    };
  });
}

export interface PageOptions {
  id: string;
  /** the reviewer's mark (Correct column): null = not reviewed */
  correct?: boolean | null;
  /** an admin sees errors; anyone else gets the placeholder */
  admin?: boolean;
}

/** The job page JSON of `run` as the dashboard writes it. */
export function dashboardJobPage(run: ImportedRun, opts: PageOptions): string {
  const { job } = run;
  const flow = run.spans.find((s) => s.Nesting === 0 && s.Type === "flow");
  const started = job.Started ?? flow?.Started;
  const finished = job.Finished ?? (flow?.Finished && flow.Finished);
  const error = job.Error ?? "";
  const resultsMap = (error ? undefined : (job.Results ?? flow?.Results)) as Record<string, unknown> | undefined;
  const results = resultsMap
    ? Object.entries(resultsMap)
        .map(([Name, Value]) => ({ Name, IsBool: typeof Value === "boolean", Value }))
        .sort((a, b) => (a.IsBool !== b.IsBool ? (a.IsBool ? -1 : 1) : a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
    : null;
  let correct = "❌";
  let title = "Incorrect";
  if (!started) [correct, title] = ["⏳", "Job is pending"];
  else if (!finished) [correct, title] = ["🏃", "Job is running"];
  else if (error) [correct, title] = ["💥", "Job failed with an error"];
  else if (opts.correct === null || opts.correct === undefined) [correct, title] = ["❓", "Not yet reviewed"];
  else if (opts.correct) [correct, title] = ["✅", "Correct"];
  const admin = opts.admin ?? true;
  const uiJob = {
    ID: opts.id,
    Link: `/ai_job?id=${opts.id}`,
    Workflow: job.Workflow ?? "",
    Description: job.Description || "---",
    DescriptionLink: job.Link ?? "",
    ExternalBugID: job.ExternalBugID ?? "",
    AgentName: job.AgentName ?? "",
    Created: goTime(job.Created ?? started),
    Started: goTime(started),
    Finished: goTime(finished),
    CodeRevision: job.CodeRevision ?? "",
    CodeRevisionLink: job.CodeRevision ? `https://github.com/google/syzkaller/commits/${job.CodeRevision}` : "",
    Error: error && !admin ? PLACEHOLDER : error,
    ErrorSummary: error && !admin ? "" : error.length <= 200 ? error : `${error.slice(0, 200)}...`,
    Correct: correct,
    CorrectTitle: title,
    Results: results,
    IsCurrent: true,
    CanTestOnManager:
      job.Workflow === "repro-c" && !error && Boolean(finished) && typeof resultsMap?.ReproC === "string" && resultsMap.ReproC !== "",
  };
  const trajectory = uiSpans(run.spans, goSprint).map((s) => (!admin && s.Error ? { ...s, Error: PLACEHOLDER } : s));
  const args = job.Args
    ? Object.entries(job.Args as Record<string, unknown>)
        .map(([Key, v]) => {
          const Value = goSprint(v);
          return { Key, Value, Large: Buffer.byteLength(Value) > 100 || Value.includes("\n") };
        })
        .sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0))
    : null;
  return goJson({ Job: uiJob, Trajectory: trajectory.length ? trajectory : null, Args: args }, "\t");
}

/** The standalone HTML report of `run` (pkg/aflow/trajectory/html RenderReport: Args/Results as 2-space JSON). */
export function standaloneReport(run: ImportedRun): string {
  const spans = uiSpans(run.spans, (v) => JSON.stringify(v, null, 2));
  return `<!doctype html><html><head><title>AI Trajectory</title></head><body>
<div id="charts"></div>
<script>
		function drawCharts() {
			const rawData = ${goJson(spans, "")};
			if (!rawData || rawData.length === 0) return;
		}
</script></body></html>`;
}
