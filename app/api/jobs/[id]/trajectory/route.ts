// GET /api/jobs/<id>/trajectory: a run's spans as a trajectory file (formats doc §1), for agents and downloads.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { rowToSpan } from "@/lib/db/span-rows";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = z.string().uuid().safeParse((await params).id);
  if (!id.success) return Response.json({ error: "not a run id" }, { status: 400 });
  const job = await db().job.findUnique({ where: { id: id.data }, select: { spans: { orderBy: { seq: "asc" } } } });
  if (!job) return Response.json({ error: `no run ${id.data}` }, { status: 404 });
  return Response.json(job.spans.map(rowToSpan));
}
