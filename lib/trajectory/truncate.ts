// One span for the details panel: its Args and Results as JSON text in the agent's own key order and number text, and
// every text over a limit cut, saying what was cut so the page can fetch the full value (?path=) for reading or copying.
import type { Span } from "@/lib/trajectory/span";
import { parsePath, type Cut } from "@/lib/text/json";
import { cutLongStringsInText, indentJsonText, valueRangeAt } from "@/lib/text/json-scan";

/** Characters kept of any one text: plenty to read, small enough to open at once. */
export const TEXT_LIMIT = 200_000;
/** A value at a path longer than this (characters of stored JSON) is given as stored, not indented: no work beyond a copy. */
export const INDENT_LIMIT = 2_000_000;

/**
 * Where a text was cut: "Results.PatchDiff", "Thoughts"; `length` is the whole text's, in UTF-16 units, or in UTF-8
 * bytes when `unit` is "bytes" (a stored text too long to count its characters cheaply: lib/runs/conversation.ts).
 */
export type Truncation = Cut & { unit?: "bytes" };

const TEXT_FIELDS = ["Error", "Instruction", "Prompt", "Reply", "Thoughts"] as const;
// Extra: the keys a producer sent beyond the span model (Span.Extra), shown as "Other fields".
const JSON_FIELDS = ["Args", "Results", "Extra"] as const;
export type JsonField = (typeof JSON_FIELDS)[number];

/** A span's fields but Args and Results, which travel as JSON text (SpanPayload.json). */
export type SpanFields = Omit<Span, "Args" | "Results" | "Extra">;

/**
 * What GET /api/jobs/<id>/spans/<seq> answers: the span's fields, Args and Results as JSON text (as stored, or written
 * back with long strings cut), and what was cut.
 */
export interface SpanPayload {
  span: SpanFields;
  json: Partial<Record<JsonField, string>>;
  truncated: Truncation[];
}

/**
 * The span with every text over `limit` characters cut and the list of what was cut. JSON text is left verbatim but
 * for the strings cut, in one scan of the text that parses nothing (lib/text/json-scan.ts): a payload of millions of
 * elements costs milliseconds. Throws JsonTextError when a stored JSON text is not JSON.
 */
export function truncateSpan(span: SpanFields, json: SpanPayload["json"], limit = TEXT_LIMIT): SpanPayload {
  const truncated: Truncation[] = [];
  const out: SpanFields = { ...span };
  for (const f of TEXT_FIELDS) {
    const v = out[f];
    if (v && v.length > limit) {
      truncated.push({ path: f, length: v.length });
      out[f] = v.slice(0, limit);
    }
  }
  const outJson: SpanPayload["json"] = {};
  for (const f of JSON_FIELDS) {
    const text = json[f];
    if (text === undefined) continue;
    // No string inside can be longer than the whole text: the common case costs no parse.
    if (text.length <= limit) {
      outJson[f] = text;
      continue;
    }
    const cuts: Cut[] = [];
    outJson[f] = cutLongStringsInText(text, f, limit, cuts);
    truncated.push(...cuts);
  }
  return { span: out, json: outJson, truncated };
}

/**
 * The full value at a path truncateSpan reported ("Results.PatchDiff", "Args.Files[2]", "Thoughts", or a whole
 * "Args"), as the text a reader copies: a string as itself, anything else as indented JSON in the agent's key order
 * (as stored when longer than INDENT_LIMIT). Found by scanning the text, never parsing what is not asked for.
 * Undefined when there is no such value.
 */
export function textAtPath(span: SpanFields, json: SpanPayload["json"], path: string): string | undefined {
  const steps = parsePath(path);
  if (!steps) return undefined;
  const [field, ...rest] = steps;
  if ((TEXT_FIELDS as readonly unknown[]).includes(field))
    return rest.length ? undefined : (span[field as (typeof TEXT_FIELDS)[number]] ?? undefined);
  if (!(JSON_FIELDS as readonly unknown[]).includes(field)) return undefined;
  const text = json[field as JsonField];
  if (text === undefined) return undefined;
  const at = valueRangeAt(text, rest);
  if (!at) return undefined;
  if (text.charCodeAt(at.start) === 34) return JSON.parse(text.slice(at.start, at.end)) as string;
  if (at.end - at.start > INDENT_LIMIT) return text.slice(at.start, at.end);
  return indentJsonText(text, at.start, at.end, 2);
}

/** textAtPath with its arguments in one structured-cloneable object: a worker thread's task (lib/runs/span-text.ts). */
export function textAtPathOf(input: { span: SpanFields; json: SpanPayload["json"]; path: string }): string | undefined {
  return textAtPath(input.span, input.json, input.path);
}
