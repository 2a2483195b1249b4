// One received span as it will be stored: mapped (lib/otlp/conventions), then held to the span model's caps as any
// span is. Used by POST /v1/traces and by the import of OTLP JSON files alike.
import { oversizeSpan, spanSchema, type Span } from "@/lib/trajectory/span";
import { makeStorable, describeProblem } from "@/lib/trajectory/storable";
import { OTLP_MAX_EVENTS_PER_SPAN } from "@/lib/limits";
import { mapSpan } from "./conventions";
import { OtlpDecodeError, type ExportTraceRequest, type OtlpRecord } from "./wire";
import type { TraceSpan } from "@/lib/ingest/otlp-span";

export type { TraceSpan };

/**
 * The span as it will be stored, or why not: mapped, then held to spanSchema's caps (text lengths, token counts, times)
 * and made storable (NUL and lone surrogates replaced), Extra included. A span of more than OTLP_MAX_EVENTS_PER_SPAN
 * events is refused before it is mapped.
 */
export function checkedSpan(record: OtlpRecord): { ok: true; span: TraceSpan; service?: string } | { ok: false; reason: string } {
  // Counted before the events are mapped: that work grows with them.
  const events = record.span.events?.length ?? 0;
  if (events > OTLP_MAX_EVENTS_PER_SPAN) {
    return {
      ok: false,
      reason: `span ${record.span.spanId} has ${events} events, the limit is ${OTLP_MAX_EVENTS_PER_SPAN} per span (OTLP_MAX_EVENTS_PER_SPAN)`,
    };
  }
  const m = mapSpan(record);
  const storable = makeStorable({ ...m.span, Seq: 0, Nesting: 0 });
  if (!storable.ok) return { ok: false, reason: `span ${record.span.spanId}: ${describeProblem(storable.problem)}` };
  const { Extra, ...fields } = storable.value as Span;
  const parsed = spanSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `span ${record.span.spanId}: ${issue.path.join(".") || "span"}: ${issue.message}` };
  }
  const span: Span = { ...parsed.data, ...(Extra ? { Extra } : {}) };
  const oversize = oversizeSpan(span);
  if (oversize) return { ok: false, reason: `span ${record.span.spanId} ${oversize}` };
  const { Seq: _seq, Nesting: _nesting, ...rest } = span;
  return {
    ok: true,
    service: m.service,
    span: {
      spanId: record.span.spanId,
      parentSpanId: record.span.parentSpanId || null,
      startNs: m.startNs,
      ended: m.ended,
      span: rest,
      body: { resource: record.resource, scope: record.scope, span: record.span },
      workflow: m.workflow,
    },
  };
}

/**
 * The request with every string as PostgreSQL can store it (lib/trajectory/storable.ts: NUL and lone surrogates
 * replaced, in place), the spans as received included: a NUL in one attribute answered 500 (json and text refuse it),
 * and exporters retry a 500. Throws OtlpDecodeError naming a problem (two keys of an object that become one, nesting).
 */
export function storableRequest(request: ExportTraceRequest): ExportTraceRequest {
  const storable = makeStorable(request, "body");
  if (!storable.ok) throw new OtlpDecodeError(describeProblem(storable.problem));
  return storable.value as ExportTraceRequest;
}
