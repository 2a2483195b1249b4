// Nothing a producer sends is dropped: a span field this viewer does not know, logged by an agent
// (ai_trajectory_log's write, lib/ingest/log-span.ts), is stored as it came and exported back.
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { logSpan } from "@/lib/ingest/log-span";
import { getTrajectory } from "@/lib/runs/export";
import { spanSchema } from "@/lib/trajectory/span";

afterAll(disconnectDb);

describe("unknown span fields", () => {
  it("are kept by the agent's span write and come back in the trajectory after the known fields", async () => {
    const id = randomUUID();
    await pool().query(
      `INSERT INTO jobs (id, workflow, status, agent_client, started_at, last_seen_at) VALUES ($1, 'w', 'running', 'c', now(), now())`,
      [id],
    );
    const span = spanSchema.parse({
      Seq: 0,
      Nesting: 0,
      Type: "llm",
      Name: "x",
      Started: "2026-01-01T00:00:00Z",
      CacheTokens: 12,
      Next: { b: 1, a: [true] },
    });
    expect(span.Extra).toEqual({ CacheTokens: 12, Next: { b: 1, a: [true] } });
    expect(await logSpan("c", "agent", id, span)).toBeNull();
    expect(await getTrajectory(db(), id)).toBe(
      '[{"Seq":0,"Nesting":0,"Type":"llm","Name":"x","Started":"2026-01-01T00:00:00Z","CacheTokens":12,"Next":{"b":1,"a":[true]}}]',
    );
  });
});
