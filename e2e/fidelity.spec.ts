// Every run as it really happened, in Chromium: timing marks in tree, timeline and details; terminal output and hidden
// characters; deep rows that keep their columns; Copy that copies the whole value; compare of a CRLF patch and its LF
// twin; an imported run that never finished. Inputs are generated (tests/runs/cases.ts), so nothing beside the repo is needed.
import { expect, test, type Page } from "@playwright/test";
import { importFile } from "./helpers";
import { withDb } from "./db";
import { deepCase, LONG_LENGTH, patchCase, payloadCase, textCase, timingCase, unfinishedCase } from "../tests/runs/cases";

const row = (page: Page, seq: number) => page.locator(`[data-span-row="${seq}"]`);

test("timing marks: zero start, no end in a finished run, end before start and skew are marked, never 'running'", async ({
  page,
  request,
}) => {
  const job = await importFile(request, "timing.json", JSON.stringify(timingCase("e2e-timing")));
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("run-duration")).toHaveText("1m 00s");
  await expect(page.getByTestId("job-status")).toHaveText("finished");
  await expect(row(page, 3).locator("[data-timing-mark]")).toHaveAttribute("data-timing-mark", "no-start");
  await expect(row(page, 4).locator("[data-timing-mark]")).toHaveAttribute("data-timing-mark", "unfinished");
  await expect(row(page, 4).locator("[data-timing-mark]")).toHaveText("⚠ no end");
  await expect(row(page, 6).locator("[data-timing-mark]")).toHaveAttribute("data-timing-mark", "end-before-start");
  await expect(row(page, 7).locator("[data-timing-mark]")).toHaveAttribute("data-timing-mark", "skewed");
  await expect(page.locator("[data-timing-mark=running]")).toHaveCount(0);
  await expect(page.locator(".animate-pulse[data-bar]")).toHaveCount(0);
  // The timeline keeps the run's scale: the flow's bar spans it, the zero-start span has none, the open one fades.
  await expect(row(page, 3).locator("[data-bar]")).toHaveCount(0);
  await expect(row(page, 4).locator("[data-bar]")).toHaveAttribute("data-bar", "open");
  const flowBar = await row(page, 0).locator("[data-bar]").boundingBox();
  expect(flowBar!.width).toBeGreaterThan(150);
  await expect(page.getByTestId("timeline-axis")).toContainText("1m 00s");

  // Details: both times with microseconds and the zone, and the mark's explanation.
  await row(page, 4).click();
  await expect(page.getByTestId("span-started")).toHaveText("2026-03-02 10:00:12.000000 UTC");
  await expect(page.getByTestId("span-finished")).toHaveText("no end recorded");
  await expect(page.getByTestId("timing-explain")).toContainText("No end recorded");
  await row(page, 3).click();
  await expect(page.getByTestId("span-started")).toContainText("0001-01-01 00:00:00.000000 UTC");
  await expect(page.getByTestId("span-finished")).toHaveText("2026-03-02 10:00:11.000000 UTC");

  // The cost tab leaves them out of averages and says so.
  await page.getByRole("tab", { name: "Cost and time" }).click();
  await expect(page.getByTestId("untimed-calls")).toContainText("3 calls without valid times");
  await expect(page.getByTestId("summary-tool").locator("[data-untimed]")).toHaveCount(3);
});

test("an imported run whose flow never finished is incomplete, not live", async ({ page, request }) => {
  const job = await importFile(request, "unfinished.json", JSON.stringify(unfinishedCase("e2e-unfinished")));
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("job-status")).toHaveText("incomplete");
  await expect(page.getByTestId("incomplete")).toBeVisible();
  await expect(page.getByTestId("live")).toHaveCount(0);
  await expect(row(page, 2).locator("[data-timing-mark]")).toHaveText("⚠ no end");
  await expect(page.getByText("running", { exact: true })).toHaveCount(0);
});

