// This viewer's own attributes, written by its OTLP export (lib/otlp/export.ts) for what no convention has a word for,
// so an exported run imported again has the same trajectory: span types (loop, iteration, agent-candidates, …), Args
// and Results of spans that are not tool calls, and the fields a producer sent beyond the span model (Span.Extra).
import { parseMaybeJson, type SpanReader } from "../attributes";
import type { Mapped } from "./types";
import { setOwn } from "@/lib/text/own-key";

export const SPAN_TYPE_ATTRIBUTE = "syzkaller.span.type";
export const ARGS_ATTRIBUTE = "syzkaller.span.args";
export const RESULTS_ATTRIBUTE = "syzkaller.span.results";
/** `syzkaller.extra.<field>`: one field of Span.Extra, its value as JSON text. */
export const EXTRA_PREFIX = "syzkaller.extra.";

/** Applies what the export recorded, after the convention that read the rest; returns the Extra fields it carried. */
export function mapSyzkaller(r: SpanReader, out: Mapped): Record<string, unknown> {
  const type = r.text(SPAN_TYPE_ATTRIBUTE);
  if (type) out.Type = type;
  if (r.has(ARGS_ATTRIBUTE)) out.Args = parseMaybeJson(r.take(ARGS_ATTRIBUTE));
  if (r.has(RESULTS_ATTRIBUTE)) out.Results = parseMaybeJson(r.take(RESULTS_ATTRIBUTE));
  const extra: Record<string, unknown> = {};
  for (const [k, v] of r.takePrefix(EXTRA_PREFIX)) {
    let value: unknown = v;
    try {
      value = JSON.parse(String(v));
    } catch {
      // Not JSON text: kept as the text it is.
    }
    setOwn(extra, k, value);
  }
  return extra;
}
