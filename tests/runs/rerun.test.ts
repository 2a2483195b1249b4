// Integration: reruns on a real PostgreSQL — one rerun however many clicks, none of a running job.
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { rerunJob } from "@/lib/runs/rerun";
import { patchTriageRun } from "@/lib/demo/patch-triage";
import { COMMAND_LINE } from "@/lib/audit/log";

afterAll(disconnectDb);

let seed = 5000;
async function storedRun(opts: { running?: boolean } = {}) {
  seed++;
  const run = patchTriageRun({
    seed,
    start: new Date(Date.UTC(2026, 6, 1, 0, 0, seed % 60)),
    description: `rerun test ${seed}`,
    subsystem: "mm",
    files: ["mm/slub.c"],
    symbols: ["kmem_cache_alloc"],
    configs: ["SLUB"],
    worthFuzzing: true,
    needsKmsan: false,
    steps: 2,
    ...opts,
  });
  return saveImportedRun(run);
}

describe("rerunJob", () => {
  it("queues a pending job with the same workflow and inputs, linked to the original", async () => {
    const original = await storedRun();
    const r = await rerunJob(db(), original.id, COMMAND_LINE);
    expect(r).toMatchObject({ created: true });
    const [o, n] = await Promise.all([
      db().job.findUniqueOrThrow({ where: { id: original.id } }),
      db().job.findUniqueOrThrow({ where: { id: r.id } }),
    ]);
    expect(n).toMatchObject({ status: "pending", workflow: o.workflow, rerunOfId: o.id, description: o.description, spanCount: 0 });
    expect(n.args).toEqual(o.args);
  });

  it("makes one rerun when many clicks arrive at once", async () => {
    const original = await storedRun();
    const results = await Promise.all(Array.from({ length: 8 }, () => rerunJob(db(), original.id, COMMAND_LINE)));
    const ids = new Set(results.map((r) => r.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await db().job.count({ where: { rerunOfId: original.id } })).toBe(1);
    // Audited once, with the rerun it made.
    const audit = await db().auditEvent.findMany({ where: { action: "rerun", target: original.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: null, actorLabel: "command line", details: { rerunId: [...ids][0] } });
  });

  it("refuses to rerun a running job, with the reason", async () => {
    // An imported unfinished run is incomplete; running is a job an agent holds.
    const running = await storedRun({ running: true });
    await db().job.update({ where: { id: running.id }, data: { status: "running" } });
    await expect(rerunJob(db(), running.id, COMMAND_LINE)).rejects.toMatchObject({
      code: "Conflict",
      status: 409,
      message: "this run is running; rerun it once it has ended",
    });
    expect(await db().job.count({ where: { rerunOfId: running.id } })).toBe(0);
  });

  it("reruns an imported run that never finished (incomplete): it will give no other answer", async () => {
    const unfinished = await storedRun({ running: true });
    expect((await db().job.findUniqueOrThrow({ where: { id: unfinished.id } })).status).toBe("incomplete");
    const r = await rerunJob(db(), unfinished.id, COMMAND_LINE);
    expect(r.created).toBe(true);
    expect((await db().job.findUniqueOrThrow({ where: { id: r.id } })).rerunOfId).toBe(unfinished.id);
  });

  it("says so for a run that does not exist", async () => {
    await expect(rerunJob(db(), "00000000-0000-4000-8000-000000000000", COMMAND_LINE)).rejects.toMatchObject({
      code: "NotFound",
      status: 404,
      message: "no run 00000000-0000-4000-8000-000000000000",
    });
  });
});