test("terminal output is rendered with colour, raw codes one toggle away; hidden characters in names are spelled out", async ({
  page,
  request,
}) => {
  const job = await importFile(request, "text.json", JSON.stringify(textCase("e2e-text")));
  await page.goto(`/jobs/${job.id}#span-2`);
  const fields = page.getByTestId("span-fields-2");
  const output = fields.locator('[data-block="Results.Output"]');
  await expect(output.locator("[data-text-block=terminal] pre")).toContainText("error: implicit declaration");
  await expect(output.locator("pre")).toContainText("progress 100%");
  await expect(output.locator("pre")).not.toContainText("progress 10%");
  await expect(output.locator("pre")).not.toContainText("[1;31m");
  // colour, from the SGR codes
  await expect(output.locator('pre span[style*="color"]', { hasText: "error:" }).first()).toBeVisible();
  await output.getByTestId("raw-toggle").click();
  await expect(output.locator("pre")).toContainText("␛[1;31merror:␛[0m");
  await expect(output.locator("pre")).toContainText("progress 10%␍␍progress 100%␛[K");
  await expect(fields.getByTestId("span-error")).toContainText("build failed: exit status 2");
  await expect(fields.getByTestId("span-error")).not.toContainText("[31m");

  // The bidi override in a name and a key is shown, not obeyed.
  await expect(row(page, 3)).toContainText("grepper-⟨U+202E⟩gnp.exe");
  await row(page, 3).click();
  await expect(page.getByTestId("span-fields-3").locator("h2")).toHaveText("grepper-⟨U+202E⟩gnp.exe");
  await expect(page.getByTestId("span-fields-3").locator('[data-json="Args"]')).toContainText('"⟨U+202E⟩key": "value"');
  // Search by what is shown finds it.
  await page.getByTestId("search").fill("U+202E");
  await expect(page.getByTestId("match-count")).toHaveText("1 match");

  // Prose lays itself out in its own direction.
  await row(page, 1).click();
  await expect(page.getByTestId("span-fields-1").locator('[data-field="Prompt"] pre')).toHaveAttribute("dir", "auto");
});

test("deep rows keep their columns: indentation stops at 12 levels, a badge and a breadcrumb say the depth", async ({ page, request }) => {
  const job = await importFile(request, "deep.json", JSON.stringify(deepCase("e2e-deep", 40)));
  await page.goto(`/jobs/${job.id}#span-40`);
  await expect(row(page, 40)).toHaveAttribute("aria-selected", "true");
  await expect(row(page, 40).locator("[data-depth-badge]")).toHaveText("+31");
  // The name column starts at the same place for every row past the cap, and stays in view.
  const x = async (seq: number) => (await row(page, seq).locator("bdi").first().boundingBox())!.x;
  expect(await x(40)).toBe(await x(15));
  expect(await x(40)).toBe(await x(12));
  const tree = (await page.getByTestId("tree").boundingBox())!;
  expect(await x(40)).toBeLessThan(tree.x + tree.width / 2);
  await expect(row(page, 40).locator("[data-duration]")).toBeVisible();
  await expect(row(page, 40).locator("[data-timeline-bar]")).toBeInViewport();
  const crumbs = page.getByTestId("breadcrumb");
  await expect(crumbs).toHaveAttribute("data-depth", "40");
  await expect(crumbs).toContainText("levels");
  await crumbs.getByTestId("breadcrumb-more").click();
  await crumbs.getByRole("button", { name: "level-20" }).click();
  await expect(row(page, 20)).toHaveAttribute("aria-selected", "true");
});

