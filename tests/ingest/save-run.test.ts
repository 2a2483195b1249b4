// Integration: storing runs in a real PostgreSQL (the throwaway embedded one, or DATABASE_URL).
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { InvalidRunError, saveImportedRun } from "@/lib/ingest/save-run";
import { getRun } from "@/lib/runs/queries";
import { listJobs } from "@/lib/history/list";
import { patchTriageRun } from "@/lib/demo/patch-triage";
import type { ImportedRun } from "@/lib/trajectory/span";

afterAll(disconnectDb);

let seed = 1000;
function run(overrides: Partial<Parameters<typeof patchTriageRun>[0]> = {}): ImportedRun {
  seed++;
  return patchTriageRun({
    seed, start: new Date(Date.UTC(2026, 5, 29, 12, 0, seed % 60)), description: `run ${seed}`, subsystem: "ext4",
    files: ["fs/ext4/file.c"], symbols: ["ext4_dio_write_checks"], configs: ["EXT4_FS"], worthFuzzing: true, needsKmsan: false, steps: 3,
    ...overrides,
  });
}

describe("saveImportedRun", () => {
  it("stores the job, its spans with parents, and the totals the history needs", async () => {
    const r = run({ toolErrorSteps: [1] });
    const saved = await saveImportedRun(db(), r);
    expect(saved).toMatchObject({ created: true, workflow: "patch-triage", verdict: true, status: "finished", spanCount: r.spans.length });
    const stored = await getRun(db(), saved.id);
    expect(stored?.spans).toHaveLength(r.spans.length);
    expect(stored?.spans.map((s) => s.seq)).toEqual(r.spans.map((s) => s.Seq));
    const llm = r.spans.filter((s) => s.Type === "llm");
    expect(stored).toMatchObject({
      llmCalls: llm.length,
      toolCalls: r.spans.filter((s) => s.Type === "tool").length,
      toolErrors: 1,
      inputTokens: llm.reduce((a, s) => a + (s.InputTokens ?? 0), 0),
      verdict: true,
    });
    // the agent's children hang under it; the agent under the flow
    const agent = stored!.spans.find((s) => s.type === "agent")!;
    expect(agent.parentSeq).toBe(0);
    expect(stored!.spans.filter((s) => s.parentSeq === agent.seq).every((s) => s.nesting === 2)).toBe(true);
    expect(stored!.durationMs).toBe(new Date(r.spans[0]!.Finished!).getTime() - new Date(r.spans[0]!.Started).getTime());
  });

  it("does not duplicate a run imported twice", async () => {
    const r = run();
    const first = await saveImportedRun(db(), r);
    const second = await saveImportedRun(db(), structuredClone(r));
    expect(second).toMatchObject({ id: first.id, created: false });
    expect(await db().job.count({ where: { id: first.id } })).toBe(1);
    expect(await db().span.count({ where: { jobId: first.id } })).toBe(r.spans.length);
  });

  it("finds the same run whose file listed keys in another order", async () => {
    const r = run();
    const first = await saveImportedRun(db(), r);
    const reordered = { ...r, spans: r.spans.map((s) => Object.fromEntries(Object.entries(s).reverse()) as typeof s) };
    expect(await saveImportedRun(db(), reordered)).toMatchObject({ id: first.id, created: false });
  });

  it("refuses a run whose token total does not fit, naming the limit, and writes nothing", async () => {
    const r = run();
    r.spans = r.spans.map((s) => (s.Type === "llm" ? { ...s, InputTokens: 100_000_000 } : s));
    while (r.spans.filter((s) => s.Type === "llm").length < 22) r.spans.push({ ...r.spans.find((s) => s.Type === "llm")!, Seq: r.spans.length });
    const before = await db().job.count();
    await expect(saveImportedRun(db(), r)).rejects.toThrow(InvalidRunError);
    await expect(saveImportedRun(db(), r)).rejects.toThrow(/is more than 2,147,483,647/);
    expect(await db().job.count()).toBe(before);
  });

  it("replaces a job when a newer copy with the same ID arrives", async () => {
    const id = "5b0c7e9e-1f4a-4c41-9d55-0a3f7b8f2c11";
    const running = run({ running: true });
    running.job.ID = id;
    expect(await saveImportedRun(db(), running)).toMatchObject({ id, status: "running", created: true });
    const done = run();
    done.job.ID = id;
    expect(await saveImportedRun(db(), done)).toMatchObject({ id, status: "finished", created: true });
    expect(await db().span.count({ where: { jobId: id } })).toBe(done.spans.length);
    expect(await db().job.count({ where: { id } })).toBe(1);
  });

  it("writes nothing when a span cannot be stored: the job and its spans are one transaction", async () => {
    const r = run();
    r.spans.push({ ...r.spans[1]! }); // a second span with the same Seq violates the primary key
    const before = await db().job.count();
    await expect(saveImportedRun(db(), r)).rejects.toThrow();
    expect(await db().job.count()).toBe(before);
  });

  it("marks failed and running runs by their status", async () => {
    expect((await saveImportedRun(db(), run({ failWith: "quota exceeded" }))).status).toBe("failed");
    expect((await saveImportedRun(db(), run({ running: true }))).status).toBe("running");
  });
});

describe("listJobs", () => {
  it("pages newest first with a cursor that neither skips nor repeats", async () => {
    for (let i = 0; i < 5; i++) await saveImportedRun(db(), run());
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listJobs(db(), { limit: 2, cursor });
      all.push(...page.jobs.map((j) => j.id));
      cursor = page.next;
    } while (cursor);
    const expected = await db().job.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
    expect(all).toEqual(expected.map((j) => j.id));
  });
});
