// Turns raw span objects into validated Spans and merges the start/finish copies of each span by Seq.
import type { ZodError } from "zod";
import { oversizeSpan, spanSchema, type Span } from "@/lib/trajectory/span";
import { IMPORT_MAX_SPAN_ENTRIES } from "@/lib/limits";
import { makeStorable } from "@/lib/trajectory/storable";
import { ImportError } from "./errors";
import { setOwn } from "@/lib/text/own-key";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** "span #4 (Seq 3)": 1-based position in the input, so it matches what a person counts in the file. */
export function spanLabel(index: number, raw?: unknown): string {
  const seq = isRecord(raw) && typeof raw.Seq === "number" && Number.isFinite(raw.Seq) ? ` (Seq ${raw.Seq})` : "";
  return `span #${index + 1}${seq}`;
}

function describeIssue(issue: ZodError["issues"][number], raw: Record<string, unknown>): string {
  const path = issue.path.map(String);
  const field = path.join(".");
  if (path.length === 1 && raw[field] === undefined) return `has no "${field}"`;
  const msg = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  return field ? `field "${field}": ${msg}` : msg;
}

/**
 * Validates one raw span (Go field names). Null values count as absent, the way Go's omitempty
 * writers and JavaScript exporters disagree about empty fields.
 */
export function validateSpan(file: string, raw: unknown, index: number): Span {
  if (!isRecord(raw)) {
    const kind = Array.isArray(raw) ? "a list" : raw === null ? "null" : typeof raw;
    throw new ImportError(file, `${spanLabel(index)} is ${kind}, expected an object with span fields`);
  }
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== null && v !== undefined) setOwn(clean, k, v);
  // Before zod: deep nesting would fail later in recursion, NUL characters and lone surrogates in PostgreSQL.
  const storable = makeStorable(clean);
  if (!storable.ok) throw new ImportError(file, `${spanLabel(index, clean)} field "${storable.problem.path}": ${storable.problem.reason}`);
  const parsed = spanSchema.safeParse(storable.value);
  if (parsed.success) {
    const oversize = oversizeSpan(parsed.data);
    if (oversize) throw new ImportError(file, `${spanLabel(index, clean)} ${oversize} per span`, "TooLarge");
    return parsed.data;
  }
  const issues = parsed.error.issues;
  const first = issues[0];
  const reason = first ? describeIssue(first, clean) : "is not a valid span";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  throw new ImportError(file, `${spanLabel(index, clean)} ${reason}${more}`);
}

export function validateSpans(file: string, raws: readonly unknown[]): Span[] {
  if (raws.length > IMPORT_MAX_SPAN_ENTRIES) {
    throw new ImportError(
      file,
      `${raws.length.toLocaleString("en-US")} span entries, the limit is ${IMPORT_MAX_SPAN_ENTRIES.toLocaleString("en-US")} per file`,
      "TooLarge",
    );
  }
  return raws.map((raw, i) => validateSpan(file, raw, i));
}

/**
 * One span per Seq, sorted by Seq. A copy with Finished replaces one without (the finish copy
 * carries results and tokens); between two copies that are equally finished, the later one wins,
 * as the engine's "replace" semantics say.
 */
export function mergeSpanCopies(spans: readonly Span[]): Span[] {
  const bySeq = new Map<number, Span>();
  for (const s of spans) {
    const prev = bySeq.get(s.Seq);
    if (!prev || s.Finished !== undefined || prev.Finished === undefined) bySeq.set(s.Seq, s);
  }
  return [...bySeq.values()].sort((a, b) => a.Seq - b.Seq);
}

/** Validate then merge: what every importer does with its raw span list. */
export function spansFromRaw(file: string, raws: readonly unknown[]): Span[] {
  return mergeSpanCopies(validateSpans(file, raws));
}
