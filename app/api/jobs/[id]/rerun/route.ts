// POST /api/jobs/<id>/rerun: queue a rerun (operators); 201 with the new job, 200 when one was already queued.
import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { isJobId } from "@/lib/db/job-id";
import { jsonError } from "@/lib/history/api";
import { authorizeRequest } from "@/lib/auth/session";
import { actorOf } from "@/lib/audit/log";
import { rerunJob } from "@/lib/jobs/rerun";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeRequest(request, "operator");
  if (!auth.ok) return auth.response;
  const { id } = await params;
  if (!isJobId(id)) return jsonError(400, "id: expected a job UUID");
  const outcome = await rerunJob(db(), id, actorOf(auth.user));
  if (!outcome.ok) return jsonError(outcome.reason.startsWith("no run") ? 404 : 409, outcome.reason);
  return NextResponse.json({ id: outcome.id, created: outcome.created }, { status: outcome.created ? 201 : 200 });
}
