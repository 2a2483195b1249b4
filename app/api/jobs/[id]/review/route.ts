// PUT /api/jobs/<id>/review {"correct": true|false|null}: an operator marks the run correct, incorrect, or clears it.
import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { isJobId } from "@/lib/db/job-id";
import { jsonError } from "@/lib/history/api";
import { authorizeRequest } from "@/lib/auth/session";
import { actorOf } from "@/lib/audit/log";
import { reviewJob, reviewRequestSchema } from "@/lib/jobs/review";

export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeRequest(request, "operator");
  if (!auth.ok) return auth.response;
  const { id } = await params;
  if (!isJobId(id)) return jsonError(400, "id: expected a job UUID");
  const text = await request.text();
  if (text.length > 1000) return jsonError(413, "body: a review is at most 1000 bytes");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return jsonError(400, 'body: expected JSON like {"correct": true}');
  }
  const parsed = reviewRequestSchema.safeParse(body);
  if (!parsed.success) return jsonError(400, parsed.error.issues.map((i) => i.message).join("; "));
  const review = await reviewJob(db(), id, parsed.data.correct, actorOf(auth.user));
  return review ? NextResponse.json(review) : jsonError(404, `no job ${id}`);
}
