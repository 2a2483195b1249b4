// POST /api/import: a trajectory in any of the four shapes (multipart files, or the raw file as the body). A large
// upload is imported by a child process (lib/import/upload.ts decides, lib/import/offload.ts runs it). proxy.ts skips
// this route so its body streams in unbuffered; route() checks the Host in its place.
import { postOnly, route } from "@/lib/api/route";
import { actorOf } from "@/lib/audit/log";
import { importUpload } from "@/lib/import/upload";
import { HttpError } from "@/lib/http/errors";
import { noteWrite } from "@/lib/db/read-your-writes";

export const POST = route({ access: "operator", outsideProxy: true }, async ({ req, user }) => {
  const outcome = await importUpload(req, actorOf(user!));
  if (!outcome.ok) {
    const code = outcome.errors.some((e) => e.code === "TooLarge")
      ? "TooLarge"
      : outcome.errors.some((e) => e.code === "Conflict")
        ? "Conflict"
        : "BadRequest";
    throw new HttpError(code, outcome.errors.map((e) => `${e.file}: ${e.reason}`).join("; "), { errors: outcome.errors });
  }
  await noteWrite();
  return {
    jobs: outcome.jobs.map((j) => ({
      id: j.id,
      file: j.file,
      workflow: j.workflow,
      spans: j.spanCount,
      verdict: j.verdict,
      status: j.status,
      created: j.created,
    })),
  };
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = postOnly();
