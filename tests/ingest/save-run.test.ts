// Integration: storing imported runs in a real PostgreSQL (the throwaway embedded one, or DATABASE_URL).
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { saveImportedRun, RunConflictError } from "@/lib/ingest/save-run";
import { importFiles } from "@/lib/import/import-files";
import { parseRunFile } from "@/lib/import/detect";
import { getTrajectory } from "@/lib/runs/export";
import { getRun } from "@/lib/runs/queries";
import { listJobs } from "@/lib/history/list";
import { EXT4_SCENARIO, patchTriageRun } from "@/lib/demo/patch-triage";
import { COMMAND_LINE } from "@/lib/audit/log";
import type { ImportedRun } from "@/lib/trajectory/span";

afterAll(disconnectDb);

let seed = 1000;
function run(overrides: Partial<Parameters<typeof patchTriageRun>[0]> = {}): ImportedRun {
  seed++;
  return patchTriageRun({
    seed,
    start: new Date(Date.UTC(2026, 5, 29, 12, 0, seed % 60)),
    description: `run ${seed}`,
    ...EXT4_SCENARIO,
    steps: 3,
    ...overrides,
  });
}

const file = (name: string, text: string) => ({ name, content: Buffer.from(text) });

describe("saveImportedRun", () => {
  it("stores the job, its spans with parents, and the totals the history needs", async () => {
    const r = run({ toolErrorSteps: [1] });
    const saved = await saveImportedRun(r);
    expect(saved).toMatchObject({ created: true, workflow: "patch-triage", verdict: true, status: "finished", spanCount: r.spans.length });
    const stored = await getRun(db(), saved.id);
    expect(stored?.spans.map((s) => s.seq)).toEqual(r.spans.map((s) => s.Seq));
    const llm = r.spans.filter((s) => s.Type === "llm");
    expect(stored).toMatchObject({
      llmCalls: llm.length,
      toolCalls: r.spans.filter((s) => s.Type === "tool").length,
      toolErrors: 1,
      inputTokens: llm.reduce((a, s) => a + (s.InputTokens ?? 0), 0),
      verdict: true,
    });
    const agent = stored!.spans.find((s) => s.type === "agent")!;
    expect(agent.parentSeq).toBe(0);
    expect(stored!.spans.filter((s) => s.parentSeq === agent.seq).every((s) => s.nesting === 2)).toBe(true);
    expect(stored!.durationMs).toBe(new Date(r.spans[0]!.Finished!).getTime() - new Date(r.spans[0]!.Started).getTime());
  });

  it("does not duplicate a run imported twice, whatever key order its file used", async () => {
    const r = run();
    const first = await saveImportedRun(r);
    expect(await saveImportedRun(structuredClone(r))).toMatchObject({ id: first.id, created: false });
    const reordered = { ...r, spans: r.spans.map((s) => Object.fromEntries(Object.entries(s).reverse()) as typeof s) };
    expect(await saveImportedRun(reordered)).toMatchObject({ id: first.id, created: false });
    expect(await db().span.count({ where: { jobId: first.id } })).toBe(r.spans.length);
  });

  it("token totals past PostgreSQL's int are stored (int8 columns)", async () => {
    const r = run();
    r.spans = r.spans.map((s) => (s.Type === "llm" ? { ...s, InputTokens: 100_000_000 } : s));
    while (r.spans.filter((s) => s.Type === "llm").length < 22)
      r.spans.push({ ...r.spans.find((s) => s.Type === "llm")!, Seq: r.spans.length });
    const saved = await saveImportedRun(r);
    const job = await db().job.findUniqueOrThrow({ where: { id: saved.id } });
    expect(job.inputTokens).toBe(2_200_000_000n);
  });

  it("never replaces a stored run: other content under its ID is a conflict naming the ID, and nothing changes", async () => {
    const id = randomUUID();
    const running = run({ running: true });
    running.job.ID = id;
    expect(await saveImportedRun(running)).toMatchObject({ id, status: "incomplete", created: true });
    const done = run();
    done.job.ID = id;
    await expect(saveImportedRun(done)).rejects.toThrow(RunConflictError);
    await expect(saveImportedRun(done)).rejects.toThrow(id);
    expect(await db().span.count({ where: { jobId: id } })).toBe(running.spans.length);
    expect((await db().job.findUniqueOrThrow({ where: { id } })).status).toBe("incomplete");
  });

  it("writes nothing when a span cannot be stored: the job and its spans are one transaction", async () => {
    const r = run();
    r.spans.push({ ...r.spans[1]! }); // a second span with the same Seq violates the primary key
    const before = await db().job.count();
    await expect(saveImportedRun(r)).rejects.toThrow();
    expect(await db().job.count()).toBe(before);
  });

  it("marks failed runs failed, and unfinished imports incomplete (never running: no agent holds them)", async () => {
    expect((await saveImportedRun(run({ failWith: "quota exceeded" }))).status).toBe("failed");
    expect((await saveImportedRun(run({ running: true }))).status).toBe("incomplete");
  });
});

