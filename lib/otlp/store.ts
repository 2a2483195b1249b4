// Received spans → runs: each span mapped and checked as any span is (caps, storable text), grouped by trace, and
// stored through lib/ingest/otlp-trace.ts. What cannot be stored is counted and said in the partial-success reply.
import "server-only";
import { oversizeSpan, spanSchema, type Span } from "@/lib/trajectory/span";
import { makeStorable, describeProblem } from "@/lib/trajectory/storable";
import { storeTraceSpans, type TraceSpan } from "@/lib/ingest/otlp-trace";
import { mapSpan } from "./conventions";
import type { OtlpRecord } from "./wire";

export interface StoreOutcome {
  rejectedSpans: number;
  /** why, for the first few refused spans or traces */
  errorMessage: string;
  rejected: boolean;
}

/**
 * The span as it will be stored, or why not: mapped, then held to spanSchema's caps (text lengths, token counts, times)
 * and made storable (NUL and lone surrogates replaced), Extra included.
 */
export function checkedSpan(record: OtlpRecord): { ok: true; span: TraceSpan; service?: string } | { ok: false; reason: string } {
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

/** Stores every span of a request for `client`, trace by trace. */
export async function storeRecords(client: string, records: OtlpRecord[]): Promise<StoreOutcome> {
  const reasons: string[] = [];
  let rejectedSpans = 0;
  const traces = new Map<string, { spans: TraceSpan[]; service?: string }>();
  for (const record of records) {
    const checked = checkedSpan(record);
    if (!checked.ok) {
      rejectedSpans++;
      reasons.push(checked.reason);
      continue;
    }
    const t = traces.get(record.span.traceId) ?? { spans: [] };
    t.spans.push(checked.span);
    t.service ??= checked.service;
    traces.set(record.span.traceId, t);
  }
  for (const [traceId, t] of traces) {
    const refusal = await storeTraceSpans({ traceId, client, agentName: t.service ?? null, spans: t.spans });
    if (!refusal) continue;
    rejectedSpans += t.spans.length;
    reasons.push(
      refusal.kind === "not-owner"
        ? `trace ${traceId} was sent by another agent client`
        : `trace ${traceId} was settled as ${refusal.status}: it takes no more spans`,
    );
  }
  const errorMessage = reasons.slice(0, 5).join("; ") + (reasons.length > 5 ? `; and ${reasons.length - 5} more` : "");
  return { rejectedSpans, errorMessage, rejected: rejectedSpans > 0 };
}
