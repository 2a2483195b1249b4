// Every upstream workflow imported from each shape a user has: the dashboard's job page JSON (Go-printed span values),
// the trajectory file and the standalone HTML report. Checked: the results and the verdict come through exactly, and
// every printed span value is either read back to exactly what the agent sent or kept as the text the dashboard
// printed, never a different value. Then stored: verdict in the database, in GET /api/jobs/<id> and in the filter.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { parseRunFile } from "@/lib/import/detect";
import { importFiles } from "@/lib/import/import-files";
import { COMMAND_LINE } from "@/lib/audit/log";
import { goSprint } from "@/lib/import/go-printed";
import { printedText } from "@/lib/trajectory/printed";
import { HIDDEN_ERROR_NOTE } from "@/lib/import/redaction";
import { mergeSpanCopies } from "@/lib/import/merge";
import { findJobs } from "@/lib/history/list";
import { DEFAULT_QUERY } from "@/lib/history/query";
import { patchTriageRun } from "@/lib/demo/patch-triage";
import { kcsanRun, moderationRun, patchingRun, patchIterationRun, reproCRun, reproRun, securityRun } from "@/lib/demo/workflows";
import { verdictOf } from "@/lib/workflows/verdict";
import type { ImportedRun, Span } from "@/lib/trajectory/span";
import { parseTimestampNs } from "@/lib/trajectory/time";
import { GET as getJob } from "@/app/api/jobs/[id]/route";
import { dashboardJobPage, standaloneReport } from "./dashboard-page";

const start = new Date(Date.UTC(2026, 9, 1, 8, 0, 0));
const triage = patchTriageRun({
  seed: 91,
  start,
  description: "fix unaligned DIO write zeroing",
  subsystem: "ext4",
  files: ["fs/ext4/file.c"],
  symbols: ["ext4_dio_write_checks"],
  configs: ["EXT4_FS"],
  worthFuzzing: true,
  needsKmsan: true,
  steps: 3,
});

/** One run per upstream workflow, with the verdict its results say and the words for it. */
const RUNS: [string, ImportedRun, boolean, string][] = [
  ["patch-triage", triage, true, "worth fuzzing"],
  ["moderation", moderationRun(start, false, "general protection fault in out_of_tree_driver_ioctl"), false, "not actionable"],
  ["assessment-kcsan", kcsanRun(start, true), true, "benign"],
  ["assessment-security", securityRun(start), true, "exploitable"],
  ["repro", reproRun(start, false), false, "not reproduced"],
  ["repro-c", reproCRun(start), true, "reproduced"],
  ["patching", patchingRun(start), true, "patch produced"],
  ["patch-iteration", patchIterationRun(start), true, "patch produced"],
];

const flowOf = (spans: Span[]) => spans.find((s) => s.Nesting === 0 && s.Type === "flow")!;

/** A printed value must be the original exactly, or the dashboard's text of it kept as it is. */
function expectReadOrKept(read: unknown, original: unknown, where: string): "read" | "kept" {
  const kept = printedText(read);
  if (kept !== null) {
    expect(kept, where).toBe(goSprint(original));
    return "kept";
  }
  expect(read, where).toEqual(original);
  return "read";
}

