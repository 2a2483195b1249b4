// Reads an agent-protocol request: multipart fields client, key, method and a gzip-compressed JSON payload.
import { gunzipSync } from "node:zlib";
import { AGENT_MAX_FIELD_CHARS, AGENT_MAX_PAYLOAD_BYTES as MAX_PAYLOAD_BYTES, AGENT_MAX_REQUEST_BYTES as MAX_REQUEST_BYTES } from "@/lib/limits";
import { formatBytes } from "@/lib/format";
import { badRequest, tooLarge, unauthorized } from "@/lib/http/errors";

const FIELDS = ["client", "key", "method", "payload"] as const;

export interface ProtocolRequest {
  client: string;
  key: string;
  /** as sent; the dispatcher checks it against METHODS after authentication */
  method: string;
  /** parsed JSON payload, or undefined when the call has none */
  payload: unknown;
}

async function readCapped(req: Request): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_REQUEST_BYTES) throw tooLarge(`request is ${formatBytes(declared)}, the limit is ${formatBytes(MAX_REQUEST_BYTES)}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) throw tooLarge(`request is larger than the limit of ${formatBytes(MAX_REQUEST_BYTES)}`);
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}

function decodePayload(raw: Buffer): unknown {
  let json: Buffer;
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      // maxOutputLength stops a small gzip bomb from inflating into gigabytes.
      json = gunzipSync(raw, { maxOutputLength: MAX_PAYLOAD_BYTES });
    } catch (e) {
      const tooBig = e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
      if (tooBig) throw tooLarge(`payload decompresses to more than the limit of ${formatBytes(MAX_PAYLOAD_BYTES)}`);
      throw badRequest(`payload is not valid gzip: ${(e as Error).message}`);
    }
  } else {
    throw badRequest("payload must be gzip-compressed JSON");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(json);
  } catch {
    throw badRequest("payload is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`payload is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
}

async function fieldBytes(v: FormDataEntryValue): Promise<Buffer> {
  return typeof v === "string" ? Buffer.from(v, "latin1") : Buffer.from(await v.arrayBuffer());
}

async function fieldText(form: FormData, name: string): Promise<string> {
  const v = form.get(name);
  if (v == null) return "";
  const text = typeof v === "string" ? v : await v.text();
  if (text.length > AGENT_MAX_FIELD_CHARS) throw badRequest(`field "${name}" is ${text.length} characters, the limit is ${AGENT_MAX_FIELD_CHARS}`);
  return text;
}

// Two values for one field would make which one counts depend on the parser; say so instead.
function checkDuplicates(form: FormData): void {
  for (const name of FIELDS) {
    if (form.getAll(name).length > 1) throw badRequest(`field "${name}" is sent more than once`);
  }
}

export async function decodeRequest(req: Request): Promise<ProtocolRequest> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) throw badRequest("body must be multipart/form-data with fields client, key, method, payload");
  const body = await readCapped(req);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData();
  } catch {
    throw badRequest("malformed multipart/form-data body");
  }
  checkDuplicates(form);
  const client = await fieldText(form, "client");
  const key = await fieldText(form, "key");
  const method = await fieldText(form, "method");
  if (!client) throw unauthorized("missing client");
  if (!key) throw unauthorized("missing key");
  if (!method) throw badRequest("missing method");
  const payloadField = form.get("payload");
  const payload = payloadField == null ? undefined : decodePayload(await fieldBytes(payloadField));
  return { client, key, method, payload };
}
