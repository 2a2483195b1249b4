// The OTLP/HTTP trace request in both encodings (OTLP specification, "OTLP/HTTP"): binary protobuf decoded by protobufjs
// from the official definitions (lib/otlp/proto, opentelemetry-proto v1.11.0), JSON read as the spec's JSON mapping
// (ids in hex, enums as integers, 64-bit integers as strings or numbers). Both become one shape, the OTLP/JSON form,
// checked by one zod schema, so every later step sees the same thing whatever the client sent.
import protobuf from "protobufjs";
import { z } from "zod";
import { MAX_JSON_DEPTH, OTLP_MAX_VALUES } from "@/lib/limits";
import descriptor from "./proto/otlp.json";

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const REQUEST = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
const RESPONSE = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse");

// google.rpc.Status (googleapis google/rpc/status.proto: code = 1, message = 2, details = 3), the body of an OTLP
// failure answer; declared through protobufjs's reflection, as the three fields the spec names, details left empty.
const STATUS = new protobuf.Type("Status").add(new protobuf.Field("code", 1, "int32")).add(new protobuf.Field("message", 2, "string"));
new protobuf.Root().define("google.rpc").add(STATUS);

/** A problem with the request's bytes or shape: the caller answers 400 with it. */
export class OtlpDecodeError extends Error {}

/** A request within the byte caps whose work is past the value budget: the caller answers 413 with it. */
export class OtlpTooLargeError extends Error {}

const int64 = z.union([z.string().regex(/^\d{1,20}$/, "not an unsigned 64-bit integer"), z.number().int().nonnegative()]);
const hexId = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `not ${bytes} bytes in hex`)
    .transform((s) => s.toLowerCase());

export type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
};
export interface KeyValue {
  key: string;
  value?: AnyValue;
}

const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.string().regex(/^-?\d{1,20}$/, "not a 64-bit integer"), z.number().int()]).optional(),
    doubleValue: z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])]).optional(),
    arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(keyValue).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);
const keyValue: z.ZodType<KeyValue> = z.lazy(() => z.object({ key: z.string(), value: anyValue.optional() }));
const attributes = z.array(keyValue).optional();

const event = z
  .object({ timeUnixNano: int64.optional(), name: z.string().default(""), attributes, droppedAttributesCount: z.number().optional() })
  .loose();
const link = z.object({ traceId: hexId(16), spanId: hexId(8), traceState: z.string().optional(), attributes }).loose();

export const otlpSpanSchema = z
  .object({
    traceId: hexId(16),
    spanId: hexId(8),
    // An empty parent is a root (protobuf's empty bytes; OTLP/JSON writers send "" or leave it out).
    parentSpanId: z.union([z.literal(""), hexId(8)]).optional(),
    traceState: z.string().optional(),
    flags: z.number().int().optional(),
    name: z.string(),
    kind: z.number().int().min(0).max(5).optional(),
    startTimeUnixNano: int64,
    endTimeUnixNano: int64.optional(),
    attributes,
    droppedAttributesCount: z.number().int().optional(),
    events: z.array(event).optional(),
    droppedEventsCount: z.number().int().optional(),
    links: z.array(link).optional(),
    droppedLinksCount: z.number().int().optional(),
    status: z
      .object({ code: z.number().int().min(0).max(2).optional(), message: z.string().optional() })
      .loose()
      .optional(),
  })
  .loose();

export const exportTraceRequestSchema = z.object({
  resourceSpans: z
    .array(
      z
        .object({
          resource: z.object({ attributes, droppedAttributesCount: z.number().int().optional() }).loose().optional(),
          scopeSpans: z
            .array(
              z
                .object({
                  scope: z.object({ name: z.string().optional(), version: z.string().optional(), attributes }).loose().optional(),
                  spans: z.array(otlpSpanSchema).optional(),
                  schemaUrl: z.string().optional(),
                })
                .loose(),
            )
            .optional(),
          schemaUrl: z.string().optional(),
        })
        .loose(),
    )
    .optional(),
});

export type OtlpSpan = z.output<typeof otlpSpanSchema>;
export type ExportTraceRequest = z.output<typeof exportTraceRequestSchema>;

/** One span with the resource and scope it came under: what the rest of lib/otlp works on. */
export interface OtlpRecord {
  resource: { attributes?: KeyValue[] };
  scope: { name?: string; version?: string; attributes?: KeyValue[] };
  span: OtlpSpan;
}

/** Checks a request in OTLP/JSON form; throws OtlpDecodeError naming the first problem and where. */
export function checkRequest(value: unknown): ExportTraceRequest {
  const r = exportTraceRequestSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new OtlpDecodeError(`${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`);
}

/** Every span of a request with its resource and scope, in the order sent. */
export function recordsOf(req: ExportTraceRequest): OtlpRecord[] {
  const out: OtlpRecord[] = [];
  for (const rs of req.resourceSpans ?? []) {
    const resource = { attributes: rs.resource?.attributes };
    for (const ss of rs.scopeSpans ?? []) {
      const scope = { name: ss.scope?.name, version: ss.scope?.version, attributes: ss.scope?.attributes };
      for (const span of ss.spans ?? []) out.push({ resource, scope, span });
    }
  }
  return out;
}

const ID_FIELDS = new Set(["traceId", "spanId", "parentSpanId"]);

