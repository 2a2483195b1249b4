// One job, several copies (issue 25 point 5): the dashboard's job page saved by an admin (errors shown) and by anyone
// else (errors replaced by "log-in to see details": dashboard/app/ai.go sanitizeUIJobs and handleAIJobPage, written
// here by the stand-in tests/import/dashboard-page.ts) are two copies of one job, not a conflict.
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { importFiles } from "@/lib/import/import-files";
import { EXT4_SCENARIO, patchTriageRun } from "@/lib/demo/patch-triage";
import { HIDDEN_ERROR_NOTE } from "@/lib/trajectory/redaction";
import { closePool } from "@/lib/db/pool";
import { dashboardJobPage } from "../import/dashboard-page";

afterAll(async () => {
  await disconnectDb();
  await closePool();
});

let seed = 90_000;
function failedRun() {
  seed++;
  return patchTriageRun({
    ...EXT4_SCENARIO,
    seed,
    start: new Date(Date.UTC(2026, 9, 1, 0, seed % 60)),
    description: `copies ${seed}`,
    steps: 3,
    toolErrorSteps: [1],
    failWith: "SYZFAIL: the evaluator crashed",
  });
}
const actor = { id: null, label: "test" };
const page = (run: ReturnType<typeof failedRun>, id: string, admin: boolean, name = "job.json") => ({
  name,
  content: Buffer.from(dashboardJobPage(run, { id, admin })),
});

async function spanErrors(id: string) {
  return (
    await db().span.findMany({ where: { jobId: id, error: { not: null } }, select: { seq: true, error: true }, orderBy: { seq: "asc" } })
  ).map((s) => [s.seq, s.error]);
}

describe("copies of one job", () => {
  it("a redacted copy of a stored full job is already imported (redacted copy), and writes nothing", async () => {
    const run = failedRun();
    const id = randomUUID();
    const full = await importFiles([page(run, id, true)], actor);
    expect(full).toMatchObject({ ok: true, jobs: [{ id, created: true }] });
    const before = await spanErrors(id);
    const redacted = await importFiles([page(run, id, false)], actor);
    expect(redacted).toMatchObject({ ok: true, jobs: [{ id, created: false, copy: "redacted-copy" }] });
    expect(await spanErrors(id)).toEqual(before);
    expect(await db().job.findUniqueOrThrow({ where: { id } })).toMatchObject({
      error: "SYZFAIL: the evaluator crashed",
      errorRedacted: false,
    });
  });

  it("a full copy of a job stored redacted fills in the hidden errors, audited, and changes nothing else", async () => {
    const run = failedRun();
    const id = randomUUID();
    expect(await importFiles([page(run, id, false)], actor)).toMatchObject({ ok: true, jobs: [{ created: true }] });
    const hidden = await spanErrors(id);
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden.every(([, e]) => e === HIDDEN_ERROR_NOTE)).toBe(true);
    const before = await db().job.findUniqueOrThrow({ where: { id } });
    expect(before).toMatchObject({ error: HIDDEN_ERROR_NOTE, errorRedacted: true });

    const filled = await importFiles([page(run, id, true)], actor);
    expect(filled).toMatchObject({ ok: true, jobs: [{ id, created: false, copy: "filled-in" }] });
    const after = await db().job.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ error: "SYZFAIL: the evaluator crashed", errorRedacted: false });
    // Nothing else changed: every other column is the same.
    const rest = (j: typeof after) => ({ ...j, error: null, errorRedacted: null, sourceHash: null });
    expect(rest(after)).toEqual(rest(before));
    const errors = await spanErrors(id);
    expect(errors.map(([seq]) => seq)).toEqual(hidden.map(([seq]) => seq));
    expect(errors.some(([, e]) => e === HIDDEN_ERROR_NOTE)).toBe(false);
    const audit = await db().auditEvent.findMany({ where: { target: id, action: "import.fill_redacted" } });
    expect(audit).toHaveLength(1);
    // The full copy again, or the redacted one, is now "already imported".
    expect(await importFiles([page(run, id, true)], actor)).toMatchObject({ ok: true, jobs: [{ created: false }] });
    expect(await importFiles([page(run, id, false)], actor)).toMatchObject({ ok: true, jobs: [{ created: false, copy: "redacted-copy" }] });
  });

  it("any other difference is still a conflict (409)", async () => {
    const run = failedRun();
    const id = randomUUID();
    await importFiles([page(run, id, false)], actor);
    const other = structuredClone(run);
    other.job.Description = "[PATCH] something else";
    const outcome = await importFiles([page(other, id, true)], actor);
    expect(outcome).toMatchObject({ ok: false, errors: [{ code: "Conflict" }] });
    // …and so is another error text in a copy where both show it.
    const full = failedRun();
    const fid = randomUUID();
    await importFiles([page(full, fid, true)], actor);
    const changed = structuredClone(full);
    changed.job.Error = "SYZFAIL: another crash";
    expect(await importFiles([page(changed, fid, true)], actor)).toMatchObject({ ok: false, errors: [{ code: "Conflict" }] });
  });
});
