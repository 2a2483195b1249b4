// Shared steps of the end-to-end tests: importing a trajectory through the real HTTP API.
import { expect, type APIRequestContext, type Page } from "@playwright/test";

export interface ImportedJob {
  id: string;
  workflow: string;
  spans: number;
}

/** Posts one file to /api/import and returns the job it made. */
export async function importFile(request: APIRequestContext, name: string, content: string): Promise<ImportedJob> {
  const res = await request.post("/api/import", {
    multipart: { file: { name, mimeType: "application/octet-stream", buffer: Buffer.from(content) } },
  });
  expect(res.status(), await res.text()).toBe(200);
  const body = (await res.json()) as { jobs: ImportedJob[] };
  expect(body.jobs).toHaveLength(1);
  return body.jobs[0]!;
}

/** A small patch-triage trajectory with unique text so each test finds its own run. */
export function triageTrajectory(tag: string, extra: Record<string, unknown>[] = []): string {
  const t = (s: number) => new Date(Date.UTC(2026, 5, 29, 12, 5, s)).toISOString();
  const results = {
    WorthFuzzing: true,
    NeedsKMSAN: false,
    FocusSymbols: ["ext4_dio_write_checks"],
    EnableConfigs: ["EXT4_FS"],
    Reasoning: `reasoning ${tag}`,
  };
  return JSON.stringify([
    {
      Seq: 0,
      Nesting: 0,
      Type: "flow",
      Name: "patch-triage",
      Started: t(0),
      Finished: t(50),
      Args: { KernelSrc: `/src/${tag}` },
      Results: results,
    },
    {
      Seq: 1,
      Nesting: 1,
      Type: "action",
      Name: "read-patch-diff",
      Started: t(1),
      Finished: t(2),
      Results: { PatchDiff: "diff --git a/x.c b/x.c" },
    },
    {
      Seq: 2,
      Nesting: 1,
      Type: "agent",
      Name: "patch-evaluator",
      Model: "best-expensive",
      Started: t(2),
      Finished: t(40),
      Instruction: `instruction ${tag}`,
      Prompt: `prompt ${tag}`,
      Reply: `reply ${tag}`,
    },
    {
      Seq: 3,
      Nesting: 2,
      Type: "llm",
      Name: "patch-evaluator",
      Model: "gemini-3.1-pro-preview",
      Started: t(3),
      Finished: t(9),
      Thoughts: `thoughts ${tag}`,
      InputTokens: 5066,
      OutputTokens: 30,
      OutputThoughtsTokens: 337,
    },
    {
      Seq: 4,
      Nesting: 2,
      Type: "tool",
      Name: "grepper",
      Started: t(9),
      Finished: t(10),
      Args: { Expression: "ext4" },
      Error: `no matches ${tag}`,
    },
    ...extra,
  ]);
}

/**
 * After a click on Rerun: when no agent has asked for the workflow lately the button asks first (components/rerun);
 * confirms then (a double click: one rerun all the same). Resolves once the page moved on or confirmed.
 */
export async function confirmRerunIfAsked(page: Page): Promise<void> {
  const confirm = page.getByRole("button", { name: "Queue anyway" });
  await expect(confirm.or(page.getByTestId("live")).first()).toBeVisible();
  if (await confirm.isVisible()) await confirm.dblclick();
}
