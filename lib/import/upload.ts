// An import upload (POST /api/import) from request to outcome: its files — multipart file fields, or the raw body as
// one file — read under the request caps, then imported. A small upload is kept in memory and imported on this
// thread; a large one is written to a private temp folder as it arrives and imported by a child process
// (lib/import/offload.ts), so the app's main thread is never held by a large parse and its memory never holds the upload.
import "server-only";
import { open } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { Actor } from "@/lib/audit/log";
import { formatBytes } from "@/lib/format";
import { readMultipart } from "@/lib/http/multipart";
import { badRequest, HttpError, tooLarge } from "@/lib/http/errors";
import { IMPORT_INLINE_MAX_BYTES, IMPORT_MAX_FILE_NAME_CHARS, IMPORT_MAX_FILES, IMPORT_MAX_REQUEST_BYTES } from "@/lib/limits";
import { importFiles, type ImportOutcome, type UploadedFile } from "./import-files";
import { importFailed, importInWorker, withImportFolder, withWorkerSlot, type SpooledFile } from "./offload";

/** Where a file's bytes go as they arrive: into memory, or into a file of the import's folder. */
type Keep<F> = (index: number, name: string, bytes: AsyncIterable<Uint8Array>) => Promise<F>;

// Names only appear in messages; a long one would drown the reason.
function fileName(name: string): string {
  return name.length > IMPORT_MAX_FILE_NAME_CHARS ? `${name.slice(0, IMPORT_MAX_FILE_NAME_CHARS)}…` : name;
}

/** A raw body's chunks, stopped with TooLarge past the request cap (declared or read). */
async function* cappedBody(req: Request): AsyncIterable<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > IMPORT_MAX_REQUEST_BYTES)
    throw tooLarge(`request is ${formatBytes(declared)}, the limit is ${formatBytes(IMPORT_MAX_REQUEST_BYTES)}`);
  if (!req.body) return;
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > IMPORT_MAX_REQUEST_BYTES) throw tooLarge(`request is larger than the limit of ${formatBytes(IMPORT_MAX_REQUEST_BYTES)}`);
    yield chunk;
  }
}

const inMemory: Keep<UploadedFile> = async (_index, name, bytes) => {
  const chunks: Uint8Array[] = [];
  for await (const c of bytes) chunks.push(c);
  return { name, content: Buffer.concat(chunks) };
};

/** Files on disk are named by their place in the upload: the sender's names never become paths. */
function inFolder(folder: string): Keep<SpooledFile> {
  return async (index, name, bytes) => {
    const file = `${index}.upload`;
    const out = await open(path.join(folder, file), "wx", 0o600);
    // After a failed write the rest is still read (and dropped): a part left unread would stall the multipart reader.
    const failure: { error?: Error } = {};
    try {
      for await (const c of bytes) {
        if (!failure.error) await out.write(c).catch((e: Error) => void (failure.error = e));
      }
    } finally {
      await out.close();
    }
    if (failure.error) throw importFailed(`the upload could not be written to a temp folder (${failure.error.message})`);
    return { name, file };
  };
}

/**
 * The upload's files in order, each kept by `keep`. Problems with the request as a whole (not multipart, too large,
 * too many files, no file) are thrown as HttpErrors; importUpload reports them against the file "request".
 */
async function receive<F>(req: Request, keep: Keep<F>): Promise<F[]> {
  const streams: Readable[] = [];
  const pending: Promise<F>[] = [];
  try {
    if (!/^multipart\/form-data/i.test(req.headers.get("content-type") ?? "")) {
      const name = new URL(req.url).searchParams.get("name") || req.headers.get("x-file-name") || "upload";
      return [await keep(0, fileName(name), cappedBody(req))];
    }
    // Streamed part by part: each file's bytes are kept once, never a second copy of the whole body.
    await readMultipart(
      req,
      {
        maxBytes: IMPORT_MAX_REQUEST_BYTES,
        maxFieldBytes: 64 * 1024,
        maxParts: IMPORT_MAX_FILES + 20,
        isBytes: (_name, file) => file !== undefined,
      },
      {
        bytes(field, name, stream) {
          if (pending.length === IMPORT_MAX_FILES)
            throw tooLarge(`more than ${IMPORT_MAX_FILES} files in one request, the limit is ${IMPORT_MAX_FILES}`);
          streams.push(stream);
          const kept = keep(pending.length, fileName(name || field), stream);
          kept.catch(() => {}); // awaited below; a failure must not count as unhandled meanwhile
          pending.push(kept);
        },
      },
    );
    if (pending.length === 0) throw badRequest("no file in the form: send the trajectory as a file field");
    return await Promise.all(pending);
  } catch (e) {
    // Every file stops being kept (and its file on disk is closed) before the caller removes the folder.
    for (const s of streams) s.destroy();
    await Promise.allSettled(pending);
    throw e;
  }
}

/** Every import failure has one shape: a problem with the request as a whole is reported against the file "request". */
function inImportShape(e: unknown): unknown {
  if (!(e instanceof HttpError) || e.extra?.errors) return e;
  return new HttpError(e.code, e.message, { ...e.extra, errors: [{ file: "request", reason: e.message }] }, e.headers);
}

/**
 * Reads the request's files and imports them as `actor` (importFiles: all or nothing, in one transaction). An upload
 * whose Content-Length is over IMPORT_INLINE_MAX_BYTES (or missing, as a chunked one's) is received into a temp folder
 * (MAX_LARGE_UPLOADS at once, MAX_LARGE_UPLOADS_PER_OPERATOR per operator, else HttpError TooManyRequests before the
 * body is read), then imported by a child process once one of MAX_IMPORT_WORKERS is free, killed when the request is
 * aborted; its temp folder is removed in every case. Throws HttpError for problems with the request as a
 * whole, and Unavailable (503) when the child could not finish (lib/import/offload.ts says why).
 */
export async function importUpload(req: Request, actor: Actor): Promise<ImportOutcome> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  try {
    // Over the request cap the reader answers 413 before reading anything: no folder, no process, no slot for that.
    if (declared <= IMPORT_INLINE_MAX_BYTES || declared > IMPORT_MAX_REQUEST_BYTES)
      return await importFiles(await receive(req, inMemory), actor);
    return await withImportFolder(actor.label, async (folder) => {
      const files = await receive(req, inFolder(folder));
      return withWorkerSlot(() => importInWorker(folder, files, actor, { signal: req.signal }), req.signal);
    });
  } catch (e) {
    throw inImportShape(e);
  }
}
