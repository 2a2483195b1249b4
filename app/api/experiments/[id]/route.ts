// GET /api/experiments/<id>: the experiment and its analysis as the page shows it (JSON, polled while it runs);
// ?format=csv (one line per pair) or ?format=json (experiment, analysis and pairs) downloads a file.
import { z } from "zod";
import { route } from "@/lib/api/route";
import { readDb } from "@/lib/db/read-your-writes";
import { notFound } from "@/lib/http/errors";
import { isJobId } from "@/lib/trajectory/job-id";
import { loadExperiment, loadExperimentView } from "@/lib/experiments/report";
import { experimentCsv, experimentJson } from "@/lib/experiments/export";

const params = z.object({ id: z.string().refine(isJobId, "not an experiment id (expected a UUID)") });
const query = z.object({ format: z.enum(["csv", "json"]).optional() });

export const GET = route({ access: "viewer", params, query }, async ({ params: { id }, query: { format } }) => {
  if (!format) {
    const view = await loadExperimentView(await readDb(), id);
    if (!view) throw notFound(`no experiment ${id}`);
    return view;
  }
  const data = await loadExperiment(await readDb("expensive"), id);
  if (!data) throw notFound(`no experiment ${id}`);
  const file = `experiment-${id}.${format}`;
  const body = format === "csv" ? experimentCsv(data.pairs) : experimentJson(data);
  return new Response(body, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${file}"`,
    },
  });
});
