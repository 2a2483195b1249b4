// Reads an agent-protocol request as upstream's Go client sends it (dashboard/dashapi/dashapi.go queryImpl): multipart
// fields client, key, method and payload, payload being gzip-compressed JSON in a plain form field (no filename) or a
// file part. The payload's bytes are kept as bytes, and nothing is decompressed or parsed before client and key check.
import { promisify } from "node:util";
import { gunzip, gunzipSync } from "node:zlib";
import { AGENT_MAX_FIELD_CHARS, AGENT_MAX_PAYLOAD_BYTES, AGENT_MAX_REQUEST_BYTES } from "@/lib/limits";
import { formatBytes } from "@/lib/format";
import { badRequest, tooLarge, unauthorized } from "@/lib/http/errors";
import { readMultipart, type BodySource } from "@/lib/http/multipart";

const FIELDS = new Set(["client", "key", "method", "payload"]);
const gunzipAsync = promisify(gunzip);
/** Compressed payloads up to this size are inflated on the main thread (at most ~1000× bigger: a few MB). */
const SYNC_GUNZIP_MAX_BYTES = 4096;

export interface ProtocolCall {
  client: string;
  /** as sent; the dispatcher checks it against the methods it knows */
  method: string;
  /** the payload part's bytes (still gzip), or undefined when the call has none */
  payload: Buffer | undefined;
}

/** Checks a client's key; throws a 401 HttpError when it is not right. */
export type Authenticate = (client: string, key: string) => Promise<void>;

/**
 * Reads the request and authenticates it with `authenticate` as soon as client and key are in: in Go's order they
 * precede the payload, so a wrong key is answered before the payload's bytes are read. Throws HttpError: 401 for a
 * missing or wrong client or key, 400 for a malformed body or a field sent twice, 413 past the size limits.
 */
export async function readCall(req: Request | BodySource, authenticate: Authenticate): Promise<ProtocolCall> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(type)) throw badRequest("body must be multipart/form-data with fields client, key, method, payload");
  const fields = new Map<string, string>();
  const chunks: Buffer[] = [];
  let hasPayload = false;
  let authenticated: Promise<void> | null = null;
  const seen = (name: string) => {
    if (fields.has(name) || (name === "payload" && hasPayload)) throw badRequest(`field "${name}" is sent more than once`);
  };
  const auth = () => {
    const client = fields.get("client") ?? "";
    const key = fields.get("key") ?? "";
    if (!client) throw unauthorized("missing client");
    if (!key) throw unauthorized("missing key");
    return (authenticated ??= authenticate(client, key));
  };
  await readMultipart(
    req,
    {
      maxBytes: AGENT_MAX_REQUEST_BYTES,
      // A field is at most AGENT_MAX_FIELD_CHARS characters, 4 bytes each at most in UTF-8.
      maxFieldBytes: AGENT_MAX_FIELD_CHARS * 4 + 4,
      maxParts: 16,
      isBytes: (name) => name === "payload",
    },
    {
      field(name, value, truncated) {
        if (!FIELDS.has(name)) return;
        seen(name);
        if (truncated) throw badRequest(`field "${name}" is more than ${AGENT_MAX_FIELD_CHARS} characters`);
        if (value.length > AGENT_MAX_FIELD_CHARS)
          throw badRequest(`field "${name}" is ${value.length} characters, the limit is ${AGENT_MAX_FIELD_CHARS}`);
        fields.set(name, value);
      },
      bytes(name, _fileName, stream) {
        if (name !== "payload") return void stream.resume();
        seen(name);
        // Go's order: client, key and method are in already; check them before reading on. A payload before them is
        // refused unread, so no unauthenticated caller has up to 16 MB held for it.
        if (!fields.has("client") || !fields.has("key"))
          throw badRequest('fields "client" and "key" must come before "payload", in the order Go\'s client sends them');
        hasPayload = true;
        stream.on("data", (c: Buffer) => chunks.push(c));
        return auth();
      },
    },
  );
  await auth();
  const method = fields.get("method") ?? "";
  if (!method) throw badRequest("missing method");
  return { client: fields.get("client")!, method, payload: hasPayload ? Buffer.concat(chunks) : undefined };
}

/**
 * The payload's bytes inflated: gunzip off the main thread (zlib's thread pool) with the output capped at
 * AGENT_MAX_PAYLOAD_BYTES (a small gzip bomb stops there). Throws HttpError 400 or 413. (Strict UTF-8 and the JSON
 * are read by lib/agents/payload.ts.)
 */
export async function inflatePayload(raw: Buffer): Promise<Buffer> {
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) throw badRequest("payload must be gzip-compressed JSON");
  let json: Buffer;
  try {
    // A span's few kilobytes inflate faster here than a trip through the thread pool costs; a bigger payload (which
    // could inflate to the cap) goes to the pool, so the main thread never inflates more than a few MB.
    const opts = { maxOutputLength: AGENT_MAX_PAYLOAD_BYTES };
    json = raw.length <= SYNC_GUNZIP_MAX_BYTES ? gunzipSync(raw, opts) : await gunzipAsync(raw, opts);
  } catch (e) {
    const tooBig = e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    if (tooBig) throw tooLarge(`payload decompresses to more than the limit of ${formatBytes(AGENT_MAX_PAYLOAD_BYTES)}`);
    throw badRequest(`payload is not valid gzip: ${(e as Error).message}`);
  }
  return json;
}
