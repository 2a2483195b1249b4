// The load run's own checks can fail: the send order holds every copy a real agent sends, and the ledger's database
// check reports spans that are missing, stored with other fields, or never sent.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Ledger } from "@/lib/load/ledger";
import { queueJobs } from "@/lib/load/queue";
import { makeTrajectory, rng, sendOrder } from "@/lib/load/trajectory";

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: inject("databaseUrl") });
  await client.connect();
});
afterAll(() => client?.end());

describe("load trajectories", () => {
  it("send every span's start copy before its finish copy unless swapped, parents finishing after children", () => {
    const spans = makeTrajectory(30, 1, Date.UTC(2026, 0, 1));
    expect(spans.map((s) => s.Seq)).toEqual([...Array(30).keys()]);
    for (const [i, s] of spans.entries()) {
      const next = spans.findIndex((c, j) => j > i && c.Nesting <= s.Nesting);
      const children = spans.slice(i + 1, next === -1 ? spans.length : next);
      for (const c of children) expect(Date.parse(s.Finished!)).toBeGreaterThan(Date.parse(c.Finished!));
    }
    const plain = sendOrder(spans, rng(2), 0, 0);
    expect(plain).toHaveLength(60);
    for (const s of spans) {
      const start = plain.findIndex((c) => c.Seq === s.Seq && !c.Finished);
      const finish = plain.findIndex((c) => c.Seq === s.Seq && c.Finished);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(finish).toBeGreaterThan(start);
    }
    const messy = sendOrder(spans, rng(3), 0.3, 0.3);
    expect(messy.length).toBeGreaterThan(60);
    expect(new Set(messy.filter((c) => c.Finished).map((c) => c.Seq)).size).toBe(30);
  });
});

describe("ledger check", () => {
  it("finds nothing wrong when the rows are what was acknowledged, and counts lost, wrong and unexpected rows", async () => {
    const [jobId] = await queueJobs(client, `ledger-${randomUUID().slice(0, 8)}`, 1);
    const spans = makeTrajectory(6, 4, Date.UTC(2026, 0, 1));
    const ledger = new Ledger();
    const insert = (seq: number, finished: string | null, outputTokens: number | null) =>
      client.query(
        "INSERT INTO spans (job_id, seq, nesting, type, name, started_at, finished_at, error, output_tokens) VALUES ($1, $2, 0, 't', 'n', now(), $3, $4, $5)",
        [jobId, seq, finished, spans[seq]!.Error ?? null, outputTokens],
      );
    for (const s of spans.slice(0, 4)) {
      ledger.sending(jobId!, s.Seq);
      ledger.acknowledge(jobId!, s);
      await insert(s.Seq, s.Finished!, s.OutputTokens ?? null);
    }
    expect(await ledger.verify(client)).toMatchObject({ acknowledged: 4, lost: 0, duplicates: 0, wrongFields: 0, unexpected: 0 });

    // seq 4 acknowledged but never stored; seq 3 stored without its finish time; seq 5 stored but never sent.
    ledger.sending(jobId!, 4);
    ledger.acknowledge(jobId!, spans[4]!);
    await client.query("UPDATE spans SET finished_at = NULL WHERE job_id = $1 AND seq = 3", [jobId]);
    await insert(5, null, null);
    const v = await ledger.verify(client);
    expect(v).toMatchObject({ acknowledged: 5, lost: 1, duplicates: 0, wrongFields: 1, unexpected: 1 });
    expect(v.examples).toHaveLength(3);
  });
});
