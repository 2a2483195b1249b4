// Shape 5: an OTLP JSON file (an ExportTraceServiceRequest in OTLP/JSON form: what GET /api/jobs/<id>/otlp gives, or a
// file exporter's output). Each trace in it is one run, read by the same conventions as POST /v1/traces.
import type { ImportedRun, Span } from "@/lib/trajectory/span";
import { orderByParent } from "@/lib/trajectory/tree";
import { checkedSpan, storableRequest, type TraceSpan } from "@/lib/otlp/check";
import { checkRequest, OtlpDecodeError, recordsOf } from "@/lib/otlp/wire";
import { ImportError } from "./errors";

/** True for an object with a resourceSpans list: OTLP JSON. */
export function isOtlpJson(data: unknown): boolean {
  return (
    typeof data === "object" && data !== null && !Array.isArray(data) && Array.isArray((data as { resourceSpans?: unknown }).resourceSpans)
  );
}

/** The runs of an OTLP JSON file, one per trace, in the order their first spans appear. Throws ImportError. */
export function parseOtlpFile(file: string, data: unknown): ImportedRun[] {
  let records;
  try {
    records = recordsOf(storableRequest(checkRequest(data)));
  } catch (e) {
    if (e instanceof OtlpDecodeError) throw new ImportError(file, `OTLP JSON: ${e.message}`);
    throw e;
  }
  if (records.length === 0) throw new ImportError(file, "OTLP JSON without spans (no spans to import)");
  const traces = new Map<string, { spans: Map<string, TraceSpan>; service?: string }>();
  for (const record of records) {
    const checked = checkedSpan(record);
    if (!checked.ok) throw new ImportError(file, checked.reason);
    const t: { spans: Map<string, TraceSpan>; service?: string } = traces.get(record.span.traceId) ?? { spans: new Map() };
    // A span sent twice: the last copy wins, as on POST /v1/traces.
    t.spans.set(checked.span.spanId, checked.span);
    t.service ??= checked.service;
    traces.set(record.span.traceId, t);
  }
  return [...traces.values()].map(({ spans, service }) => {
    const list = [...spans.values()];
    const order = orderByParent(list.map((s) => ({ id: s.spanId, parent: s.parentSpanId, start: s.startNs })));
    const ordered = list
      .map((s) => ({ ...s.span, Seq: order.get(s.spanId)!.seq, Nesting: order.get(s.spanId)!.nesting }) as Span)
      .sort((a, b) => a.Seq - b.Seq);
    const root = list.find((s) => order.get(s.spanId)!.seq === 0)!;
    return {
      job: { Workflow: root.workflow, ...(service ? { AgentName: service } : {}) },
      spans: ordered,
      source: "otlp-file",
      minutePrecision: false,
    } satisfies ImportedRun;
  });
}
