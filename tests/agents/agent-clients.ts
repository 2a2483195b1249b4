// Agent clients for the protocol tests: a new client with its key, under a name no other test uses.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { addClient } from "@/lib/agents/keys";
import { pool } from "@/lib/db/pool";
import { queueJobs } from "@/lib/load/queue";
import { expect } from "vitest";

/** An agent client's name and key, as the protocol's Basic auth takes them. */
export interface Creds {
  client: string;
  key: string;
}

/** Adds the agent client `<prefix>-<8 random hex>` and returns its name and key. */
export async function newClient(prefix: string): Promise<Creds> {
  const client = `${prefix}-${randomUUID().slice(0, 8)}`;
  return { client, key: await addClient(db(), client) };
}

/**
 * Queues one job of a workflow of its own (`<prefix>-<6 hex>`) and takes it with an ai_job_poll sent through `call`
 * (the test's own way of sending a call); returns the job's id.
 */
export async function takeRunningJob(
  call: (method: string, payload: string) => Promise<{ text: string }>,
  prefix: string,
): Promise<string> {
  const workflow = `${prefix}-${randomUUID().slice(0, 6)}`;
  const [jobId] = await queueJobs(pool(), workflow, 1);
  const polled = await call(
    "ai_job_poll",
    JSON.stringify({ AgentName: "a", CodeRevision: "r", Workflows: [{ Type: workflow, Name: workflow }] }),
  );
  expect(JSON.parse(polled.text).ID).toBe(jobId);
  return jobId!;
}
