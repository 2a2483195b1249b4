// Received spans → runs: the spans of a request, mapped, checked and grouped by trace (decode-request.ts), stored
// through lib/ingest/otlp-trace.ts. What cannot be stored is counted and said in the partial-success reply.
import "server-only";
import { storeTraceSpans } from "@/lib/ingest/otlp-trace";
import { MAX_NESTING } from "@/lib/limits";
import { groupRecords, type DecodedRequest } from "./decode-request";
import { placeSoon } from "./settle";
import type { OtlpRecord } from "./wire";

export interface StoreOutcome {
  rejectedSpans: number;
  /** why, for the first few refused spans or traces */
  errorMessage: string;
  rejected: boolean;
}

/** Stores the decoded spans of a request (decode-request.ts) for `client`, trace by trace. */
export async function storeDecoded(client: string, decoded: DecodedRequest): Promise<StoreOutcome> {
  const reasons = [...decoded.reasons];
  let rejectedSpans = decoded.rejectedSpans;
  for (const t of decoded.traces) {
    const { refusal, waiting } = await storeTraceSpans({ traceId: t.traceId, client, agentName: t.service ?? null, spans: t.spans });
    if (waiting) placeSoon();
    if (!refusal) continue;
    rejectedSpans += t.spans.length;
    reasons.push(
      refusal.kind === "not-owner"
        ? `trace ${t.traceId} was sent by another agent client`
        : refusal.kind === "taken"
          ? `trace ${t.traceId} is stored as another run: it takes no more spans`
          : refusal.kind === "too-deep"
            ? `trace ${t.traceId}: span ${refusal.spanId} would nest ${refusal.nesting} levels deep, past the limit of ${MAX_NESTING} (MAX_NESTING): the request's spans of this trace are refused`
            : `trace ${t.traceId} was settled as ${refusal.status}: it takes no more spans`,
    );
  }
  const errorMessage = reasons.slice(0, 5).join("; ") + (reasons.length > 5 ? `; and ${reasons.length - 5} more` : "");
  return { rejectedSpans, errorMessage, rejected: rejectedSpans > 0 };
}

/** Maps, checks and stores received spans (an OTLP JSON import's, a test's) for `client`: groupRecords, then storeDecoded. */
export function storeRecords(client: string, records: OtlpRecord[]): Promise<StoreOutcome> {
  return storeDecoded(client, groupRecords(records));
}
