// Converts between the wire span (formats doc §1, Go field names) and the stored span row, both ways.
import type { Span } from "@/lib/trajectory/span";
import { spanSearchText } from "@/lib/text/search";
import { stepSummary } from "@/lib/trajectory/step-summary";
import { jsonText } from "@/lib/trajectory/raw-json";
import { goTimestamp, toMicrosUtc } from "@/lib/trajectory/time";

/**
 * A spans row as the write path (lib/ingest) stores it. Times are UTC text with microseconds (toMicrosUtc: never
 * through a JS Date, which keeps milliseconds); args/results are the JSON text as received (jsonText).
 */
export interface SpanRow {
  jobId: string;
  seq: number;
  nesting: number;
  parentSeq: number | null;
  type: string;
  name: string;
  model: string | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  args: string | null;
  results: string | null;
  instruction: string | null;
  prompt: string | null;
  reply: string | null;
  thoughts: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  outputThoughtsTokens: number | null;
  searchText: string;
  /** Span.Extra as JSON text (the keys the producer sent beyond the span model), or null */
  extra: string | null;
  /** what the step did in one line (stepSummary), null when nothing to say */
  summary: string | null;
}

/** The row fields a span's payload (Args, Results, Extra) and text are walked for: what a worker thread computes. */
export type PreparedRow = Pick<SpanRow, "args" | "results" | "extra" | "searchText" | "summary">;

// A span decoded off the main thread (lib/workers) comes back without its Args, Results and Extra values (copying
// them back would cost the main thread about what parsing them did) and with these fields computed, under a symbol:
// object spread ({...span, Seq}) copies it, JSON, zod and structured clone drop it.
const PREPARED = Symbol("prepared span row");

/** The fields of spanToRow that walk the span's payload and text (jsonText, spanSearchText, stepSummary). */
export function prepareRow(span: Span): PreparedRow {
  return {
    args: jsonText(span.Args),
    results: jsonText(span.Results),
    extra: span.Extra ? JSON.stringify(span.Extra) : null,
    searchText: spanSearchText(span),
    summary: stepSummary(span),
  };
}

type AnySpan = Omit<Span, "Seq" | "Nesting">;

/**
 * Where a span is decoded off the main thread: the span without its Args, Results and Extra values (what is cheap to
 * copy back: scalars and strings), and its row's payload fields (prepareRow of the whole span, with Seq and Nesting
 * that do not enter them). The main thread joins them again with withPreparedRow.
 */
export function splitPayload<T extends AnySpan>(span: T): { span: T; row: PreparedRow } {
  const row = prepareRow({ Seq: 0, Nesting: 0, ...span });
  const { Args: _args, Results: _results, Extra: _extra, ...rest } = span;
  return { span: rest as T, row };
}

/**
 * The span (without Args, Results and Extra: splitPayload's) carrying `row` for spanToRow. Only the write path reads
 * a span so handed over (lib/ingest, through spanToRow); it is stored exactly as the whole span would have been.
 */
export function withPreparedRow<T extends AnySpan>(span: T, row: PreparedRow): T {
  return Object.assign(span, { [PREPARED]: row });
}

/** The row fields the write path decides where it stores a span (the run, its place in the tree), not the span itself. */
export type RowPlace = Pick<SpanRow, "jobId" | "seq" | "nesting" | "parentSeq">;

/**
 * The span's row as JSON text without its place (RowPlace): `{"type":…,"name":…,…}`. Made where the span is decoded
 * (a worker thread for a large request) so the write path only prefixes the place (lib/ingest/insert-spans.ts
 * insertRowsJson) and never builds, stringifies or collects the row's strings on the main thread.
 */
export function rowJsonWithoutPlace(span: AnySpan): string {
  const {
    jobId: _job,
    seq: _seq,
    nesting: _nesting,
    parentSeq: _parent,
    ...rest
  } = spanToRow("", { Seq: 0, Nesting: 0, ...span } as Span, null);
  return JSON.stringify(rest);
}

/**
 * Texts as UTF-8 in one ArrayBuffer of its own (movable to another thread whole, lib/workers/moved.ts), and a view of
 * each text in it, in order.
 */
export function packTexts(texts: readonly string[]): { buffer: ArrayBuffer; views: Uint8Array[] } {
  const lengths = texts.map((t) => Buffer.byteLength(t));
  const buffer = new ArrayBuffer(lengths.reduce((a, n) => a + n, 0));
  const bytes = Buffer.from(buffer);
  let offset = 0;
  const views = texts.map((t, i) => {
    bytes.write(t, offset, lengths[i]!, "utf8");
    const view = new Uint8Array(buffer, offset, lengths[i]!);
    offset += lengths[i]!;
    return view;
  });
  return { buffer, views };
}

