// Shape 2: a job page's JSON, { Job, Trajectory, Args }, as the dashboard writes it for /ai_job?id=…&json=1
// (dashboard/app/ai.go handleAIJobPage → uiAIJobDetails: MarshalIndent with tabs, no trailing newline).
import { importedJobSchema, type ImportedJobFields, type ImportedRun, type Span } from "@/lib/trajectory/span";
import { FIELDS } from "@/lib/workflows/fields";
import { deriveJob, flowSpan } from "./derive";
import { displaySpanToRaw, type DisplayReadNotes } from "./display-span";
import { ImportError } from "./errors";
import { goSprint, readGoPrinted, TooManyValues } from "./go-printed";
import { keepPrinted } from "@/lib/trajectory/printed";
import { spansFromRaw } from "./merge";
import { HIDDEN_ERROR_NOTE, isHiddenError } from "./redaction";
import { parseTimestampNs } from "@/lib/trajectory/time";
import { makeStorable } from "@/lib/trajectory/storable";
import { setOwn } from "@/lib/text/own-key";

const STRING_FIELDS = [
  "ID",
  "Workflow",
  "Type",
  "Description",
  "AgentName",
  "CodeRevision",
  "CodeRevisionLink",
  "ExternalBugID",
  "Error",
] as const;
const TIME_FIELDS = ["Created", "Started", "Finished"] as const;

// Go's zero time.Time; on a job it means "not set", unlike on spans where it is test data.
const GO_ZERO_TIME_NS = parseTimestampNs("0001-01-01T00:00:00Z");

/** The page's own address, uiAIJob.Link = "/ai_job?id=<id>": the dashboard job page, not the job's link. */
const JOB_PAGE_LINK = /^\/ai_job\?id=/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True for a parsed JSON value that is a job page (an object holding a Trajectory). */
export function isJobPage(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && "Trajectory" in v;
}

/**
 * The reviewer's mark and what it says about the job. The dashboard writes an emoji (ai.go makeUIAIJob): ✅ correct,
 * ❌ incorrect; ❓ not reviewed, ⏳ pending, 🏃 running, 💥 failed are all "no mark". Other exporters use booleans
 * or words. Emoji are compared without a variation selector (U+FE0F), which the dashboard does not write but an
 * editor may add.
 */
function correctMark(v: unknown): { correct?: boolean | null; failed?: boolean } {
  if (typeof v === "boolean" || v === null) return { correct: v };
  if (typeof v !== "string") return {};
  const s = v.replaceAll("\uFE0F", "").trim().toLowerCase();
  if (s === "✅" || s === "correct" || s === "true") return { correct: true };
  if (s === "❌" || s === "incorrect" || s === "false") return { correct: false };
  return { correct: null, failed: s === "💥" };
}

/** Results as an object: the page lists them as [{Name, IsBool, Value}] (bools first, then by name). */
function resultsValue(file: string, v: unknown): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (isRecord(v)) return v;
  if (!Array.isArray(v)) throw new ImportError(file, `job field "Results" is neither a list of {Name, Value} items nor an object`);
  const out: Record<string, unknown> = {};
  v.forEach((item, i) => {
    if (!isRecord(item) || typeof item.Name !== "string") throw new ImportError(file, `job "Results" item #${i + 1} has no string "Name"`);
    setOwn(out, item.Name, item.Value ?? null);
  });
  return Object.keys(out).length ? out : undefined;
}

/**
 * One Args item's value. The page prints each arg with fmt's %v (ai.go formatUIJobArgs), so a string arg is its
 * own text, exactly; args the workflows declare as something else (a bool, a list, a struct; lib/workflows/fields)
 * are read from that text, or kept as printed when the text does not allow one reading. Args nobody declares
 * (the dashboard's stored ids, ReproSyzID and the like) stay the text they were printed as.
 */
function argValue(file: string, key: string, value: string): unknown {
  const kind = Object.hasOwn(FIELDS, key) ? FIELDS[key]!.kind : null;
  if (kind === null || ["text", "line", "code", "diff", "folded"].includes(kind)) return value;
  let reading: ReturnType<typeof readGoPrinted>;
  try {
    reading = readGoPrinted(value);
  } catch (e) {
    if (e instanceof TooManyValues)
      throw new ImportError(file, `"Args" item ${JSON.stringify(key.slice(0, 40))}: ${e.message}`, "TooLarge");
    throw e;
  }
  return reading.ok ? reading.value : keepPrinted(value);
}

