// The history and run pages in Chromium: list, verdict, tree, Expand all, and untrusted text shown as text.
import { expect, test } from "@playwright/test";
import { importFile, triageTrajectory } from "./helpers";

test("the history lists the demo runs and links to each run", async ({ page }) => {
  await page.goto("/");
  const rows = page.getByTestId("history-row");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId("history-table")).toContainText("patch-triage");
  await expect(page.getByTestId("history-table")).toContainText("failed");
  await rows.first().getByRole("link").click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("verdict")).toBeVisible();
});

test("a run page shows the verdict and the tree, and Expand all opens every span", async ({ page, request }) => {
  const job = await importFile(request, "run.json", triageTrajectory("e2e-tree"));
  await page.goto(`/jobs/${job.id}`);
  const verdict = page.getByTestId("verdict");
  await expect(verdict.locator('[data-result="WorthFuzzing"] [data-verdict="yes"]')).toBeVisible();
  await expect(verdict).toContainText("ext4_dio_write_checks");
  await expect(verdict).toContainText("EXT4_FS");
  await expect(verdict).toContainText("reasoning e2e-tree");

  const spans = page.locator("[data-trajectory] details[data-span]");
  await expect(spans).toHaveCount(5);
  // Leaves start closed: the llm span's thoughts are hidden.
  await expect(page.getByText("thoughts e2e-tree")).toBeHidden();

  await page.getByRole("button", { name: "Expand all" }).click();
  const all = page.locator("[data-trajectory] details");
  const n = await all.count();
  for (let i = 0; i < n; i++) await expect(all.nth(i)).toHaveAttribute("open", "");
  for (const text of ["thoughts e2e-tree", "instruction e2e-tree", "prompt e2e-tree", "reply e2e-tree", "no matches e2e-tree", "gemini-3.1-pro-preview"]) {
    await expect(page.getByText(text).first()).toBeVisible();
  }
  await expect(page.getByTestId("span-fields-3")).toContainText("5,066");
  await expect(page.getByTestId("span-fields-3")).toContainText("337");

  await page.getByRole("button", { name: "Collapse all" }).click();
  await expect(page.getByText("thoughts e2e-tree")).toBeHidden();
});

test("script tags and event handlers in a tool result are shown as text and never run", async ({ page, request }) => {
  const payload = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
  const hostile = {
    Seq: 5, Nesting: 2, Type: "tool", Name: "read-file", Started: "2026-06-29T12:05:20Z", Finished: "2026-06-29T12:05:21Z",
    Args: { File: `<svg onload="window.__pwned=3">` }, Results: { Contents: payload },
  };
  const job = await importFile(request, "hostile.json", triageTrajectory("e2e-xss", [hostile]));
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`/jobs/${job.id}`);
  await page.getByRole("button", { name: "Expand all" }).click();
  await expect(page.getByTestId("span-fields-5")).toContainText("<script>window.__pwned = 1</script>");
  await expect(page.getByTestId("span-fields-5")).toContainText('onerror=\\"window.__pwned = 2\\"');
  await expect(page.getByTestId("span-fields-5")).toContainText("<svg onload");
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator("[data-trajectory] img, [data-trajectory] script, [data-trajectory] svg[onload]").count()).toBe(0);
  expect(dialogs).toEqual([]);
});
