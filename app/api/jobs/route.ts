// GET /api/jobs: the history as JSON, with the page's filters, sort and cursors (lib/history/query.ts).
import { NextResponse, type NextRequest } from "next/server";
import { db } from "@/lib/db/client";
import { findJobs, HistoryQueryError } from "@/lib/db/history";
import { countJobs } from "@/lib/db/history-stats";
import { parseHistoryQuery } from "@/lib/history/query";
import { jsonError } from "@/lib/history/api";
import { authorizeRequest } from "@/lib/auth/session";

export async function GET(request: NextRequest) {
  const auth = await authorizeRequest(request, "viewer");
  if (!auth.ok) return auth.response;
  const parsed = parseHistoryQuery(request.nextUrl.searchParams);
  if (!parsed.ok) return jsonError(400, parsed.error);
  try {
    const [page, total] = await Promise.all([findJobs(db(), parsed.query), countJobs(db(), parsed.query)]);
    return NextResponse.json({ ...page, total });
  } catch (e) {
    if (e instanceof HistoryQueryError) return jsonError(400, e.message);
    throw e;
  }
}
