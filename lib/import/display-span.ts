// Converts between display spans (job page JSON and HTML reports: Duration in ns, Args/Results as text) and Spans.
import { toolResultsByLlm } from "@/lib/trajectory/tree";
import type { Span } from "@/lib/trajectory/span";
import { ImportError } from "./errors";
import { readDisplayValue, TooManyValues } from "./go-printed";
import { spanLabel } from "./merge";
import { HIDDEN_ERROR_NOTE, isHiddenError } from "./redaction";
import { formatTimestampNs, parseTimestampNs } from "@/lib/trajectory/time";

/** A span as the trajectory page renders it (formats doc §3). */
export interface DisplaySpan {
  Started: string;
  Seq: number;
  Nesting: number;
  Type: string;
  Name: string;
  Model: string;
  /** integer nanoseconds; 0 while running */
  Duration: number;
  Error: string;
  /**
   * "" when absent. The standalone report writes 2-space-indented JSON; the dashboard's job page (JSON and HTML) Go's
   * fmt.Sprint of the value, map[k:v …] (dashboard/app/ai.go nullJSON): see lib/import/go-printed.ts.
   */
  Args: string;
  Results: string;
  Instruction: string;
  Prompt: string;
  Reply: string;
  Thoughts: string;
  InputTokens: number;
  OutputTokens: number;
  OutputThoughtsTokens: number;
  /** derived by the page; ignored on import */
  ToolCalls?: string[];
}

const TEXT_FIELDS = ["Model", "Error", "Instruction", "Prompt", "Reply", "Thoughts"] as const;
const TOKEN_FIELDS = ["InputTokens", "OutputTokens", "OutputThoughtsTokens"] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when an object looks like a display span rather than an engine span. */
export function looksLikeDisplaySpan(v: unknown): boolean {
  if (!isRecord(v)) return false;
  return "Duration" in v || "ToolCalls" in v || typeof v.Args === "string" || typeof v.Results === "string";
}

/** What reading display spans found, for the job: whether some Args/Results text was Go's printing. */
export interface DisplayReadNotes {
  printed: boolean;
}

// JSON text is parsed, Go-printed text read, and text with no reading kept as printed; "", "null": no value.
function valueField(file: string, index: number, raw: Record<string, unknown>, key: "Args" | "Results", notes?: DisplayReadNotes): unknown {
  const v = raw[key];
  if (typeof v !== "string") return v ?? undefined;
  let read: ReturnType<typeof readDisplayValue>;
  try {
    read = readDisplayValue(v);
  } catch (e) {
    if (e instanceof TooManyValues) throw new ImportError(file, `${spanLabel(index, raw)} field "${key}": ${e.message}`, "TooLarge");
    throw e;
  }
  const { value, printed } = read;
  if (printed && notes) notes.printed = true;
  return value;
}

function durationNs(file: string, index: number, raw: Record<string, unknown>): bigint {
  const d = raw.Duration;
  if (d === undefined || d === null || d === "") return 0n;
  if (typeof d === "number" && Number.isFinite(d)) return BigInt(Math.trunc(d));
  if (typeof d === "string" && /^-?\d+$/.test(d.trim())) return BigInt(d.trim());
  throw new ImportError(file, `${spanLabel(index, raw)} field "Duration" is not an integer number of nanoseconds`);
}

/**
 * A raw object with engine-span fields, ready for validateSpan. Empty strings and zero token
 * counts are dropped (the engine omits them); ToolCalls is dropped (derived from the tree). An error the dashboard
 * hid becomes HIDDEN_ERROR_NOTE (the span still failed). `notes` collects what the reading found.
 */
export function displaySpanToRaw(file: string, raw: unknown, index: number, notes?: DisplayReadNotes): unknown {
  if (!isRecord(raw)) return raw; // validateSpan reports the wrong shape
  const out: Record<string, unknown> = {
    Seq: raw.Seq,
    Nesting: raw.Nesting,
    Type: raw.Type,
    Name: raw.Name,
    Started: raw.Started,
  };
  for (const k of TEXT_FIELDS) {
    const v = raw[k];
    if (v !== undefined && v !== null && v !== "") out[k] = v;
  }
  for (const k of TOKEN_FIELDS) {
    const v = raw[k];
    if (v !== undefined && v !== null && v !== 0) out[k] = v;
  }
  if (isHiddenError(out.Error)) out.Error = HIDDEN_ERROR_NOTE;
  const args = valueField(file, index, raw, "Args", notes);
  const results = valueField(file, index, raw, "Results", notes);
  if (args !== undefined) out.Args = args;
  if (results !== undefined) out.Results = results;
  const dur = durationNs(file, index, raw);
  if (dur > 0n && typeof raw.Started === "string") {
    const start = parseTimestampNs(raw.Started);
    if (start !== null) out.Finished = formatTimestampNs(start + dur);
  }
  // An explicit Finished (some exporters add it) is kept when Duration did not give one.
  if (out.Finished === undefined && typeof raw.Finished === "string" && raw.Finished !== "") out.Finished = raw.Finished;
  return out;
}

function indentJson(v: unknown): string {
  return v === undefined ? "" : JSON.stringify(v, null, 2);
}

/** The display form of a span, as a page or report would embed it (used for export and round-trip tests). */
export function spanToDisplaySpan(s: Span, toolCalls: string[] = []): DisplaySpan {
  let duration = 0;
  if (s.Finished !== undefined) {
    const a = parseTimestampNs(s.Started);
    const b = parseTimestampNs(s.Finished);
    if (a !== null && b !== null && b > a) duration = Number(b - a);
  }
  return {
    Started: s.Started,
    Seq: s.Seq,
    Nesting: s.Nesting,
    Type: s.Type,
    Name: s.Name,
    Model: s.Model ?? "",
    Duration: duration,
    Error: s.Error ?? "",
    Args: indentJson(s.Args),
    Results: indentJson(s.Results),
    Instruction: s.Instruction ?? "",
    Prompt: s.Prompt ?? "",
    Reply: s.Reply ?? "",
    Thoughts: s.Thoughts ?? "",
    InputTokens: s.InputTokens ?? 0,
    OutputTokens: s.OutputTokens ?? 0,
    OutputThoughtsTokens: s.OutputThoughtsTokens ?? 0,
    ToolCalls: toolCalls,
  };
}

/** Spans as the dashboard shows them; an llm span's ToolCalls are upstream's (PopulateToolCalls: the tools it read). */
export function spansToDisplaySpans(spans: readonly Span[]): DisplaySpan[] {
  const calls = toolResultsByLlm(spans.map((s) => ({ seq: s.Seq, nesting: s.Nesting, type: s.Type, name: s.Name })));
  return spans.map((s) => spanToDisplaySpan(s, calls.get(s.Seq) ?? []));
}
