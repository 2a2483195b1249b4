// Streaming multipart/form-data reading with @fastify/busboy: parts arrive as the body does, bytes stay bytes (a
// field's raw bytes are never decoded as text unless asked), and a handler can hold reading until it has checked
// what came first — the agent protocol authenticates on client and key before it reads the payload.
import type { Readable } from "node:stream";
import Busboy from "@fastify/busboy";
import { formatBytes } from "@/lib/format";
import { badRequest, tooLarge } from "./errors";

export interface MultipartOptions {
  /** largest body, bytes: the declared Content-Length and the bytes read are both checked */
  maxBytes: number;
  /** what the limit message calls the body */
  what?: string;
  /** whether a part is read as bytes (a stream) rather than as a text field */
  isBytes(name: string | undefined, fileName: string | undefined, contentType: string | undefined): boolean;
  /** largest text field, bytes (longer ones arrive with truncated = true) */
  maxFieldBytes: number;
  /** most parts in one body */
  maxParts: number;
}

export interface MultipartHandlers {
  /** A text field, decoded as UTF-8. May throw (an HttpError) to stop reading. */
  field?(name: string, value: string, truncated: boolean): void;
  /**
   * A bytes part begins; its bytes follow on `stream` (the handler must consume it). A returned promise holds reading of
   * the rest of the body until it settles; if it rejects, reading stops and the rejection is thrown.
   */
  bytes?(name: string, fileName: string | undefined, stream: Readable): Promise<void> | void;
}

/**
 * A request body outside Next (lib/server/): its headers, and its chunks as they arrive. Stopping the iteration early
 * must leave the connection open for the answer (a 401 or 413 before the rest of the body is read).
 */
export interface BodySource {
  headers: { get(name: string): string | null };
  chunks: AsyncIterable<Uint8Array>;
}

/** The chunks of a web Request's body (cancelled when the loop stops early) or of a BodySource. */
function chunksOf(req: Request | BodySource): AsyncIterable<Uint8Array> {
  if ("chunks" in req) return req.chunks;
  const body = req.body;
  return {
    async *[Symbol.asyncIterator]() {
      if (!body) return;
      const reader = body.getReader();
      try {
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) return;
          yield chunk.value;
        }
      } finally {
        await reader.cancel().catch(() => {});
      }
    },
  };
}

/**
 * Reads a multipart/form-data request (a web Request, or a BodySource from the machine routes' server) to its end,
 * calling the handlers as parts arrive. Throws HttpError BadRequest for a body that is not well-formed multipart and
 * TooLarge past the limits; a handler's error is rethrown as it is.
 */
export async function readMultipart(req: Request | BodySource, o: MultipartOptions, h: MultipartHandlers): Promise<void> {
  const what = o.what ?? "request";
  const type = req.headers.get("content-type") ?? "";
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > o.maxBytes) throw tooLarge(`${what} is ${formatBytes(declared)}, the limit is ${formatBytes(o.maxBytes)}`);
  let bb: ReturnType<typeof Busboy>;
  try {
    bb = Busboy({
      headers: { "content-type": type },
      limits: { fieldSize: o.maxFieldBytes, parts: o.maxParts, headerPairs: 20 },
      isPartAFile: (name, contentType, fileName) => o.isBytes(name, fileName, contentType),
    });
  } catch {
    throw badRequest("malformed multipart/form-data body: no boundary in Content-Type");
  }
  let failure: unknown = null;
  const fail = (e: unknown) => void (failure ??= e);
  let gate: Promise<void> | null = null;
  const finished = new Promise<void>((resolve, reject) => {
    bb.on("finish", resolve);
    bb.on("error", reject);
  });
  // A rejection before it is awaited (an error mid-body) must not count as unhandled.
  finished.catch(() => {});
  bb.on("field", (name, value, _nameTruncated, truncated) => {
    try {
      h.field?.(name, value, truncated);
    } catch (e) {
      fail(e);
    }
  });
  bb.on("file", (name, stream, fileName) => {
    // A body that ends inside a part errors the part's stream ("Part terminated early"); with no listener of our own
    // that error would be uncaught and take the whole process's attention, whatever the handler does with the stream.
    stream.on("error", (e: Error) => fail(badRequest(`malformed multipart/form-data body: ${e.message}`)));
    try {
      const g = h.bytes ? h.bytes(name, fileName, stream) : stream.resume();
      if (g instanceof Promise) {
        g.catch(() => {});
        gate = g;
      }
    } catch (e) {
      stream.resume();
      fail(e);
    }
  });
  bb.on("partsLimit", () => fail(tooLarge(`more than ${o.maxParts} parts in one multipart body`)));

  let size = 0;
  try {
    for await (const chunk of chunksOf(req)) {
      size += chunk.length;
      if (size > o.maxBytes) throw tooLarge(`${what} is larger than the limit of ${formatBytes(o.maxBytes)}`);
      await new Promise<void>((resolve, reject) => bb.write(chunk, (e) => (e ? reject(e) : resolve())));
      if (failure) throw failure;
      if (gate) {
        const g: Promise<void> = gate;
        gate = null;
        await g;
      }
    }
    bb.end();
    try {
      await finished;
    } catch (e) {
      throw badRequest(`malformed multipart/form-data body: ${(e as Error).message}`);
    }
    if (failure) throw failure;
    if (gate) await gate;
  } catch (e) {
    bb.destroy();
    throw e;
  }
}
