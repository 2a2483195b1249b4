// A dashboard's inputs export (issue 25 point 6), as upstream's ai_test.go reads it (`/ai_job?id=…&export=1` decodes to
// dashapi.AIJobPollResp {ID, Workflow, Args}), fetched from the stand-in dashboard over HTTP: a plain import stores
// nothing (no pending job), and an operator's start queues one pending job with those inputs, audited.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { closePool } from "@/lib/db/pool";
import { importFiles } from "@/lib/import/import-files";
import { jobExportSchema, JOB_EXPORT_NOT_A_RUN } from "@/lib/import/job-export";
import { startFromExport } from "@/lib/runs/start-from-export";
import { jobExportUrl } from "@/lib/mirror/url";
import { EXT4_SCENARIO, patchTriageRun } from "@/lib/demo/patch-triage";
import { StandInDashboard } from "../mirror/stand-in-dashboard";

const id = randomUUID();
const run = patchTriageRun({ ...EXT4_SCENARIO, seed: 91_001, start: new Date(Date.UTC(2026, 10, 1)), description: "export", steps: 1 });
run.job.Args = { TargetArch: "amd64", KernelSrc: "/work/checkouts/ext4", Extra: { Nested: [1, 2] } };
const dash = new StandInDashboard("ns", [{ id, run }]);
let bytes: Buffer;
beforeAll(async () => {
  await dash.start();
  bytes = Buffer.from(await (await fetch(jobExportUrl(dash.base, id))).arrayBuffer());
});
afterAll(async () => {
  await dash.close();
  await disconnectDb();
  await closePool();
});

const pending = () => db().job.count({ where: { status: "pending" } });

describe("the inputs export", () => {
  it("is refused by a plain import, which creates no pending job", async () => {
    expect(bytes.toString()).toMatch(/^\{"ID":".*","Workflow":"patch-triage","Args":\{.*\}\}\n$/);
    const before = await pending();
    const outcome = await importFiles([{ name: "export.json", content: bytes }], { id: null, label: "test" });
    expect(outcome).toEqual({ ok: false, errors: [{ file: "export.json", reason: JOB_EXPORT_NOT_A_RUN, code: "BadRequest" }] });
    expect(await pending()).toBe(before);
  });

  it("starts one pending job with its workflow and inputs when an operator asks, audited", async () => {
    const exp = jobExportSchema.parse(JSON.parse(bytes.toString()));
    const before = await pending();
    const { id: jobId } = await startFromExport(db(), exp, { id: null, label: "operator@test" });
    expect(await pending()).toBe(before + 1);
    const job = await db().job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job).toMatchObject({ status: "pending", workflow: "patch-triage", workflowType: "patch-triage", source: "export" });
    // The inputs as exported, in their order (Go's encoder sorts a map's keys).
    expect(Object.keys(job.args as object)).toEqual(["Extra", "KernelSrc", "TargetArch"]);
    expect(job.args).toEqual(run.job.Args);
    const audit = await db().auditEvent.findMany({ where: { target: jobId } });
    expect(audit).toMatchObject([
      { action: "export.start", actorLabel: "operator@test", details: { exportedId: id, workflow: "patch-triage" } },
    ]);
  });

  it("refuses what is not an export", () => {
    expect(jobExportSchema.safeParse({ ID: "x", Workflow: "", Args: null }).success).toBe(false);
    expect(jobExportSchema.safeParse({ ID: "x", Workflow: "w", Args: null, Extra: 1 }).success).toBe(false);
  });
});