/** The row of a validated span (its timestamps already checked by spanSchema); empty strings and zeros stored as NULL, as upstream does. */
export function spanToRow(jobId: string, span: Span, parentSeq: number | null): SpanRow {
  const prepared = (span as { [PREPARED]?: PreparedRow })[PREPARED] ?? prepareRow(span);
  return {
    jobId,
    seq: span.Seq,
    nesting: span.Nesting,
    parentSeq,
    type: span.Type,
    name: span.Name,
    model: span.Model || null,
    startedAt: toMicrosUtc(span.Started)!,
    finishedAt: span.Finished ? toMicrosUtc(span.Finished) : null,
    error: span.Error || null,
    args: prepared.args,
    results: prepared.results,
    instruction: span.Instruction || null,
    prompt: span.Prompt || null,
    reply: span.Reply || null,
    thoughts: span.Thoughts || null,
    inputTokens: span.InputTokens || null,
    outputTokens: span.OutputTokens || null,
    outputThoughtsTokens: span.OutputThoughtsTokens || null,
    searchText: prepared.searchText,
    extra: prepared.extra,
    summary: prepared.summary,
  };
}

/** The stored row fields a wire span is made from; times as a Date (milliseconds) or isoMicros text (microseconds). */
export interface StoredSpan {
  seq: number;
  nesting: number;
  type: string;
  name: string;
  model: string | null;
  startedAt: Date | string;
  finishedAt: Date | string | null;
  error: string | null;
  args: unknown;
  results: unknown;
  instruction: string | null;
  prompt: string | null;
  reply: string | null;
  thoughts: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  outputThoughtsTokens: number | null;
  /** spans.extra: an object of the keys the producer sent beyond the span model (as stored), or null */
  extra?: unknown;
}

function wireTime(t: Date | string): string {
  return typeof t === "string" ? goTimestamp(t) : goTimestamp(t.toISOString());
}

/**
 * Back to the wire shape, leaving out empty keys exactly as the engine does (omitzero), in Go's field order. Times are
 * written as Go writes them (RFC3339Nano) unless `time` says otherwise (the span details keep all six digits).
 */
export function rowToSpan(r: StoredSpan, time: (t: Date | string) => string = wireTime): Span {
  const span: Span = { Seq: r.seq, Nesting: r.nesting, Type: r.type, Name: r.name, Started: time(r.startedAt) };
  if (r.model) span.Model = r.model;
  if (r.finishedAt) span.Finished = time(r.finishedAt);
  if (r.error) span.Error = r.error;
  if (r.args != null) span.Args = r.args;
  if (r.results != null) span.Results = r.results;
  if (r.instruction) span.Instruction = r.instruction;
  if (r.prompt) span.Prompt = r.prompt;
  if (r.reply) span.Reply = r.reply;
  if (r.thoughts) span.Thoughts = r.thoughts;
  if (r.inputTokens) span.InputTokens = r.inputTokens;
  if (r.outputTokens) span.OutputTokens = r.outputTokens;
  if (r.outputThoughtsTokens) span.OutputThoughtsTokens = r.outputThoughtsTokens;
  if (r.extra && typeof r.extra === "object") span.Extra = r.extra as Record<string, unknown>;
  return span;
}

/** A stored span for the export: times as isoMicros text, Args/Results as the stored JSON text (never reparsed). */
export interface ExportedSpanRow extends Omit<StoredSpan, "startedAt" | "finishedAt" | "args" | "results" | "extra"> {
  startedAt: string;
  finishedAt: string | null;
  args: string | null;
  results: string | null;
  /** spans.extra as the stored JSON text, or null */
  extra: string | null;
}

/**
 * One span of a trajectory file as JSON text: rowToSpan's keys and order, with Args and Results spliced in as the
 * text that was stored (key order, integer-like keys and number text as the agent wrote them).
 */
export function exportedSpanJson(r: ExportedSpanRow): string {
  const { args, results, extra, ...rest } = r;
  const span = rowToSpan({ ...rest, args: args == null ? null : ARGS, results: results == null ? null : RESULTS });
  const json = JSON.stringify(span)
    .replace(JSON.stringify(ARGS), () => args!)
    .replace(JSON.stringify(RESULTS), () => results!);
  // The keys the producer sent beyond the model go back as they came, after the modelled ones: `{"Seq":…,"NewField":…}`.
  const more = extra && extra !== "null" ? extra.trim().slice(1, -1).trim() : "";
  return more ? `${json.slice(0, -1)},${more}}` : json;
}

// Placeholders no JSON.stringify output contains elsewhere: a string value is always quoted with its quotes escaped inside.
const ARGS = "\u0000args\u0000";
const RESULTS = "\u0000results\u0000";