describe("importFiles", () => {
  it("audits each import under the operator, and a 409 names the ID", async () => {
    const id = randomUUID();
    const actor = { id: null, label: `importer-${id.slice(0, 6)}` };
    const page = (desc: string) => JSON.stringify({ Job: { ID: id, Description: desc, Workflow: "audit-test" }, Trajectory: null });
    const first = await importFiles([file("a.json", page("one"))], actor);
    expect(first).toMatchObject({ ok: true, jobs: [{ id, created: true }] });
    expect(await importFiles([file("a.json", page("one"))], actor)).toMatchObject({ ok: true, jobs: [{ id, created: false }] });
    const other = await importFiles([file("b.json", page("two"))], actor);
    expect(other).toMatchObject({ ok: false, errors: [{ file: "b.json", code: "Conflict", reason: expect.stringContaining(id) }] });
    const audits = await db().auditEvent.findMany({ where: { actorLabel: actor.label } });
    expect(audits.map((a) => [a.action, a.target])).toEqual([["import", id]]);
  });

  it("an import with an empty trajectory is not a pending job an agent could take", async () => {
    const id = randomUUID();
    const page = JSON.stringify({ Job: { ID: id, Description: "never ran", Workflow: "patch-triage" }, Trajectory: null });
    const out = await importFiles([file("empty.json", page)], COMMAND_LINE);
    expect(out).toMatchObject({ ok: true, jobs: [{ id, status: "incomplete", spanCount: 0 }] });
    expect((await db().job.findUniqueOrThrow({ where: { id } })).status).toBe("incomplete");
  });
});

describe("export → import", () => {
  it("gives the identical run: microsecond times, zero Finished as unfinished, Args text as written", async () => {
    const T = (s: string) => `2026-03-02T10:00:${s}`;
    // Key order with integer-like keys, a big integer, number text and escapes as an agent wrote them.
    const args = `{"b":1,"10":"x","9":[1.50,1e3],"big":123456789012345678901234567890,"s":"\\u003cb\\u003e"}`;
    const text = `[
      {"Seq":0,"Nesting":0,"Type":"flow","Name":"micro","Started":"${T("00.000001Z")}","Finished":"0001-01-01T00:00:00Z","Args":${args}},
      {"Seq":1,"Nesting":1,"Type":"tool","Name":"t","Started":"${T("00.123456789+00:00")}","Finished":"${T("01.5Z")}","Results":{}},
      {"Seq":2,"Nesting":1,"Type":"action","Name":"stub","Started":"0001-01-01T00:00:01Z","Finished":"0001-01-01T00:00:02Z"}
    ]`;
    const [parsed] = parseRunFile("micro.json", text);
    parsed!.job.Description = `micro ${randomUUID()}`;
    const saved = await saveImportedRun(parsed!);
    expect(saved.status).toBe("incomplete"); // the flow's Finished is Go's zero time: not finished
    const exported = (await getTrajectory(db(), saved.id))!;
    expect(exported).toBe(
      `[{"Seq":0,"Nesting":0,"Type":"flow","Name":"micro","Started":"${T("00.000001Z")}","Args":${args}},` +
        `{"Seq":1,"Nesting":1,"Type":"tool","Name":"t","Started":"${T("00.123456Z")}","Finished":"${T("01.5Z")}","Results":{}},` +
        `{"Seq":2,"Nesting":1,"Type":"action","Name":"stub","Started":"0001-01-01T00:00:01Z","Finished":"0001-01-01T00:00:02Z"}]`,
    );
    const [again] = parseRunFile("again.json", exported);
    again!.job.Description = `again ${randomUUID()}`;
    const resaved = await saveImportedRun(again!);
    expect(await getTrajectory(db(), resaved.id)).toBe(exported);
  });
});

describe("listJobs", () => {
  it("pages newest first with a cursor that neither skips nor repeats", async () => {
    for (let i = 0; i < 5; i++) await saveImportedRun(run());
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
