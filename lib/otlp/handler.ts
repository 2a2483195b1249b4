// POST /v1/traces: OTLP/HTTP as the OpenTelemetry specification defines it (protocol/otlp.md, "OTLP/HTTP"). The
// agent client's key is checked from the headers before a byte of the body is read; then the body is read with the
// agent protocol's caps, inflated (gzip) with its output capped, decoded, mapped (lib/otlp/conventions) and stored per
// trace (lib/ingest/otlp-trace.ts). Answers: 200 with an ExportTraceServiceResponse (partial_success naming what was
// refused), 400/401/413 with a google.rpc.Status saying why, 429/503 with Retry-After where the exporter should retry.
import "server-only";
import { promisify } from "node:util";
import { gunzip, gunzipSync } from "node:zlib";
import { authenticate, clientOfKey } from "@/lib/agents/keys";
import { readBodyCapped } from "@/lib/http/body";
import type { BodySource } from "@/lib/http/multipart";
import { badRequest, tooLarge, tooManyRequests, unauthorized } from "@/lib/http/errors";
import { failureOf } from "@/lib/api/rules";
import { formatBytes } from "@/lib/format";
import { AGENT_MAX_PAYLOAD_BYTES, AGENT_MAX_REQUEST_BYTES, OTLP_MAX_CONCURRENT_REQUESTS } from "@/lib/limits";
import { defineTask, runTask } from "@/lib/workers/pool";
import { settleSoon } from "./settle";
import { storeDecoded } from "./store";
import { encodeResponse, encodeStatus } from "./wire";
import { decodeRequestForHandOver, decodeWork, joinHandedOver, type OtlpFormat as Format } from "./decode-request";

/** Decoding a request, inline or on a worker thread (lib/workers). */
export const DECODE_REQUEST_TASK = defineTask("lib/otlp/decode-request.ts", "decodeRequestForHandOver", decodeRequestForHandOver);

const gunzipAsync = promisify(gunzip);
const SYNC_GUNZIP_MAX_BYTES = 4096;

/**
 * The agent client of the request: `Authorization: Basic base64(client:key)` (what OTEL_EXPORTER_OTLP_HEADERS sets),
 * `Bearer client:key`, or `Bearer key` alone. Throws a 401 HttpError.
 */
export async function authenticateOtlp(header: string | null): Promise<string> {
  if (!header) throw unauthorized("missing Authorization header: send Basic base64(client:key) or Bearer <key>");
  const [scheme = "", ...rest] = header.trim().split(/\s+/);
  const token = rest.join(" ");
  let pair: string;
  if (/^basic$/i.test(scheme)) {
    pair = Buffer.from(token, "base64").toString("utf8");
    if (!pair.includes(":")) throw unauthorized("Basic credentials must be base64 of client:key");
  } else if (/^bearer$/i.test(scheme)) {
    if (!token.includes(":")) return clientOfKey(token);
    pair = token;
  } else {
    throw unauthorized(`unsupported Authorization scheme "${scheme.slice(0, 20)}": use Basic or Bearer`);
  }
  const colon = pair.indexOf(":");
  const client = pair.slice(0, colon);
  await authenticate(client, pair.slice(colon + 1));
  return client;
}

function formatOf(contentType: string | null): Format {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  if (type === "application/json") return "json";
  throw badRequest(`Content-Type must be application/x-protobuf or application/json, not "${type.slice(0, 100)}"`);
}

/**
 * The body, inflated when Content-Encoding is gzip: a gzip member whose trailer declares more than the cap is refused
 * before inflating, and inflating stops at the cap whatever the trailer says.
 */
async function inflate(raw: Buffer, encoding: string | null): Promise<Buffer> {
  const enc = (encoding ?? "identity").trim().toLowerCase();
  if (enc === "identity" || enc === "") return raw;
  if (enc !== "gzip") throw badRequest(`Content-Encoding "${enc.slice(0, 40)}" is not supported: send gzip or none`);
  if (raw.length < 18 || raw[0] !== 0x1f || raw[1] !== 0x8b) throw badRequest("body is not gzip data (Content-Encoding: gzip)");
  // ISIZE, the last four bytes: the uncompressed size modulo 2^32 (RFC 1952 §2.3.1).
  const declared = raw.readUInt32LE(raw.length - 4);
  if (declared > AGENT_MAX_PAYLOAD_BYTES)
    throw tooLarge(`body decompresses to ${formatBytes(declared)}, the limit is ${formatBytes(AGENT_MAX_PAYLOAD_BYTES)}`);
  try {
    const opts = { maxOutputLength: AGENT_MAX_PAYLOAD_BYTES };
    return raw.length <= SYNC_GUNZIP_MAX_BYTES ? gunzipSync(raw, opts) : await gunzipAsync(raw, opts);
  } catch (e) {
    const tooBig = e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    if (tooBig) throw tooLarge(`body decompresses to more than the limit of ${formatBytes(AGENT_MAX_PAYLOAD_BYTES)}`);
    throw badRequest(`body is not valid gzip: ${(e as Error).message}`);
  }
}

// gRPC status codes of google.rpc.Status, by HTTP status (OTLP/HTTP failures carry one).
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 413: 8, 421: 3, 429: 8, 503: 14 };

/** A refusal as OTLP wants it: the status, with a google.rpc.Status in the request's encoding; a bug is rethrown (500). */
function failure(e: unknown, format: Format): Response {
  const error = failureOf(e);
  const { body, contentType } = encodeStatus(format, GRPC_CODE[error.status] ?? 2, error.message);
  return new Response(body, { status: error.status, headers: { ...error.headers, "content-type": contentType } });
}

let inFlight = 0;

/**
 * Answers one OTLP/HTTP export request: a body with its headers as the app's server passes it (lib/server/machine-routes.ts),
 * or a web-standard Request (tests drive it so). Never throws: every refusal is an answer.
 */
export async function handleOtlpRequest(req: Request | BodySource): Promise<Response> {
  let format: Format;
  try {
    format = formatOf(req.headers.get("content-type"));
  } catch (e) {
    return failure(e, "json");
  }
  if (inFlight >= OTLP_MAX_CONCURRENT_REQUESTS) return failure(tooManyRequests("too many OTLP requests at once: retry shortly", 1), format);
  inFlight++;
  try {
    const client = await authenticateOtlp(req.headers.get("authorization"));
    const raw = await readBodyCapped(req, AGENT_MAX_REQUEST_BYTES, "body");
    const bytes = await inflate(raw, req.headers.get("content-encoding"));
    // Decoded, mapped and checked inline when small, on a worker thread when large (lib/workers).
    const decoded = joinHandedOver(await runTask(DECODE_REQUEST_TASK, { bytes, format }, decodeWork(bytes, format)));
    const outcome = await storeDecoded(client, decoded);
    settleSoon();
    const { body, contentType } = encodeResponse(format, outcome.rejected ? outcome : undefined);
    return new Response(body, { status: 200, headers: { "content-type": contentType } });
  } catch (e) {
    return failure(e, format);
  } finally {
    inFlight--;
  }
}
