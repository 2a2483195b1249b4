// POST /api/import: a trajectory in any of the four shapes (multipart files, or the raw file as the body).
import { route } from "@/lib/api/route";
import { actorOf } from "@/lib/audit/log";
import { readMultipart } from "@/lib/http/multipart";
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
  try {
    if (!/^multipart\/form-data/i.test(type)) {
      const name = new URL(req.url).searchParams.get("name") || req.headers.get("x-file-name") || "upload";
      return [{ name: fileName(name), content: await readBodyCapped(req, IMPORT_MAX_REQUEST_BYTES) }];
    }
    // Streamed part by part: each file's bytes are kept once, never a second copy of the whole body.
    const files: UploadedFile[] = [];
    await readMultipart(
      req,
      { maxBytes: IMPORT_MAX_REQUEST_BYTES, maxFieldBytes: 64 * 1024, maxParts: IMPORT_MAX_FILES + 20, isBytes: (_name, file) => file !== undefined },
      {
        bytes(field, name, stream) {
          if (files.length === IMPORT_MAX_FILES) throw tooLarge(`more than ${IMPORT_MAX_FILES} files in one request, the limit is ${IMPORT_MAX_FILES}`);
          const chunks: Buffer[] = [];
          const file: UploadedFile = { name: fileName(name || field), content: Buffer.alloc(0) };
          files.push(file);
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => (file.content = Buffer.concat(chunks)));
        },
      },
    );
    if (files.length === 0) throw badRequest("no file in the form: send the trajectory as a file field");
    return files;
  } catch (e) {
    // Every failure has the one shape: problems with the request as a whole are reported against the file "request".
    if (e instanceof HttpError) throw new HttpError(e.code, e.message, whole(e.message));
    throw e;
  }
}

export const POST = route({ access: "operator" }, async ({ req, user }) => {
  const outcome = await importFiles(await uploadedFiles(req), actorOf(user!));
  if (!outcome.ok) {
    const code = outcome.errors.some((e) => e.code === "TooLarge") ? "TooLarge" : outcome.errors.some((e) => e.code === "Conflict") ? "Conflict" : "BadRequest";
    throw new HttpError(code, outcome.errors.map((e) => `${e.file}: ${e.reason}`).join("; "), { errors: outcome.errors });
  }
  return {
    jobs: outcome.jobs.map((j) => ({ id: j.id, file: j.file, workflow: j.workflow, spans: j.spanCount, verdict: j.verdict, status: j.status, created: j.created })),
  };
});
