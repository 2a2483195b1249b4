// Reading a request body with a size cap, so a chunked upload without Content-Length cannot exhaust memory.
import { formatBytes } from "@/lib/format";
import { tooLarge } from "./errors";
import type { BodySource } from "./multipart";

/**
 * The whole body as bytes, or a TooLarge HttpError naming `what` and the limit (bytes) as soon as the
 * declared Content-Length or the bytes read pass it.
 */
export async function readBodyCapped(req: Request | BodySource, limit: number, what = "request"): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > limit) throw tooLarge(`${what} is ${formatBytes(declared)}, the limit is ${formatBytes(limit)}`);
  const body = "chunks" in req ? req.chunks : (req.body as unknown as AsyncIterable<Uint8Array> | null);
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw tooLarge(`${what} is larger than the limit of ${formatBytes(limit)}`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
