// POST /api/import: a trajectory in any of the four shapes (multipart files, or the raw file as the body).
import { db } from "@/lib/db/client";
import { importFiles, type UploadedFile } from "@/lib/import/import-files";
import { formatBytes } from "@/lib/import/errors";
import { IMPORT_MAX_FILE_NAME_CHARS, IMPORT_MAX_FILES, IMPORT_MAX_REQUEST_BYTES as MAX_REQUEST_BYTES } from "@/lib/limits";
import { authorizeRequest } from "@/lib/auth/session";

/** Every 4xx has the same shape; problems with the request as a whole are reported against the file "request". */
function problem(status: number, error: string, errors: { file: string; reason: string }[] = [{ file: "request", reason: error }]) {
  return Response.json({ error, errors }, { status });
}

/** Reads the body but stops at the limit, so a chunked upload without Content-Length cannot exhaust memory. */
async function readCapped(req: Request, limit: number): Promise<Buffer | null> {
  if (!req.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// Names only appear in messages; a long one would drown the reason.
function fileName(name: string): string {
  return name.length > IMPORT_MAX_FILE_NAME_CHARS ? `${name.slice(0, IMPORT_MAX_FILE_NAME_CHARS)}…` : name;
}

async function uploadedFiles(req: Request): Promise<UploadedFile[] | Response> {
  const type = req.headers.get("content-type") ?? "";
  const body = await readCapped(req, MAX_REQUEST_BYTES);
  if (!body) return problem(413, `request is larger than the limit of ${formatBytes(MAX_REQUEST_BYTES)}`);
  if (!type.startsWith("multipart/form-data")) {
    const name = new URL(req.url).searchParams.get("name") || req.headers.get("x-file-name") || "upload";
    return [{ name: fileName(name), content: body }];
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData();
  } catch {
    return problem(400, "malformed multipart/form-data body");
  }
  const files: UploadedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === "string") continue;
    if (files.length === IMPORT_MAX_FILES) return problem(413, `more than ${IMPORT_MAX_FILES} files in one request, the limit is ${IMPORT_MAX_FILES}`);
    files.push({ name: fileName(value.name || field), content: Buffer.from(await value.arrayBuffer()) });
  }
  if (files.length === 0) return problem(400, "no file in the form: send the trajectory as a file field");
  return files;
}

export async function POST(req: Request) {
  const auth = await authorizeRequest(req, "operator");
  if (!auth.ok) return auth.response;
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_REQUEST_BYTES) return problem(413, `request is ${formatBytes(declared)}, the limit is ${formatBytes(MAX_REQUEST_BYTES)}`);
  const files = await uploadedFiles(req);
  if (files instanceof Response) return files;
  const outcome = await importFiles(db(), files);
  if (!outcome.ok) {
    const status = outcome.errors.some((e) => /the limit is/.test(e.reason)) ? 413 : 400;
    return problem(status, outcome.errors.map((e) => `${e.file}: ${e.reason}`).join("; "), outcome.errors);
  }
  return Response.json({
    jobs: outcome.jobs.map((j) => ({ id: j.id, file: j.file, workflow: j.workflow, spans: j.spanCount, verdict: j.verdict, status: j.status, created: j.created })),
  });
}
