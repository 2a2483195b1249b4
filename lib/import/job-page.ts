// Shape 2: a job page's JSON, { Job, Trajectory, Args }, with display spans and the job's fields.
import { importedJobSchema, type ImportedJobFields, type ImportedRun } from "@/lib/trajectory/span";
import { deriveJob } from "./derive";
import { displaySpanToRaw } from "./display-span";
import { ImportError } from "./errors";
import { spansFromRaw } from "./merge";
import { parseTimestampNs } from "@/lib/trajectory/time";
import { makeStorable } from "@/lib/trajectory/storable";

const STRING_FIELDS = ["ID", "Workflow", "Type", "Description", "Link", "AgentName", "CodeRevision", "Error"] as const;
const TIME_FIELDS = ["Created", "Started", "Finished"] as const;

// Go's zero time.Time; on a job it means "not set", unlike on spans where it is test data.
const GO_ZERO_TIME_NS = parseTimestampNs("0001-01-01T00:00:00Z");

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True for a parsed JSON value that is a job page (an object holding a Trajectory). */
export function isJobPage(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && "Trajectory" in v;
}

// The dashboard shows the reviewer's mark as an emoji; other exporters use booleans or words.
function correctMark(v: unknown): boolean | null | undefined {
  if (typeof v === "boolean" || v === null) return v;
  if (typeof v !== "string") return undefined;
  const s = v.trim().toLowerCase();
  if (s === "✅" || s === "correct" || s === "true") return true;
  if (s === "❌" || s === "incorrect" || s === "false") return false;
  return null;
}

function jobFields(file: string, rawJob: unknown, rawArgs: unknown): ImportedJobFields {
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
  for (const k of TIME_FIELDS) {
    const v = j[k];
    if (typeof v !== "string" || v === "") continue;
    const ns = parseTimestampNs(v);
    if (ns === null) throw new ImportError(file, `job field "${k}" is not an RFC 3339 timestamp: ${JSON.stringify(v).slice(0, 60)}`);
    if (ns !== GO_ZERO_TIME_NS) out[k] = v;
  }
  // Results on a job page are display items ({Name, IsBool, Value}); kept raw, readers normalise them.
  if (j.Results !== undefined && j.Results !== null) out.Results = j.Results;
  if (j.Args !== undefined && j.Args !== null) out.Args = j.Args;
  const correct = correctMark(j.Correct);
  if (correct !== undefined) out.Correct = correct;
  if (out.Args === undefined && rawArgs !== undefined && rawArgs !== null) {
    out.Args = argsObject(file, rawArgs);
  }
  const storable = makeStorable(out);
  if (!storable.ok) throw new ImportError(file, `job field "${storable.problem.path}": ${storable.problem.reason}`);
  const parsed = importedJobSchema.safeParse(storable.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImportError(file, `job field "${issue?.path.join(".") ?? "?"}": ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** The page's Args list [{Key, Value, Large}] as the job's inputs object. */
function argsObject(file: string, rawArgs: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(rawArgs)) throw new ImportError(file, `"Args" is not a list of {Key, Value} items`);
  const out: Record<string, unknown> = {};
  rawArgs.forEach((item, i) => {
    if (!isRecord(item) || typeof item.Key !== "string") {
      throw new ImportError(file, `"Args" item #${i + 1} has no string "Key"`);
    }
    Object.defineProperty(out, item.Key, { value: item.Value ?? "", enumerable: true, writable: true, configurable: true });
  });
  return Object.keys(out).length ? out : undefined;
}

/** `data` is the parsed JSON object; a job without spans yet (Trajectory null or []) is accepted. */
export function parseJobPage(file: string, data: unknown): ImportedRun {
  if (!isJobPage(data)) throw new ImportError(file, `expected an object with "Job" and "Trajectory"`);
  const traj = data.Trajectory ?? [];
  if (!Array.isArray(traj)) throw new ImportError(file, `"Trajectory" is not a list of spans`);
  const raws = traj.map((item, i) => displaySpanToRaw(file, item, i));
  const spans = spansFromRaw(file, raws);
  const job = deriveJob(jobFields(file, data.Job, data.Args), spans);
  return { job, spans, source: "job-page", minutePrecision: false };
}
