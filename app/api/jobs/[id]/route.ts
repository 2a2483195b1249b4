// GET /api/jobs/<id>: one job with its verdict, totals and reruns (no spans; see ./trajectory).
import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { getJobSummary } from "@/lib/db/history-export";
import { isJobId } from "@/lib/db/job-id";
import { jsonError } from "@/lib/history/api";
import { authorizeRequest } from "@/lib/auth/session";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeRequest(request, "viewer");
  if (!auth.ok) return auth.response;
  const { id } = await params;
  if (!isJobId(id)) return jsonError(400, "id: expected a job UUID");
  const job = await getJobSummary(db(), id);
  return job ? NextResponse.json(job) : jsonError(404, `no job ${id}`);
}