// protobufjs's toObject writes bytes as base64; OTLP/JSON writes trace and span ids as hex (and other bytes as base64).
function idsToHex(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(idsToHex);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      o[k] = ID_FIELDS.has(k) && typeof o[k] === "string" ? Buffer.from(o[k], "base64").toString("hex") : idsToHex(o[k]);
    }
  }
  return v;
}

/**
 * Counts the values of a binary message before anything is decoded: every field occurrence (a message, a string, a
 * number; a packed run of numbers is one) in one linear walk of the wire format with protobufjs's Reader, going into
 * the fields that the official definitions declare as messages. The same budget as a JSON body (OTLP_MAX_VALUES,
 * MAX_JSON_DEPTH; lib/trajectory/raw-json.ts counts those): two bytes make an empty AnyValue, so the byte caps alone
 * let 16 MB decode into 8 million objects (seconds of decoding, gigabytes). Returns the count; throws
 * OtlpTooLargeError past the budget and OtlpDecodeError for bytes that are not protobuf.
 */
export function countProtobufValues(bytes: Uint8Array, type: protobuf.Type = REQUEST, maxValues = OTLP_MAX_VALUES): number {
  const reader = protobuf.Reader.create(bytes);
  let values = 0;
  // Each level of an attribute's value is two messages (AnyValue, then ArrayValue or KeyValueList).
  const maxDepth = 2 * MAX_JSON_DEPTH + 8;
  const walk = (t: protobuf.Type, end: number, depth: number): void => {
    if (depth > maxDepth) throw new OtlpDecodeError(`body nests messages deeper than ${maxDepth} levels`);
    while (reader.pos < end) {
      const tag = reader.uint32();
      if (++values > maxValues)
        throw new OtlpTooLargeError(`body holds more than ${maxValues.toLocaleString("en-US")} values, the limit per request`);
      const field = t.fieldsById[tag >>> 3];
      const sub = field?.resolvedType;
      if ((tag & 7) === 2 && sub instanceof protobuf.Type) {
        const len = reader.uint32();
        const subEnd = reader.pos + len;
        if (subEnd > end) throw new OtlpDecodeError("body is not a protobuf ExportTraceServiceRequest: a length runs past its message");
        walk(sub, subEnd, depth + 1);
        reader.pos = subEnd;
      } else reader.skipType(tag & 7);
    }
    if (reader.pos !== end) throw new OtlpDecodeError("body is not a protobuf ExportTraceServiceRequest: a field runs past its message");
  };
  try {
    walk(type, bytes.length, 0);
  } catch (e) {
    if (e instanceof OtlpDecodeError || e instanceof OtlpTooLargeError) throw e;
    throw new OtlpDecodeError(`body is not a protobuf ExportTraceServiceRequest: ${(e as Error).message}`);
  }
  return values;
}

/**
 * A binary ExportTraceServiceRequest as OTLP/JSON; throws OtlpDecodeError for bytes that are not one, and
 * OtlpTooLargeError past the value budget (counted first, countProtobufValues).
 */
export function decodeProtobuf(bytes: Uint8Array): ExportTraceRequest {
  countProtobufValues(bytes);
  let message: protobuf.Message;
  try {
    message = REQUEST.decode(bytes);
  } catch (e) {
    throw new OtlpDecodeError(`body is not a protobuf ExportTraceServiceRequest: ${(e as Error).message}`);
  }
  const object = REQUEST.toObject(message, { longs: String, bytes: String, enums: Number, defaults: false, arrays: false });
  return checkRequest(idsToHex(object));
}

/** A JSON body (already parsed) as a checked request. */
export function decodeJson(value: unknown): ExportTraceRequest {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new OtlpDecodeError("body: not a JSON object (an ExportTraceServiceRequest)");
  return checkRequest(value);
}

/** The reply to an export: ExportTraceServiceResponse, with partial_success when some spans were refused. */
export function encodeResponse(
  format: "protobuf" | "json",
  partial?: { rejectedSpans: number; errorMessage: string },
): { body: Uint8Array<ArrayBuffer> | string; contentType: string } {
  const value = partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {};
  if (format === "json") return { body: JSON.stringify(value), contentType: "application/json" };
  return { body: new Uint8Array(RESPONSE.encode(RESPONSE.fromObject(value)).finish()), contentType: "application/x-protobuf" };
}

/** A failure answer's body, google.rpc.Status (the OTLP spec's form), in the request's encoding. */
export function encodeStatus(
  format: "protobuf" | "json",
  grpcCode: number,
  message: string,
): { body: Uint8Array<ArrayBuffer> | string; contentType: string } {
  if (format === "json") return { body: JSON.stringify({ code: grpcCode, message }), contentType: "application/json" };
  return {
    body: new Uint8Array(STATUS.encode(STATUS.fromObject({ code: grpcCode, message })).finish()),
    contentType: "application/x-protobuf",
  };
}

/** ExportTraceServiceRequest as binary protobuf (tests and the bench build requests from OTLP/JSON with it). */
export function encodeRequest(req: ExportTraceRequest): Uint8Array<ArrayBuffer> {
  const copy = JSON.parse(JSON.stringify(req)) as unknown;
  const toBase64 = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(toBase64);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o))
        o[k] = ID_FIELDS.has(k) && typeof o[k] === "string" ? Buffer.from(o[k], "hex").toString("base64") : toBase64(o[k]);
    }
    return v;
  };
  return new Uint8Array(REQUEST.encode(REQUEST.fromObject(toBase64(copy) as Record<string, unknown>)).finish());
}
