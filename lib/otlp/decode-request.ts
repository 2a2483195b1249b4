// An OTLP/HTTP export request from its (inflated) body to the spans to store, grouped by trace: decoded (protobuf or
// JSON, lib/otlp/wire.ts), each span mapped and checked (check.ts). Pure and synchronous: the handler runs it inline
// for a small body and on a worker thread (lib/workers) for a large one, where each span's payload is also turned into
// its row's text and its received form into JSON text, so what comes back to the main thread is cheap to copy.
import { tooLarge, badRequest } from "@/lib/http/errors";
import { parseJson } from "@/lib/trajectory/raw-json";
import { describeProblem } from "@/lib/trajectory/storable";
import { packTexts, rowJsonWithoutPlace } from "@/lib/trajectory/span-rows";
import { movedWith } from "@/lib/workers/moved";
import { nextTurn } from "@/lib/turn";
import { checkedSpan, storableRequest, type TraceSpan } from "./check";
import { OFF_THREAD_MIN_BYTES, OTLP_MAX_SPANS_PER_REQUEST, OTLP_MAX_VALUES } from "@/lib/limits";
import { inflateBody } from "./inflate";
import {
  countProtobufValues,
  decodeJson,
  decodeProtobuf,
  OtlpDecodeError,
  OtlpTooLargeError,
  recordsOf,
  type ExportTraceRequest,
  type OtlpRecord,
} from "./wire";

export type OtlpFormat = "protobuf" | "json";

/** The spans of one trace in a request, and the service that sent them (the run's agent). */
export interface TraceGroup {
  traceId: string;
  service?: string;
  spans: TraceSpan[];
}

/** A request's spans that can be stored, by trace, and why the others cannot. */
export interface DecodedRequest {
  traces: TraceGroup[];
  rejectedSpans: number;
  /** why, per refused span */
  reasons: string[];
}

function decodeBody(bytes: Uint8Array, format: OtlpFormat): ExportTraceRequest {
  if (format === "protobuf") return decodeProtobuf(bytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    throw new OtlpDecodeError(`body is not valid UTF-8: ${(e as Error).message.slice(0, 200)}`);
  }
  // Values, keys and depth are counted in one scan before JSON.parse builds anything (lib/trajectory/raw-json.ts).
  const parsed = parseJson(text, { per: "per request", maxValues: OTLP_MAX_VALUES });
  if (!parsed.ok) {
    if (parsed.syntax) throw new OtlpDecodeError(`body is not valid JSON: ${parsed.problem.reason.slice(0, 200)}`);
    const reason = `body: ${describeProblem(parsed.problem)}`;
    throw parsed.tooLarge ? tooLarge(reason) : badRequest(reason);
  }
  return decodeJson(parsed.value);
}

/**
 * The request's spans, mapped and checked, by trace in the order first seen. Throws HttpError 400 for a body that is
 * not an ExportTraceServiceRequest in `format` (the reason says where), 413 past the value budget (OTLP_MAX_VALUES,
 * MAX_JSON_KEYS_PER_OBJECT) or OTLP_MAX_SPANS_PER_REQUEST spans. A span that cannot be stored is not an error: it is counted with its reason.
 */
export function decodeRequest(bytes: Uint8Array, format: OtlpFormat): DecodedRequest {
  let records;
  try {
    records = recordsOf(storableRequest(decodeBody(bytes, format)));
  } catch (e) {
    throw asHttpError(e);
  }
  // Before a span is mapped: storing costs main-thread time per span, so a request holds a bounded number of them.
  if (records.length > OTLP_MAX_SPANS_PER_REQUEST) {
    throw tooLarge(
      `request holds ${records.length} spans, the limit is ${OTLP_MAX_SPANS_PER_REQUEST} per request (OTLP_MAX_SPANS_PER_REQUEST): export smaller batches`,
    );
  }
  return groupRecords(records);
}

/** The wire's refusals as the answers they are: 400 for bytes that are not a request, 413 past the value budget. */
function asHttpError(e: unknown): unknown {
  if (e instanceof OtlpDecodeError) return badRequest(e.message);
  if (e instanceof OtlpTooLargeError) return tooLarge(e.message);
  return e;
}

/** Bytes of JSON a protobuf value weighs when choosing where to decode: ~10 µs a value, as JSON does ~40 bytes. */
const PROTOBUF_VALUE_WEIGHT = 16;
/**
 * Values of a protobuf body counted on the main thread at most: past them the body goes to a worker thread whatever
 * its size, and is counted there in full as it is decoded (decodeProtobuf). Counting the largest legal body here
 * (~490K values) and again on the thread was main-thread time proportional to the body.
 */
const PROTOBUF_MAIN_COUNT = Math.ceil(OFF_THREAD_MIN_BYTES / PROTOBUF_VALUE_WEIGHT);

/**
 * How much work decoding a body is, in JSON bytes' worth, to choose inline or a worker thread (lib/workers runTask):
 * a JSON body's length; a protobuf body's values counted on the wire (countProtobufValues: one walk, no objects), as
 * two bytes make a value there, counted no further than PROTOBUF_MAIN_COUNT (Infinity past it: a thread's work).
 * Throws HttpError 400 for a body that is not protobuf (as far as it was walked).
 */
export function decodeWork(bytes: Uint8Array, format: OtlpFormat): number {
  if (format === "json") return bytes.length;
  try {
    return Math.max(bytes.length, countProtobufValues(bytes, undefined, PROTOBUF_MAIN_COUNT) * PROTOBUF_VALUE_WEIGHT);
  } catch (e) {
    if (e instanceof OtlpTooLargeError) return Infinity;
    throw asHttpError(e);
  }
}