describe.each(RUNS)("%s", (workflow, run, verdict) => {
  const original = mergeSpanCopies(run.spans);
  const results = flowOf(original).Results;

  it("from the dashboard's job page JSON: results, verdict, inputs and every span value", () => {
    const id = randomUUID();
    const page = dashboardJobPage(run, { id, correct: true });
    expect(page.endsWith("}")).toBe(true); // MarshalIndent writes no trailing newline
    const [got] = parseRunFile("job.json", page);
    const job = got!.job;
    expect(job).toMatchObject({ ID: id, Workflow: workflow, Correct: true, DashboardLink: `/ai_job?id=${id}`, ValuesPrinted: true });
    expect(job.CodeRevisionLink).toBe(`https://github.com/google/syzkaller/commits/${run.job.CodeRevision}`);
    expect(job.Results).toEqual(results);
    expect(verdictOf(job.Workflow!, job.Results)).toBe(verdict);
    // String inputs are exact: a string prints as itself. Others are read or kept.
    for (const [key, value] of Object.entries(run.job.Args as Record<string, unknown>)) {
      const arg = (job.Args as Record<string, unknown>)[key];
      if (typeof value === "string") expect(arg, key).toBe(value);
      else expectReadOrKept(arg, value, `Args.${key}`);
    }
    const spans = got!.spans;
    const ns = (t: string | undefined) => (t === undefined ? undefined : parseTimestampNs(t));
    expect(spans.map((s) => [s.Seq, s.Type, s.Name, ns(s.Started), ns(s.Finished)])).toEqual(
      original.map((s) => [s.Seq, s.Type, s.Name, ns(s.Started), ns(s.Finished)]),
    );
    const outcomes = { read: 0, kept: 0 };
    spans.forEach((s, i) => {
      for (const f of ["Args", "Results"] as const) {
        if (original[i]![f] === undefined) expect(s[f], `${s.Name}.${f}`).toBeUndefined();
        else outcomes[expectReadOrKept(s[f], original[i]![f], `span ${s.Seq} ${s.Name}.${f}`)]++;
      }
    });
    // The flow's Results are the job's JSON Results: exact, even where their printing is ambiguous.
    expect(flowOf(spans).Results).toEqual(results);
    expect(outcomes.read).toBeGreaterThan(0);
  });

  it("from a trajectory file and from the standalone HTML report (JSON values: exact)", () => {
    for (const [name, text] of [
      ["run.trajectory.json", JSON.stringify(run.spans, null, "\t")],
      ["report.html", standaloneReport(run)],
    ] as const) {
      const [got] = parseRunFile(name, text);
      expect(got!.job.Results, name).toEqual(results);
      expect(got!.job.ValuesPrinted, name).toBeUndefined();
      expect(verdictOf(got!.job.Workflow!, got!.job.Results), name).toBe(verdict);
      got!.spans.forEach((s, i) => {
        expect(s.Args, `${name} ${s.Name}.Args`).toEqual(original[i]!.Args);
        expect(s.Results, `${name} ${s.Name}.Results`).toEqual(original[i]!.Results);
      });
    }
  });
});

