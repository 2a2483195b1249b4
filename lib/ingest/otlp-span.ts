// A span received over OpenTelemetry (POST /v1/traces, lib/otlp), mapped and checked, as the ingest of traces takes it
// (lib/ingest/otlp-trace.ts stores it, lib/ingest/otlp-place.ts places it in the run's tree).
import "server-only";
import { rowJsonWithoutPlace } from "@/lib/trajectory/span-rows";
import type { Span } from "@/lib/trajectory/span";

/** One received span, mapped and checked (lib/otlp/check.ts). */
export interface TraceSpan {
  spanId: string;
  parentSpanId: string | null;
  startNs: bigint;
  ended: boolean;
  /** the span in the run's model, without Seq and Nesting */
  span: Omit<Span, "Seq" | "Nesting">;
  /** the span as received (OTLP/JSON with its resource and scope), kept for export back; or its JSON text */
  body: unknown;
  /** the workflow it names the run by when it is the trace's root */
  workflow: string;
  /**
   * The span's row (rowJsonWithoutPlace) and `body` as UTF-8 JSON, made where the request was decoded (a worker
   * thread for a large one, lib/otlp/decode-request.ts): then `span` holds only Type, Started and Finished (the rest is
   * in the row) and `body` is null.
   * Spans without it are encoded here (encodedSpan).
   */
  encoded?: EncodedSpan;
}

/** A received span's row and its body as received, as UTF-8 JSON text (TraceSpan.encoded). */
export interface EncodedSpan {
  row: Uint8Array;
  body: Uint8Array;
}

/** The span's row and body as UTF-8 JSON (what TraceSpan.encoded holds when the decoder made it). */
export function encodedSpan(s: TraceSpan): EncodedSpan {
  return (
    s.encoded ?? {
      row: Buffer.from(rowJsonWithoutPlace(s.span)),
      body: Buffer.from(typeof s.body === "string" ? s.body : JSON.stringify(s.body)),
    }
  );
}