/** Received spans mapped and checked (check.ts), by trace in the order first seen; those that cannot be stored counted. */
export function groupRecords(records: OtlpRecord[]): DecodedRequest {
  const reasons: string[] = [];
  let rejectedSpans = 0;
  const traces = new Map<string, TraceGroup>();
  for (const record of records) {
    const checked = checkedSpan(record);
    if (!checked.ok) {
      rejectedSpans++;
      reasons.push(checked.reason);
      continue;
    }
    const traceId = record.span.traceId;
    const t = traces.get(traceId) ?? { traceId, spans: [] };
    t.spans.push(checked.span);
    t.service ??= checked.service;
    traces.set(traceId, t);
  }
  return { traces: [...traces.values()], rejectedSpans, reasons };
}

/**
 * The span fields the main thread reads of a span handed over (lib/ingest/otlp-trace.ts, otlp-place.ts): its times,
 * its kind. Not its name or model (in its row): 8,000 names of 1,000 characters made on the main thread cost its
 * garbage collector 150 ms.
 */
type ScalarSpan = Pick<TraceSpan["span"], "Type" | "Started" | "Finished">;

/**
 * A request as decodeRequestForHandOver gives it, cheap to copy between threads: the request without its spans as one
 * JSON text (`meta`), the spans' scalar fields as JSON texts of HANDOVER_SLICE_SPANS spans each (`spans`, in the order
 * of the traces: MetaSpans, which lack `encoded` and hold startNs as decimal text), and each span's row and received
 * form as UTF-8 JSON in one moved buffer (lib/workers/moved.ts). Cloning 8,192 spans as objects, two views each, held
 * the main thread ~200 ms; strings and two buffers cost it nothing. receivedHandOver rebuilds it, a slice a turn.
 */
export interface HandedOverRequest {
  /** the DecodedRequest with each trace's spans replaced by their count */
  meta: string;
  spans: string[];
  /** [row 0, body 0, row 1, body 1, …] as UTF-8 JSON */
  texts: ArrayBuffer;
  /** where each of `texts` ends, in bytes */
  ends: Uint32Array;
}

type MetaSpan = Omit<TraceSpan, "startNs" | "encoded" | "span"> & { startNs: string; span: ScalarSpan };
type MetaRequest = Omit<DecodedRequest, "traces"> & { traces: (Omit<TraceGroup, "spans"> & { spans: number })[] };

/**
 * Spans per JSON text of a HandedOverRequest: 8,000 spans of 1,000-character names were one 16 MB text whose parse
 * held the main thread 140 ms; a slice of 512 such spans is ~1 MB.
 */
const HANDOVER_SLICE_SPANS = 512;

/** The DecodedRequest of a HandedOverRequest, its span texts parsed a slice a turn: each span's `encoded` a view into `texts`. */
export async function receivedHandOver(h: HandedOverRequest): Promise<DecodedRequest> {
  const meta = JSON.parse(h.meta) as MetaRequest;
  const spans: TraceSpan[] = [];
  let i = 0;
  const view = () => {
    const start = i ? h.ends[i - 1]! : 0;
    return new Uint8Array(h.texts, start, h.ends[i++]! - start);
  };
  for (const [k, slice] of h.spans.entries()) {
    if (k > 0) await nextTurn();
    for (const s of JSON.parse(slice) as MetaSpan[]) {
      // The rest of the span is in its row (encoded), which is what is stored (TraceSpan.encoded).
      spans.push({ ...s, span: s.span as TraceSpan["span"], startNs: BigInt(s.startNs), encoded: { row: view(), body: view() } });
    }
  }
  let at = 0;
  return { ...meta, traces: meta.traces.map((t) => ({ ...t, spans: spans.slice(at, (at += t.spans)) })) };
}

/** A request's body for decoding: as received (`gzip`: still compressed, inflated where it is decoded) or inflated. */
export interface DecodeInput {
  body: Uint8Array;
  gzip: boolean;
  format: OtlpFormat;
}

/**
 * decodeRequest on a worker thread (or inline for a small body), the body inflated first when it is gzip
 * (inflateBody: 413 past AGENT_MAX_PAYLOAD_BYTES): each span's payload as its row's text (splitPayload), its received
 * form as JSON text.
 */
export function decodeRequestForHandOver(input: DecodeInput): HandedOverRequest {
  const decoded = decodeRequest(input.gzip ? inflateBody(input.body) : input.body, input.format);
  const spans = decoded.traces.flatMap((t) => t.spans);
  // Row and body of every span, in one buffer: [row 0, body 0, row 1, body 1, …].
  const { buffer, views } = packTexts(spans.flatMap((s) => [rowJsonWithoutPlace(s.span), JSON.stringify(s.body)]));
  const ends = new Uint32Array(views.map((v) => v.byteOffset + v.byteLength));
  const meta = JSON.stringify({ ...decoded, traces: decoded.traces.map((t) => ({ ...t, spans: t.spans.length })) } satisfies MetaRequest);
  const metaSpans = spans.map((s): MetaSpan => {
    const { Type, Started, Finished } = s.span;
    const span: ScalarSpan = { Type, Started, ...(Finished ? { Finished } : {}) };
    return {
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      startNs: String(s.startNs),
      ended: s.ended,
      span,
      body: null,
      workflow: s.workflow,
    };
  });
  const slices: string[] = [];
  for (let at = 0; at < metaSpans.length; at += HANDOVER_SLICE_SPANS) {
    slices.push(JSON.stringify(metaSpans.slice(at, at + HANDOVER_SLICE_SPANS)));
  }
  return movedWith({ meta, spans: slices, texts: buffer, ends }, [buffer, ends.buffer as ArrayBuffer]);
}
