// Rerun end to end: click Rerun, see the new run pending, a test agent runs it, the page follows live, Compare shows the change.
import { toolConfig } from "@/lib/config";
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { TestAgent } from "./agent-client";
import { withDb } from "./db";
import { confirmRerunIfAsked, importFile, triageTrajectory } from "./helpers";

const BASE = `http://127.0.0.1:${toolConfig().E2E_PORT}`;

test("Rerun triage queues one new run; it updates live while an agent runs it; Compare shows the differing verdict", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const tag = `rerun-${randomUUID().slice(0, 8)}`;
  const original = await importFile(request, `${tag}.json`, triageTrajectory(tag));
  await page.goto(`/jobs/${original.id}`);

  const button = page.getByRole("button", { name: "Rerun triage" });
  await button.dblclick();
  await confirmRerunIfAsked(page);
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page).not.toHaveURL(`/jobs/${original.id}`);
  const rerunId = page.url().split("/").pop()!;
  const reruns = await withDb((c) => c.query("SELECT id::text, status FROM jobs WHERE rerun_of_id = $1", [original.id]));
  expect(reruns.rows).toEqual([{ id: rerunId, status: "pending" }]);
  await expect(page.getByTestId("job-status")).toHaveText("pending");
  await expect(page.getByTestId("live")).toHaveAttribute("data-connected", "true");
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  // An agent takes the job: pending → running, without a reload.
  const agent = await TestAgent.create(BASE, `rerunner-${randomUUID().slice(0, 6)}`);
  let job = await agent.poll(["patch-triage"]);
  while (job.ID && job.ID !== rerunId) job = await agent.poll(["patch-triage"]); // older pending triage jobs of other tests
  expect(job.ID).toBe(rerunId);
  await expect(page.getByTestId("job-status")).toHaveText("running", { timeout: 10_000 });

  const t = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s)).toISOString();
  await agent.log(rerunId, { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: t(0) });
  await agent.log(rerunId, { Seq: 1, Nesting: 1, Type: "action", Name: "read-patch-diff", Started: t(1) });
  await expect(page.locator("body")).toContainText("read-patch-diff", { timeout: 10_000 });
  await agent.log(rerunId, {
    Seq: 1,
    Nesting: 1,
    Type: "action",
    Name: "read-patch-diff",
    Started: t(1),
    Finished: t(2),
    Results: { PatchDiff: "diff --git a/y.c b/y.c" },
  });
  const verdict = { WorthFuzzing: false, NeedsKMSAN: false, FocusSymbols: [], EnableConfigs: [], Reasoning: `rerun says no ${tag}` };
  await agent.log(rerunId, { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: t(0), Finished: t(3), Results: verdict });
  expect((await agent.done(rerunId, verdict)).status).toBe(200);

  await expect(page.getByTestId("job-status")).toHaveText("finished", { timeout: 10_000 });
  await expect(page.getByTestId("verdict")).toContainText(`rerun says no ${tag}`);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  await page.getByRole("link", { name: "Compare with original" }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${original.id}&b=${rerunId}`));
  const worth = page.locator('[data-testid="compare-verdict"] [data-field="WorthFuzzing"]');
  await expect(worth).toHaveAttribute("data-differs", "true");
  await expect(worth).toContainText("differs");
  // The main verdict first, in the workflow's words.
  const main = page.locator('[data-testid="compare-verdict"] [data-field="verdict"]');
  await expect(main).toHaveAttribute("data-differs", "true");
  await expect(main.locator("td").nth(2)).toHaveText("not worth fuzzing");
  await expect(page.getByTestId("compare-totals")).toBeVisible();
  await expect(page.getByTestId("compare-steps")).toContainText("read-patch-diff");
});

test("two runs of one workflow picked in the history open side by side in Compare", async ({ page }) => {
  await page.goto("/?workflow=moderation");
  const rows = page.getByTestId("history-row");
  await expect(rows).toHaveCount(2);
  await rows.nth(0).getByRole("checkbox", { name: "Pick to compare" }).check();
  await expect(page.getByTestId("compare-picked")).toHaveText("Pick one more run to compare");
  await rows.nth(1).getByRole("checkbox", { name: "Pick to compare" }).check();
  await page.getByRole("link", { name: "Compare the 2 picked runs" }).click();
  await expect(page).toHaveURL(/\/compare\?a=[0-9a-f-]{36}&b=[0-9a-f-]{36}$/);
  await expect(page.locator('[data-testid="compare-verdict"] [data-field="Actionable"]')).toHaveAttribute("data-differs", "true");
  const main = page.locator('[data-testid="compare-verdict"] [data-field="verdict"] td');
  await expect(main.nth(1)).toHaveText(/^(actionable|not actionable)$/);
  expect(new Set([await main.nth(1).textContent(), await main.nth(2).textContent()])).toEqual(new Set(["actionable", "not actionable"]));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Compare moderation runs");
  await expect(page.getByTestId("compare-workflows-differ")).toHaveCount(0);

  // A run of another workflow beside it: the page says so.
  const a = new URL(page.url()).searchParams.get("a")!;
  const other = ((await (await page.request.get("/api/jobs?workflow=repro")).json()) as { jobs: { id: string }[] }).jobs[0]!.id;
  await page.goto(`/compare?a=${a}&b=${other}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Compare a moderation run with a repro run");
  await expect(page.getByTestId("compare-workflows-differ")).toContainText("different workflows");
});
