// GET /api/jobs/<id>/trajectory: the run's spans as a trajectory file, which POST /api/import takes back.
import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { getTrajectory } from "@/lib/db/history-export";
import { isJobId } from "@/lib/db/job-id";
import { jsonError } from "@/lib/history/api";
import { authorizeRequest } from "@/lib/auth/session";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeRequest(request, "viewer");
  if (!auth.ok) return auth.response;
  const { id } = await params;
  if (!isJobId(id)) return jsonError(400, "id: expected a job UUID");
  const spans = await getTrajectory(db(), id);
  if (!spans) return jsonError(404, `no job ${id}`);
  // ?download=1 saves it as a file instead of showing it.
  const download = new URL(request.url).searchParams.get("download") === "1";
  return NextResponse.json(spans, download ? { headers: { "Content-Disposition": `attachment; filename="trajectory-${id}.json"` } } : undefined);
}
