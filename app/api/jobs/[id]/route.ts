// GET /api/jobs/<id>: one run's job fields as JSON (agents read rerunOfId from it to find the recorded run to replay).
import { z } from "zod";
import { db } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = z.string().uuid().safeParse((await params).id);
  if (!id.success) return Response.json({ error: "not a run id" }, { status: 400 });
  const job = await db().job.findUnique({
    where: { id: id.data },
    select: {
      id: true, workflow: true, workflowType: true, status: true, description: true, link: true, args: true, results: true,
      error: true, agentName: true, codeRevision: true, createdAt: true, startedAt: true, finishedAt: true, rerunOfId: true, verdict: true,
    },
  });
  if (!job) return Response.json({ error: `no run ${id.data}` }, { status: 404 });
  return Response.json(job);
}
