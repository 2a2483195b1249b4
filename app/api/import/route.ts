// POST /api/import: a trajectory in any of the four shapes (multipart files, or the raw file as the body).
import { route } from "@/lib/api/route";
import { db } from "@/lib/db/client";
import { importFiles, type UploadedFile } from "@/lib/import/import-files";
import { readBodyCapped } from "@/lib/http/body";
import { badRequest, HttpError, tooLarge } from "@/lib/http/errors";
import { IMPORT_MAX_FILE_NAME_CHARS, IMPORT_MAX_FILES, IMPORT_MAX_REQUEST_BYTES } from "@/lib/limits";

// Every failure has the same shape: problems with the request as a whole are reported against the file "request".
const whole = (reason: string) => ({ errors: [{ file: "request", reason }] });

// Names only appear in messages; a long one would drown the reason.
function fileName(name: string): string {
  return name.length > IMPORT_MAX_FILE_NAME_CHARS ? `${name.slice(0, IMPORT_MAX_FILE_NAME_CHARS)}…` : name;
}

async function uploadedFiles(req: Request): Promise<UploadedFile[]> {
  const type = req.headers.get("content-type") ?? "";
  let body: Buffer;
  try {
    body = await readBodyCapped(req, IMPORT_MAX_REQUEST_BYTES);
  } catch (e) {
    if (e instanceof HttpError) throw new HttpError(e.code, e.message, whole(e.message));
    throw e;
  }
  if (!type.startsWith("multipart/form-data")) {
    const name = new URL(req.url).searchParams.get("name") || req.headers.get("x-file-name") || "upload";
    return [{ name: fileName(name), content: body }];
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData();
  } catch {
    throw badRequest("malformed multipart/form-data body", whole("malformed multipart/form-data body"));
  }
  const files: UploadedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === "string") continue;
    if (files.length === IMPORT_MAX_FILES) {
      const reason = `more than ${IMPORT_MAX_FILES} files in one request, the limit is ${IMPORT_MAX_FILES}`;
      throw tooLarge(reason, whole(reason));
    }
    files.push({ name: fileName(value.name || field), content: Buffer.from(await value.arrayBuffer()) });
  }
  if (files.length === 0) throw badRequest("no file in the form: send the trajectory as a file field", whole("no file in the form: send the trajectory as a file field"));
  return files;
}

export const POST = route({ access: "operator" }, async ({ req }) => {
  const outcome = await importFiles(db(), await uploadedFiles(req));
  if (!outcome.ok) {
    const code = outcome.errors.some((e) => e.code === "TooLarge") ? "TooLarge" : "BadRequest";
    throw new HttpError(code, outcome.errors.map((e) => `${e.file}: ${e.reason}`).join("; "), { errors: outcome.errors });
  }
  return {
    jobs: outcome.jobs.map((j) => ({ id: j.id, file: j.file, workflow: j.workflow, spans: j.spanCount, verdict: j.verdict, status: j.status, created: j.created })),
  };
});