describe("job page fields", () => {
  it("keeps an error the dashboard hid as hidden: a flag and a note, never the placeholder, and the job failed", () => {
    const failed = patchingRun(start, "patch-generator: workflow reached token limit (100000000)");
    const [got] = parseRunFile("job.json", dashboardJobPage(failed, { id: randomUUID(), admin: false }));
    expect(got!.job).toMatchObject({ Error: HIDDEN_ERROR_NOTE, ErrorRedacted: true, Correct: null });
    expect(got!.job.Results).toBeUndefined();
    expect(JSON.stringify(got)).not.toContain("log-in to see details");
    expect(flowOf(got!.spans).Error).toBe(HIDDEN_ERROR_NOTE);
    // An admin's copy of the same page has the error itself.
    const [admin] = parseRunFile("job.json", dashboardJobPage(failed, { id: randomUUID(), admin: true }));
    expect(admin!.job).toMatchObject({ Error: "patch-generator: workflow reached token limit (100000000)" });
    expect(admin!.job.ErrorRedacted).toBeUndefined();
  });

  it('reads "---" as no description, zero times as unset, the emoji marks, and the links', () => {
    const page = JSON.parse(dashboardJobPage(reproCRun(start), { id: randomUUID() })) as { Job: Record<string, unknown> };
    page.Job.Description = "---";
    page.Job.Finished = "0001-01-01T00:00:00Z";
    page.Job.ExternalBugID = "b/12345";
    for (const [mark, correct] of [
      ["✅", true],
      ["❌", false],
      ["❓", null],
      ["⏳", null],
      ["🏃", null],
      ["✅\uFE0F", true],
    ] as const) {
      page.Job.Correct = mark;
      const [got] = parseRunFile("job.json", JSON.stringify(page, null, "\t"));
      expect(got!.job.Correct, mark).toBe(correct);
      expect(got!.job.Description).toBeUndefined();
      expect(got!.job.ExternalBugID).toBe("b/12345");
      expect(got!.job.Link).toBe("/bug?id=5c1e0f7a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e");
      // Unset on the job: the flow span's Finished fills in.
      expect(got!.job.Finished).toBe(flowOf(got!.spans).Finished);
    }
  });

  it("reads job Args the workflow declares as lists, structs and bools from their printed text", () => {
    const [got] = parseRunFile("job.json", dashboardJobPage(patchIterationRun(start), { id: randomUUID() }));
    const args = got!.job.Args as Record<string, unknown>;
    expect(args.ReplyToComments).toBe(true);
    expect(args.BaseReportedBy).toEqual(["syzbot+4c9e8d1f2a3b5c6d7e8f@syzkaller.appspotmail.com"]);
    // Fixes has a title with spaces, the history diffs and comments: printed text that cannot be split surely.
    expect(printedText(args.BaseFixes)).toMatch(/^map\[AuthorEmail:andreas\.dilger@intel\.com AuthorName:Andreas Dilger /);
    expect(printedText(args.PatchHistory)).toMatch(/^\[map\[ChangeLog: Comments:\[map\[/);
    // Args nobody declares (the dashboard's stored text ids) stay the text printed.
    const page = JSON.parse(dashboardJobPage(reproRun(start, true), { id: randomUUID() })) as {
      Args: { Key: string; Value: string; Large: boolean }[];
    };
    page.Args.push({ Key: "ReproSyzID", Value: "5629499534213120", Large: false });
    const [withId] = parseRunFile("job.json", JSON.stringify(page));
    expect((withId!.job.Args as Record<string, unknown>).ReproSyzID).toBe("5629499534213120");
  });
});

describe("stored: verdict in the database, the API and the history filter", () => {
  const ids = new Map<string, string>();
  const suffix = randomUUID().slice(0, 8);

  beforeAll(async () => {
    const files = RUNS.map(([workflow, run]) => {
      const id = randomUUID();
      ids.set(workflow, id);
      // Named as aflow names a flow registered with a name ("<type>-<name>"), so this test's rows are its own.
      const renamed = {
        ...run,
        job: { ...run.job, Workflow: `${workflow}-${suffix}` },
        spans: run.spans.map((s) => (s.Nesting === 0 && s.Type === "flow" ? { ...s, Name: `${workflow}-${suffix}` } : s)),
      };
      return { name: `${workflow}.json`, content: Buffer.from(dashboardJobPage(renamed, { id })) };
    });
    const outcome = await importFiles(files, COMMAND_LINE);
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
  });

  it.each(RUNS)("%s", async (workflow, _run, verdict, words) => {
    const id = ids.get(workflow)!;
    const row = await db().job.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      verdict,
      source: "job-page",
      valuesPrinted: true,
      dashboardLink: `/ai_job?id=${id}`,
      errorRedacted: false,
    });
    const res = await getJob(new Request(`http://app.test/api/jobs/${id}`), { params: Promise.resolve({ id }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id, verdict, mainVerdict: { value: verdict, text: words } });
    const filtered = await findJobs(db(), { ...DEFAULT_QUERY, workflow: `${workflow}-${suffix}`, verdict: verdict ? "yes" : "no" });
    expect(filtered.jobs.map((j) => j.id)).toEqual([id]);
    expect(filtered.jobs[0]!.verdictWords?.text).toBe(words);
    const other = await findJobs(db(), { ...DEFAULT_QUERY, workflow: `${workflow}-${suffix}`, verdict: verdict ? "no" : "yes" });
    expect(other.jobs).toEqual([]);
  });
});
