// A run in the state live views follow, for the live tests.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";

/** Creates a running patch-triage job (agent "a", no spans) and returns its id. */
export async function runningJob(): Promise<string> {
  const id = randomUUID();
  await db().job.create({ data: { id, workflow: "patch-triage", status: "running", agentName: "a", source: "agent" } });
  return id;
}
