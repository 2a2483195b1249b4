// Reads one OTLP span into the run page's span model: the first convention that recognises it maps what it knows,
// status and exception events become the error, and every attribute and event no mapping read is kept (Span.Extra)
// with the span's resource, scope, kind and links, shown under the span. The original span is stored apart
// (otlp_spans) for export back.
import { formatTimestampNs } from "@/lib/trajectory/time";
import { AGENT_MAX_NAME_CHARS, MAX_SHORT_FIELD_CHARS, MAX_SPAN_NAME_CHARS, MAX_TEXT_FIELD_CHARS } from "@/lib/limits";
import type { Span } from "@/lib/trajectory/span";
import { attributeObject, SpanReader, type SpanEvent } from "../attributes";
import type { OtlpRecord } from "../wire";
import { aiSdk } from "./ai-sdk";
import { genAi } from "./genai";
import { openInference } from "./openinference";
import { mapSyzkaller } from "./syzkaller";
import type { Convention, Mapped } from "./types";

/**
 * In the order tried: a span naming its GenAI operation is read as GenAI (this viewer's own export included); the AI
 * SDK also writes some gen_ai.* attributes (never the operation name), so it is recognised before GenAI's other signs.
 */
export const CONVENTIONS: readonly Convention[] = [
  { ...genAi, matches: (r) => r.has("gen_ai.operation.name") },
  aiSdk,
  openInference,
  genAi,
];

const KIND_NAMES = [
  "SPAN_KIND_UNSPECIFIED",
  "SPAN_KIND_INTERNAL",
  "SPAN_KIND_SERVER",
  "SPAN_KIND_CLIENT",
  "SPAN_KIND_PRODUCER",
  "SPAN_KIND_CONSUMER",
];

/** A span mapped: its fields but Seq and Nesting, the workflow it would name its run by, and its ids. */
export interface MappedSpan {
  span: Omit<Span, "Seq" | "Nesting">;
  workflow: string;
  /** the resource's service.name: the run's agent */
  service?: string;
  convention: string;
  startNs: bigint;
  ended: boolean;
}

function eventText(e: SpanEvent): string {
  const a = e.attributes;
  const head = [a["exception.type"], a["exception.message"]]
    .filter((x) => x !== undefined && x !== "")
    .map(String)
    .join(": ");
  const stack = a["exception.stacktrace"] === undefined ? "" : String(a["exception.stacktrace"]);
  // A JavaScript stack starts with "Type: message" itself: the head is not written twice.
  if (head && stack.startsWith(head)) return stack;
  return (head || "exception") + (stack ? `\n${stack}` : "");
}

function cut(s: string | undefined, max: number): string | undefined {
  return s === undefined ? undefined : s.length > max ? s.slice(0, max) : s;
}

/** Maps one span (its times already checked by the wire schema: ns since the epoch). */
export function mapSpan(record: OtlpRecord): MappedSpan {
  const { span } = record;
  const events: SpanEvent[] = (span.events ?? []).map((e) => ({
    name: e.name,
    timeUnixNano: e.timeUnixNano,
    attributes: attributeObject(e.attributes),
  }));
  const r = new SpanReader(attributeObject(span.attributes), events);
  const out: Mapped = { Type: "action", Name: span.name };
  const convention = CONVENTIONS.find((c) => c.matches(r, span.name));
  convention?.map(r, out);
  const exported = mapSyzkaller(r, out);

  // Errors: the status's message (code 2 = ERROR) and every exception event.
  // A Set keeps them once each in their order: a list searched per event was quadratic (62,000 events: 7 s).
  const errors = new Set<string>();
  if (span.status?.code === 2) errors.add(span.status.message || "error (status ERROR without a message)");
  for (const e of r.takeEvents((n) => n === "exception")) errors.add(eventText(e));
  const resource = attributeObject(record.resource.attributes);
  const service = typeof resource["service.name"] === "string" ? resource["service.name"] : undefined;
  delete resource["service.name"];

  const extra: Record<string, unknown> = {};
  const unreadAttributes = r.unreadAttributes();
  if (Object.keys(unreadAttributes).length) extra.attributes = unreadAttributes;
  const unreadEvents = r.unreadEvents();
  if (unreadEvents.length) extra.events = unreadEvents;
  if (span.kind) extra.kind = KIND_NAMES[span.kind];
  if (span.status?.code === 1) extra.status = "STATUS_CODE_OK";
  if (span.links?.length) extra.links = span.links.map((l) => ({ ...l, attributes: attributeObject(l.attributes) }));
  if (Object.keys(resource).length) extra.resource = resource;
  if (record.scope.name) extra.scope = record.scope.version ? `${record.scope.name} ${record.scope.version}` : record.scope.name;
  Object.assign(extra, exported);

  const startNs = BigInt(span.startTimeUnixNano);
  const endNs = span.endTimeUnixNano === undefined ? 0n : BigInt(span.endTimeUnixNano);
  const { workflow, ...fields } = out;
  const mapped: Omit<Span, "Seq" | "Nesting"> = {
    ...fields,
    Name: cut(fields.Name, MAX_SPAN_NAME_CHARS)!,
    Model: cut(fields.Model, MAX_SPAN_NAME_CHARS),
    Started: formatTimestampNs(startNs),
    Finished: endNs > 0n && endNs >= startNs ? formatTimestampNs(endNs) : undefined,
    Error: cut([...errors].join("\n\n") || undefined, MAX_TEXT_FIELD_CHARS),
  };
  for (const k of Object.keys(mapped) as (keyof typeof mapped)[]) if (mapped[k] === undefined || mapped[k] === "") delete mapped[k];
  if (Object.keys(extra).length) mapped.Extra = extra;
  return {
    span: mapped,
    // Cut to what a run's workflow and agent hold (the agent protocol's caps; each is in a btree index, whose rows
    // hold ~2.7 KB: 3,000 characters answered 500); the span as received keeps them whole.
    workflow: cut(workflow || span.name, MAX_SHORT_FIELD_CHARS)!,
    service: cut(service, AGENT_MAX_NAME_CHARS),
    convention: convention?.name ?? "none",
    startNs,
    ended: endNs > 0n,
  };
}