/** The page's Args list [{Key, Value, Large}] as the job's inputs object. */
function argsObject(file: string, rawArgs: unknown): Record<string, unknown> | undefined {
  if (rawArgs === undefined || rawArgs === null) return undefined;
  if (!Array.isArray(rawArgs)) throw new ImportError(file, `"Args" is not a list of {Key, Value} items`);
  const out: Record<string, unknown> = {};
  rawArgs.forEach((item, i) => {
    if (!isRecord(item) || typeof item.Key !== "string") {
      throw new ImportError(file, `"Args" item #${i + 1} has no string "Key"`);
    }
    const v = item.Value ?? "";
    setOwn(out, item.Key, typeof v === "string" ? argValue(file, item.Key, v) : v);
  });
  return Object.keys(out).length ? out : undefined;
}

function jobFields(file: string, rawJob: unknown, rawArgs: unknown, printed: boolean): ImportedJobFields {
  if (rawJob !== undefined && rawJob !== null && !isRecord(rawJob)) {
    throw new ImportError(file, `"Job" is not an object`);
  }
  const j = rawJob ?? {};
  const out: Record<string, unknown> = {};
  for (const k of STRING_FIELDS) {
    const v = j[k];
    if (typeof v === "string" && v !== "") out[k] = v;
    else if (typeof v === "number" && k === "ID") out[k] = String(v);
  }
  // The page writes "---" for a job without a description.
  if (out.Description === "---") delete out.Description;
  // Link is the page itself on the dashboard, DescriptionLink the job's link (a bug page); other exporters put the
  // job's link in Link.
  const link = typeof j.Link === "string" ? j.Link : "";
  if (JOB_PAGE_LINK.test(link)) out.DashboardLink = link;
  else if (link) out.Link = link;
  if (typeof j.DescriptionLink === "string" && j.DescriptionLink !== "") out.Link = j.DescriptionLink;
  for (const k of TIME_FIELDS) {
    const v = j[k];
    if (typeof v !== "string" || v === "") continue;
    const ns = parseTimestampNs(v);
    if (ns === null) throw new ImportError(file, `job field "${k}" is not an RFC 3339 timestamp: ${JSON.stringify(v).slice(0, 60)}`);
    if (ns !== GO_ZERO_TIME_NS) out[k] = v;
  }
  const results = resultsValue(file, j.Results);
  if (results) out.Results = results;
  if (j.Args !== undefined && j.Args !== null) out.Args = j.Args;
  const mark = correctMark(j.Correct);
  if (mark.correct !== undefined) out.Correct = mark.correct;
  // A hidden error (every reader who is not an admin) is no error text: the job failed, for a reason not shown.
  if (isHiddenError(out.Error) || (mark.failed && !out.Error)) {
    out.Error = HIDDEN_ERROR_NOTE;
    out.ErrorRedacted = true;
  }
  if (out.Args === undefined) {
    const args = argsObject(file, rawArgs);
    if (args) out.Args = args;
  }
  if (printed || Array.isArray(rawArgs)) out.ValuesPrinted = true;
  const storable = makeStorable(out);
  if (!storable.ok) throw new ImportError(file, `job field "${storable.problem.path}": ${storable.problem.reason}`);
  const parsed = importedJobSchema.safeParse(storable.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImportError(file, `job field "${issue?.path.join(".") ?? "?"}": ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/**
 * The flow span's Results are the job's Results printed (the flow outputs are what ai_job_done reports). When the
 * printed text is exactly the job's JSON Results printed the Go way, the flow span gets that JSON: an exact copy
 * instead of a reading of text (or a kept text).
 */
function exactFlowResults(spans: Span[], rawTrajectory: unknown[], results: unknown): void {
  const flow = flowSpan(spans);
  if (!flow || !isRecord(results)) return;
  const raw = rawTrajectory.find((s) => isRecord(s) && s.Seq === flow.Seq && typeof s.Results === "string" && s.Results !== "");
  if (isRecord(raw) && raw.Results === goSprint(results)) flow.Results = results;
}

/** `data` is the parsed JSON object; a job without spans yet (Trajectory null or []) is accepted. */
export function parseJobPage(file: string, data: unknown): ImportedRun {
  if (!isJobPage(data)) throw new ImportError(file, `expected an object with "Job" and "Trajectory"`);
  const traj = data.Trajectory ?? [];
  if (!Array.isArray(traj)) throw new ImportError(file, `"Trajectory" is not a list of spans`);
  const notes: DisplayReadNotes = { printed: false };
  const raws = traj.map((item, i) => displaySpanToRaw(file, item, i, notes));
  const spans = spansFromRaw(file, raws);
  const fields = jobFields(file, data.Job, data.Args, notes.printed);
  exactFlowResults(spans, traj, fields.Results);
  const job = deriveJob(fields, spans);
  return { job, spans, source: "job-page", minutePrecision: false };
}
