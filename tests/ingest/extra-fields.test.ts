// Nothing a producer sends is dropped: a span field this viewer does not know, logged by an agent
// (ai_trajectory_log's write, lib/ingest/span-batch.ts), is stored as it came and exported back.
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { storeSpans } from "@/lib/ingest/span-batch";
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
    expect(await storeSpans([{ client: "c", agentName: "agent", jobId: id, span }])).toEqual([null]);
    expect(await getTrajectory(db(), id)).toBe(
      '[{"Seq":0,"Nesting":0,"Type":"llm","Name":"x","Started":"2026-01-01T00:00:00Z","CacheTokens":12,"Next":{"b":1,"a":[true]}}]',
    );
  });
  it("are kept by a group-committed batch of spans too (the multi-row statement)", async () => {
    const id = randomUUID();
    await pool().query(
      `INSERT INTO jobs (id, workflow, status, agent_client, started_at, last_seen_at) VALUES ($1, 'w', 'running', 'c', now(), now())`,
      [id],
    );
    const spans = [0, 1].map((Seq) =>
      spanSchema.parse({ Seq, Nesting: 0, Type: "tool", Name: "t", Started: "2026-01-01T00:00:00Z", NewCount: Seq + 7 }),
    );
    expect(await storeSpans(spans.map((span) => ({ client: "c", agentName: "agent", jobId: id, span })))).toEqual([null, null]);
    expect(await getTrajectory(db(), id)).toBe(
      '[{"Seq":0,"Nesting":0,"Type":"tool","Name":"t","Started":"2026-01-01T00:00:00Z","NewCount":7},' +
        '{"Seq":1,"Nesting":0,"Type":"tool","Name":"t","Started":"2026-01-01T00:00:00Z","NewCount":8}]',
    );
  });
});
