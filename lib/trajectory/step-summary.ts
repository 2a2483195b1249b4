// What a step did, in one short line for its tree row (computed once at ingest, kept in spans.summary and sent in the
// outline, so no row needs its payload): a tool's main argument, an llm step's reply head. Errors travel apart (the
// outline's error heads); an llm step's tool calls are known from the tree (toolCallIndices).
import { SPAN_SUMMARY_CHARS } from "@/lib/limits";
import { visibleText } from "@/lib/text/search";
import type { Span } from "@/lib/trajectory/span";

/** One line: visible text (no ANSI, no CR progress), whitespace runs collapsed, cut to `max` characters with "…". */
export function oneLine(text: string, max = SPAN_SUMMARY_CHARS): string {
  const flat = visibleText(text).replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  // Cut on a code point boundary: never half of a surrogate pair.
  const cut = Array.from(flat.slice(0, max)).slice(0, -1).join("");
  return `${cut}…`;
}

function scalarText(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return null;
}

/**
 * A tool call's arguments in one line: the first string argument bare (the grep expression, the file read), then the
 * other scalar arguments as `Key=value`, in the agent's order; arrays and objects as `Key=[…]`/`Key={…}`. A non-object
 * Args (older exports) is shown as its own scalar text.
 */
export function argsSummary(args: unknown): string {
  if (args == null) return "";
  const scalar = scalarText(args);
  if (scalar != null) return oneLine(scalar);
  if (typeof args !== "object" || Array.isArray(args)) return "";
  const entries = Object.entries(args as Record<string, unknown>);
  const main = entries.findIndex(([, v]) => typeof v === "string" && v !== "");
  const parts: string[] = [];
  if (main >= 0) parts.push(entries[main]![1] as string);
  entries.forEach(([k, v], i) => {
    if (i === main || v == null || v === "") return;
    const s = scalarText(v);
    parts.push(`${k}=${s ?? (Array.isArray(v) ? "[…]" : "{…}")}`);
  });
  return oneLine(parts.join(" "));
}

/**
 * The span's summary: for a tool, its arguments (argsSummary); for an llm step, the head of its reply; for an agent,
 * the head of its prompt; otherwise nothing. Null when there is nothing to say. At most SPAN_SUMMARY_CHARS characters.
 */
export function stepSummary(span: Pick<Span, "Type" | "Args" | "Reply" | "Prompt">): string | null {
  let s = "";
  if (span.Type === "tool") s = argsSummary(span.Args);
  else if (span.Type === "llm") s = span.Reply ? oneLine(span.Reply) : "";
  else if (span.Type === "agent") s = span.Prompt ? oneLine(span.Prompt) : "";
  return s || null;
}
