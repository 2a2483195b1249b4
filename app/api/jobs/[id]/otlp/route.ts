// GET /api/jobs/<id>/otlp: the run as OTLP JSON in the GenAI conventions (lib/otlp/export.ts), for any OpenTelemetry
// backend; POST /api/import takes it back. ?original=1: the spans of a run received over OTLP exactly as they came.
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { originalOtlp, runAsOtlp } from "@/lib/otlp/export";
import { notFound, noSuchRun } from "@/lib/http/errors";

export const GET = route({ access: "viewer", params: runParams }, async ({ req, params: { id } }) => {
  const search = new URL(req.url).searchParams;
  const original = search.get("original") === "1";
  const json = original ? await originalOtlp(db(), id) : await runAsOtlp(db(), id);
  if (json === null)
    throw original && (await runAsOtlp(db(), id)) !== null ? notFound(`run ${id} was not received over OTLP`) : noSuchRun(id);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (search.get("download") === "1")
    headers["content-disposition"] = `attachment; filename="otlp-${id}${original ? "-original" : ""}.json"`;
  return new Response(json, { headers });
});
