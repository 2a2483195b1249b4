"use server";
// The Rerun button's server action: validates the id and queues the rerun.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { rerunJob, type RerunOutcome } from "@/lib/jobs/rerun";

export async function rerunAction(jobId: string): Promise<RerunOutcome> {
  const id = z.string().uuid().safeParse(jobId);
  if (!id.success) return { ok: false, reason: "not a run id" };
  return rerunJob(db(), id.data);
}
