// Received spans → runs: each span mapped and checked as any span is (caps, storable text), grouped by trace, and
// stored through lib/ingest/otlp-trace.ts. What cannot be stored is counted and said in the partial-success reply.
import "server-only";
import { storeTraceSpans } from "@/lib/ingest/otlp-trace";
import { checkedSpan, type TraceSpan } from "./check";
import type { OtlpRecord } from "./wire";

export interface StoreOutcome {
  rejectedSpans: number;
  /** why, for the first few refused spans or traces */
  errorMessage: string;
  rejected: boolean;
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
