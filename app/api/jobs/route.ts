// GET /api/jobs: the history as JSON, with the page's filters, sort and cursors (lib/history/query.ts).
import { route } from "@/lib/api/route";
import { readDb } from "@/lib/db/read-your-writes";
import { findJobs } from "@/lib/history/list";
import { countJobs } from "@/lib/history/stats";
import { parseHistoryQuery } from "@/lib/history/query";
import { badRequest } from "@/lib/http/errors";

export const GET = route({ access: "viewer" }, async ({ req }) => {
  const parsed = parseHistoryQuery(new URL(req.url).searchParams);
  if (!parsed.ok) throw badRequest(parsed.error);
  const reader = await readDb();
  const [page, total] = await Promise.all([findJobs(reader, parsed.query), countJobs(reader, parsed.query)]);
  return { ...page, total };
});
