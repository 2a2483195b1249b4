// The history and run pages in Chromium: list, verdict, tree, Expand all, every field, and untrusted text shown as text.
import { expect, test, type Page } from "@playwright/test";
import { importFile, triageTrajectory } from "./helpers";

const rows = (page: Page) => page.locator("[data-trajectory] [data-span-row]");
const row = (page: Page, seq: number) => page.locator(`[data-span-row="${seq}"]`);

test("the history lists the demo runs and links to each run", async ({ page }) => {
  await page.goto("/");
  const historyRows = page.getByTestId("history-row");
  await expect(historyRows.first()).toBeVisible();
  expect(await historyRows.count()).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId("history-table")).toContainText("patch-triage");
  await expect(page.getByTestId("history-table")).toContainText("failed");
  await historyRows.first().locator('a[href^="/jobs/"]').first().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("verdict")).toBeVisible();
});

test("a run page shows the verdict and the tree; Expand all opens every node, and an opened span shows every field", async ({ page, request }) => {
  const job = await importFile(request, "run.json", triageTrajectory("e2e-tree"));
  await page.goto(`/jobs/${job.id}`);
  const verdict = page.getByTestId("verdict");
  await expect(verdict.locator('[data-result="WorthFuzzing"] [data-verdict="yes"]')).toBeVisible();
  await expect(verdict.getByTestId("verdict-headline")).toContainText("Worth fuzzing");
  await expect(verdict).toContainText("ext4_dio_write_checks");
  await expect(verdict).toContainText("EXT4_FS");
  await expect(verdict).toContainText("reasoning e2e-tree");

  // The flow and the agent start open: all 5 spans are rows.
  await expect(rows(page)).toHaveCount(5);
  await page.getByRole("button", { name: "Collapse all" }).click();
  await expect(rows(page)).toHaveCount(1);
  await page.getByRole("button", { name: "Expand all" }).click();
  await expect(rows(page)).toHaveCount(5);
  for (const seq of [0, 2]) await expect(row(page, seq)).toHaveAttribute("aria-expanded", "true");

  // No payload is on the page until its span is opened.
  await expect(page.getByText("thoughts e2e-tree")).toHaveCount(0);
  await row(page, 2).click();
  const agent = page.getByTestId("span-fields-2");
  for (const text of ["instruction e2e-tree", "prompt e2e-tree", "reply e2e-tree", "best-expensive"]) await expect(agent).toContainText(text);
  await row(page, 3).click();
  const llm = page.getByTestId("span-fields-3");
  for (const text of ["thoughts e2e-tree", "gemini-3.1-pro-preview", "5,066", "337"]) await expect(llm).toContainText(text);
  await expect(llm.locator('[data-field="Tokens"]')).toContainText("input: 5,066");
  await row(page, 4).click();
  await expect(page.getByTestId("span-fields-4").getByTestId("span-error")).toContainText("no matches e2e-tree");
  await expect(page.getByTestId("span-fields-4").locator('[data-field="Args"]')).toContainText('"Expression": "ext4"');
  // The llm row names the tool call it decided on.
  await expect(row(page, 3)).toContainText("→ grepper");
});

test("script tags and event handlers in payloads, thoughts markdown and diffs are shown as text and never run", async ({ page, request }) => {
  const payload = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"></span><script>window.__pwned = 7</script>`;
  const at = (s: number) => `2026-06-29T12:05:${String(s).padStart(2, "0")}Z`;
  const hostile = [
    { Seq: 5, Nesting: 2, Type: "tool", Name: "read-file", Started: at(20), Finished: at(21), Args: { File: `<svg onload="window.__pwned=3">` }, Results: { Contents: payload, Lines: `${payload}\nsecond line` } },
    {
      Seq: 6, Nesting: 2, Type: "llm", Name: "patch-evaluator", Started: at(21), Finished: at(22),
      Thoughts: `**bold thought** <img src=x onerror="window.__pwned=4"> <script>window.__pwned=5</script>\n\n[bad](javascript:window.__pwned=8) [good](https://example.org/doc)`,
    },
    {
      Seq: 7, Nesting: 2, Type: "tool", Name: "git-show", Started: at(22), Finished: at(23),
      Results: { Output: `diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,1 +1,1 @@\n-int a;\n+<script>window.__pwned=6</script></span><img src=x onerror="window.__pwned=9">\n` },
    },
  ];
  const job = await importFile(request, "hostile.json", triageTrajectory("e2e-xss", hostile));
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`/jobs/${job.id}#span-5`);
  const tool = page.getByTestId("span-fields-5");
  await expect(tool).toContainText("<script>window.__pwned = 1</script>");
  await expect(tool).toContainText('onerror="window.__pwned = 2"');
  await expect(tool).toContainText("</span><script>window.__pwned = 7</script>");
  await expect(tool).toContainText("<svg onload");
  // wait for shiki to colour the JSON, so its output is what is checked
  await expect(tool.locator('[data-json="Args"] span[style*="color"]').first()).toBeVisible();

  await row(page, 6).click();
  const thoughts = page.getByTestId("span-fields-6").locator("[data-markdown]");
  await expect(thoughts.locator("strong")).toHaveText("bold thought");
  await expect(thoughts).toContainText('<img src=x onerror="window.__pwned=4">');
  await expect(thoughts).toContainText("<script>window.__pwned=5</script>");
  await expect(thoughts.locator('a[href="https://example.org/doc"]')).toHaveCount(1);
  await expect(thoughts.locator("a")).toHaveCount(1);

  await row(page, 7).click();
  const diff = page.getByTestId("span-fields-7").getByTestId("diff");
  await expect(diff.locator('[data-diff-line="add"]')).toContainText("<script>window.__pwned=6</script></span><img");

  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator("main img, main script, main svg[onload], main iframe").count()).toBe(0);
  expect(dialogs).toEqual([]);
});