test("Copy copies the whole value, fetching what the page shows cut", async ({ page, request, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  const job = await importFile(request, "payload.json", payloadCase("e2e-copy"));
  await page.goto(`/jobs/${job.id}#span-2`);
  const fields = page.getByTestId("span-fields-2");
  await expect(fields.getByTestId("truncated")).toContainText("300,000 characters");
  await expect(fields.locator('[data-cut="Results.Contents"]')).toHaveText("text, first 200,000 of 300,000 characters ↓");
  const copy = fields.locator('[data-field="Results"] button[data-copy]');
  await expect(copy).toHaveAttribute("data-copy", "whole");
  await copy.click();
  await expect(copy).toContainText("Copied");
  const text = await page.evaluate(() => navigator.clipboard.readText());
  expect(text.length).toBeGreaterThan(LONG_LENGTH);
  expect(text).toContain("TAIL-MARKER");
  expect(JSON.parse(text).Contents).toHaveLength(LONG_LENGTH);
  // A value shown whole is copied as shown, in the order shown.
  await row(page, 1).click();
  const args = page.getByTestId("span-fields-1").locator('[data-field="Args"] button[data-copy]');
  await expect(args).toHaveAttribute("data-copy", "shown");
  await args.click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const shown = await page.getByTestId("span-fields-1").locator('[data-json="Args"]').innerText();
  expect(copied.replace(/\s/g, "")).toBe(shown.replace(/\s/g, ""));
  // Every digit of the big integer, once spans keep their Args as the agent's text (a json column; jsonb before the
  // storage change holds what the write path parsed, already rounded).
  const column = await withDb(
    async (c) =>
      (await c.query("SELECT data_type FROM information_schema.columns WHERE table_name = 'spans' AND column_name = 'args'")).rows[0]
        .data_type as string,
  );
  if (column === "json") expect(copied).toContain("123456789012345678901");
});

test("compare: a CRLF patch and its LF twin differ only in line endings, said so, and nothing overflows the page", async ({
  page,
  request,
}) => {
  const a = await importFile(request, "crlf.json", JSON.stringify(patchCase("e2e-crlf", "\r\n")));
  const b = await importFile(request, "lf.json", JSON.stringify(patchCase("e2e-crlf", "\n")));
  await page.goto(`/compare?a=${a.id}&b=${b.id}`);
  const changed = page.locator('[data-testid="compare-steps"] tbody[data-status="changed"]');
  await expect(changed).toHaveCount(1);
  await expect(changed).toHaveAttribute("data-diff-kind", "line-endings");
  await expect(changed.getByTestId("diff-summary")).toHaveText(
    "payload differs only in line endings (line endings differ: A uses CRLF, B uses LF)",
  );
  await changed.locator("summary").click();
  const diff = changed.getByTestId("step-diff");
  // line by line, each line once per side, the CR made visible
  await expect(diff).toContainText("-     │ +\tif (size > DEMO_MAX)␍");
  await expect(diff).toContainText("+     │ +\tif (size > DEMO_MAX)");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page).toHaveTitle(/^Compare/);
});

test("the run page's title names the run, and the favicon is there", async ({ page, request }) => {
  const job = await importFile(request, "title.json", JSON.stringify(timingCase("e2e-title")));
  const missing: string[] = [];
  page.on("response", (r) => {
    if (r.status() === 404) missing.push(r.url());
  });
  await page.goto(`/jobs/${job.id}`);
  await expect(page).toHaveTitle(`patch-triage · ${job.id.slice(0, 8)}`);
  expect((await request.get("/favicon.ico")).status()).toBe(200);
  expect(missing).toEqual([]);
});

test("a long unbroken error, span name and result wrap inside their boxes: the run page and Compare never scroll sideways", async ({
  page,
  request,
}) => {
  const unbroken = (what: string) => `${what}:${"é0x7fA".repeat(20_000)}`;
  const t = (s: number) => `2026-07-02T10:00:0${s}Z`;
  const failed = (tag: string) =>
    JSON.stringify([
      { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: t(0), Finished: t(5), Error: unbroken(`error-${tag}`) },
      {
        Seq: 1,
        Nesting: 1,
        Type: "action",
        Name: `name:${"x".repeat(990)}`,
        Started: t(1),
        Finished: t(2),
        Results: { Out: unbroken("out") },
      },
    ]);
  const a = await importFile(request, "unbroken-a.json", failed("a"));
  const b = await importFile(request, "unbroken-b.json", failed("b"));
  const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.goto(`/jobs/${a.id}`);
  await expect(page.getByTestId("run-error")).toContainText("error-a:");
  expect(await sideways()).toBeLessThanOrEqual(0);
  await page.locator('[data-span-row="1"]').click();
  await expect(page.getByText("out:é0x7fA", { exact: false }).first()).toBeVisible();
  expect(await sideways()).toBeLessThanOrEqual(0);
  await page.goto(`/compare?a=${a.id}&b=${b.id}`);
  await expect(page.getByText("error-b:", { exact: false }).first()).toBeVisible();
  expect(await sideways()).toBeLessThanOrEqual(0);
});
