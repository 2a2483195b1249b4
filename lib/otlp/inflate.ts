// An OTLP/HTTP body's Content-Encoding (the spec allows gzip or none): checked on the main thread from the headers and
// the gzip trailer, inflated there only while small; a body that inflates past OFF_THREAD_MIN_BYTES is inflated on the
// worker thread that decodes it (decode-request.ts), so the main thread never holds, concatenates or copies the
// inflated megabytes (a 17 MB body: ~70 ms to concatenate and 150-550 ms to copy into the thread's message, load ~10).
import { gunzipSync } from "node:zlib";
import { badRequest, tooLarge } from "@/lib/http/errors";
import { formatBytes } from "@/lib/format";
import { AGENT_MAX_PAYLOAD_BYTES } from "@/lib/limits";

/**
 * Whether the body is gzip ("gzip") or sent as is ("identity"), by the Content-Encoding header. Throws HttpError 400
 * for another encoding or bytes that are not gzip, and 413 for a gzip member whose trailer declares more than
 * AGENT_MAX_PAYLOAD_BYTES (refused before a byte is inflated).
 */
export function bodyEncoding(raw: Uint8Array, encoding: string | null): "gzip" | "identity" {
  const enc = (encoding ?? "identity").trim().toLowerCase();
  if (enc === "identity" || enc === "") return "identity";
  if (enc !== "gzip") throw badRequest(`Content-Encoding "${enc.slice(0, 40)}" is not supported: send gzip or none`);
  if (raw.length < 18 || raw[0] !== 0x1f || raw[1] !== 0x8b) throw badRequest("body is not gzip data (Content-Encoding: gzip)");
  const declared = declaredSize(raw);
  if (declared > AGENT_MAX_PAYLOAD_BYTES)
    throw tooLarge(`body decompresses to ${formatBytes(declared)}, the limit is ${formatBytes(AGENT_MAX_PAYLOAD_BYTES)}`);
  return "gzip";
}

/** ISIZE, the last four bytes of a gzip member: the uncompressed size modulo 2^32 (RFC 1952 §2.3.1); the sender's word. */
function declaredSize(raw: Uint8Array): number {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).readUInt32LE(raw.byteLength - 4);
}

/**
 * The gzip body inflated, at most `max` bytes: null when it declares or inflates to more (inflating stops there, so
 * the work is bounded by `max` whatever the trailer says). Throws HttpError 400 for bytes that are not valid gzip.
 */
export function inflateUpTo(raw: Uint8Array, max: number): Buffer | null {
  if (declaredSize(raw) > max) return null;
  try {
    return gunzipSync(raw, { maxOutputLength: max });
  } catch (e) {
    if (isTooBig(e)) return null;
    throw badRequest(`body is not valid gzip: ${(e as Error).message}`);
  }
}

/**
 * The gzip body inflated (on a worker thread for a large body), stopping at AGENT_MAX_PAYLOAD_BYTES whatever the
 * trailer says. Throws HttpError 413 past it, 400 for bytes that are not valid gzip.
 */
export function inflateBody(raw: Uint8Array): Buffer {
  try {
    return gunzipSync(raw, { maxOutputLength: AGENT_MAX_PAYLOAD_BYTES });
  } catch (e) {
    if (isTooBig(e)) throw tooLarge(`body decompresses to more than the limit of ${formatBytes(AGENT_MAX_PAYLOAD_BYTES)}`);
    throw badRequest(`body is not valid gzip: ${(e as Error).message}`);
  }
}

const isTooBig = (e: unknown) => e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
