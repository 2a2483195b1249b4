// GET /api/jobs/<id>/otlp: the run as OTLP JSON in the GenAI conventions (lib/otlp/export.ts), for any OpenTelemetry
// backend; POST /api/import takes it back. ?original=1: the spans of a run received over OTLP exactly as they came.
// Streamed a page of spans at a time as the client reads (lib/db/span-pages.ts), a few such exports per process.
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { readDb, readPool } from "@/lib/db/read-your-writes";
import { originalOtlpChunks, runAsOtlpChunks } from "@/lib/otlp/export";
import { streamedExport } from "@/lib/http/text-stream";
import { notFound, noSuchRun } from "@/lib/http/errors";
import { requesterOf } from "@/lib/auth/client-address";

export const GET = route({ access: "viewer", params: runParams }, async ({ req, params: { id }, user }) => {
  const search = new URL(req.url).searchParams;
  const original = search.get("original") === "1";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (search.get("download") === "1")
    headers["content-disposition"] = `attachment; filename="otlp-${id}${original ? "-original" : ""}.json"`;
  const db = await readDb("expensive");
  const pool = await readPool("expensive");
  const res = await streamedExport(
    () => (original ? originalOtlpChunks(db, id, pool) : runAsOtlpChunks(db, id, pool)),
    headers,
    requesterOf(req.headers, user?.id ?? null),
  );
  if (res !== null) return res;
  if (original && (await db.job.count({ where: { id } })) > 0) throw notFound(`run ${id} was not received over OTLP`);
  throw noSuchRun(id);
});
