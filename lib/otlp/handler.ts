// POST /v1/traces: OTLP/HTTP as the OpenTelemetry specification defines it (protocol/otlp.md, "OTLP/HTTP"). The
// agent client's key is checked from the headers before a byte of the body is read; then the body is read with the
// agent protocol's caps, inflated (gzip) with its output capped, decoded, mapped (lib/otlp/conventions) and stored per
// trace (lib/ingest/otlp-trace.ts). Answers: 200 with an ExportTraceServiceResponse (partial_success naming what was
// refused), 400/401/413 with a google.rpc.Status saying why, 429/503 with Retry-After where the exporter should retry.
import "server-only";
import { authenticate, clientOfKey } from "@/lib/agents/keys";
import { readBodyCapped } from "@/lib/http/body";
import { concurrencyGate } from "@/lib/http/concurrency-gate";
import type { BodySource } from "@/lib/http/multipart";
import { badRequest, tooManyRequests, unauthorized } from "@/lib/http/errors";
import { failureOf } from "@/lib/api/rules";
import {
  AGENT_MAX_REQUEST_BYTES,
  OFF_THREAD_MIN_BYTES,
  OTLP_BODY_READ_SECONDS,
  OTLP_MAX_CONCURRENT_REQUESTS,
  OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT,
} from "@/lib/limits";
import { defineTask, runTask } from "@/lib/workers/pool";
import { settleSoon } from "./settle";
import { storeDecoded } from "./store";
import { encodeResponse, encodeStatus } from "./wire";
import { decodeRequestForHandOver, decodeWork, receivedHandOver, type DecodeInput, type OtlpFormat as Format } from "./decode-request";
import { bodyEncoding, inflateUpTo } from "./inflate";

/** Decoding a request, inline or on a worker thread (lib/workers). */
export const DECODE_REQUEST_TASK = defineTask("lib/otlp/decode-request.ts", "decodeRequestForHandOver", decodeRequestForHandOver);

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

// gRPC status codes of google.rpc.Status, by HTTP status (OTLP/HTTP failures carry one).
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 413: 8, 421: 3, 429: 8, 503: 14 };

/** A refusal as OTLP wants it: the status, with a google.rpc.Status in the request's encoding; a bug is rethrown (500). */
function failure(e: unknown, format: Format): Response {
  const error = failureOf(e);
  const { body, contentType } = encodeStatus(format, GRPC_CODE[error.status] ?? 2, error.message);
  return new Response(body, { status: error.status, headers: { ...error.headers, "content-type": contentType } });
}

/** OTLP requests in flight in this process (OTLP_MAX_CONCURRENT_REQUESTS), taken before the key is checked. */
const requestsAtOnce = concurrencyGate(OTLP_MAX_CONCURRENT_REQUESTS, () =>
  tooManyRequests("too many OTLP requests at once: retry shortly", 1),
);
/** OTLP requests in flight per agent client (OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT), taken once the key is known. */
const requestsPerClient = concurrencyGate(Infinity, () => new Error("unreachable: no total cap"), {
  max: OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT,
  refuse: (_, client) =>
    tooManyRequests(
      `too many OTLP requests at once from agent client ${client} (${OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT}, OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT): retry shortly`,
      1,
    ),
});

/**
 * `req`'s body, whose chunks end in a 400 naming OTLP_BODY_READ_SECONDS when the whole body has not arrived `seconds`
 * after the call: a sender that trickles bytes holds its slot no longer (the stream is cancelled).
 */
function withDeadline(req: Request | BodySource, seconds: number): BodySource {
  const source = "chunks" in req ? req.chunks : (req.body as unknown as AsyncIterable<Uint8Array> | null);
  const deadline = Date.now() + seconds * 1000;
  return {
    headers: req.headers,
    chunks: {
      async *[Symbol.asyncIterator]() {
        if (!source) return;
        const it = source[Symbol.asyncIterator]();
        let timer: NodeJS.Timeout | undefined;
        try {
          for (;;) {
            const late = new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(badRequest(`body not received within ${seconds} s (OTLP_BODY_READ_SECONDS): send it faster`)),
                Math.max(0, deadline - Date.now()),
              );
            });
            const next = await Promise.race([it.next(), late]).finally(() => clearTimeout(timer));
            if (next.done) return;
            yield next.value;
          }
        } finally {
          // A stalled read does not settle: the stream is let go without waiting for it.
          void Promise.resolve(it.return?.()).catch(() => {});
        }
      },
    },
  };
}

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
  let releaseRequest: () => void;
  try {
    releaseRequest = requestsAtOnce.take();
  } catch (e) {
    return failure(e, format);
  }
  let releaseClient = () => {};
  try {
    const client = await authenticateOtlp(req.headers.get("authorization"));
    releaseClient = requestsPerClient.take(client);
    const raw = await readBodyCapped(withDeadline(req, OTLP_BODY_READ_SECONDS), AGENT_MAX_REQUEST_BYTES, "body");
    const gzip = bodyEncoding(raw, req.headers.get("content-encoding")) === "gzip";
    // Inflated, decoded, mapped and checked here when small; a large body goes to a worker thread as received (its
    // memory moved, not copied) and is inflated there (lib/workers, ./inflate.ts).
    const small = gzip ? inflateUpTo(raw, OFF_THREAD_MIN_BYTES) : raw;
    const inline = small !== null && decodeWork(small, format) < OFF_THREAD_MIN_BYTES;
    const input: DecodeInput = inline ? { body: small, gzip: false, format } : { body: raw, gzip, format };
    const decoded = await receivedHandOver(await runTask(DECODE_REQUEST_TASK, input, inline ? 0 : OFF_THREAD_MIN_BYTES, [raw], client));
    const outcome = await storeDecoded(client, decoded);
    settleSoon();
    const { body, contentType } = encodeResponse(format, outcome.rejected ? outcome : undefined);
    return new Response(body, { status: 200, headers: { "content-type": contentType } });
  } catch (e) {
    return failure(e, format);
  } finally {
    releaseRequest();
    releaseClient();
  }
}
