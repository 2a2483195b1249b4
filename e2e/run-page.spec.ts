// The run page at depth and at scale: permalinks, search and filters, keyboard, the patch as a diff, payloads
// fetched only when opened, the timeline, cost and time, and a 10,000-span run scrolled to its end.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { importFile } from "./helpers";
import { EXT4_SCENARIO, patchTriageRun } from "../lib/demo/patch-triage";

const row = (page: Page, seq: number) => page.locator(`[data-span-row="${seq}"]`);
const rows = (page: Page) => page.locator("[data-trajectory] [data-span-row]");
const at = (ms: number) => new Date(Date.UTC(2026, 5, 29, 12, 0, 0) + ms).toISOString();

/** flow › loop › iteration × 3 › agent › llm, tool…: deep enough for permalinks and filters. */
function deepRun(tag: string): string {
  const spans: Record<string, unknown>[] = [];
  const add = (nesting: number, Type: string, Name: string, extra: Record<string, unknown> = {}) => {
    const seq = spans.length;
    spans.push({ Seq: seq, Nesting: nesting, Type, Name, Started: at(seq * 1000), Finished: at(seq * 1000 + 900), ...extra });
  };
  add(0, "flow", "repro", { Results: { ReproFound: false } });
  add(1, "loop", "candidates");
  for (let i = 0; i < 3; i++) {
    add(2, "iteration", `candidate-${i}`);
    add(3, "agent", "repro-writer", { Model: "best-expensive", Prompt: `prompt ${tag} ${i}` });
    add(4, "llm", "repro-writer", { Model: "gemini-3.1-pro-preview", InputTokens: 900, OutputTokens: 40, Thoughts: `thinking ${i}` });
    add(4, "tool", "run-repro", {
      Args: { Program: `prog-${i}` },
      Results: { Log: `unique-${tag}-payload-${i}` },
      ...(i === 1 ? { Error: "no crash within 200s" } : {}),
    });
    add(4, "custom-check", "sanity", { Results: { Ok: true } });
  }
  return JSON.stringify(spans);
}

test("a permalink opens the path to a deep span, scrolls to it and highlights it", async ({ page, request }) => {
  const job = await importFile(request, "deep.json", deepRun("perma"));
  await page.goto(`/jobs/${job.id}`);
  await page.getByRole("button", { name: "Collapse all" }).click();
  await expect(rows(page)).toHaveCount(1);
  // seq 15 = the third candidate's run-repro (nesting 4)
  await page.goto(`/jobs/${job.id}#span-15`);
  await expect(row(page, 15)).toBeVisible();
  await expect(row(page, 15)).toHaveAttribute("aria-selected", "true");
  for (const ancestor of [0, 1, 12, 13]) await expect(row(page, ancestor)).toHaveAttribute("aria-expanded", "true");
  // the other candidates stay closed: only the path to the span was opened
  await expect(row(page, 7)).toHaveAttribute("aria-expanded", "false");
  await expect(page.getByTestId("span-fields-15")).toContainText("unique-perma-payload-2");
  await expect(row(page, 15)).toBeInViewport();
  // Selecting another span makes it the permalink.
  await row(page, 14).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${job.id}#span-14$`));
});

test("search finds names and payload text, the type filter and errors only narrow the tree", async ({ page, request }) => {
  const job = await importFile(request, "search.json", deepRun("search"));
  await page.goto(`/jobs/${job.id}`);
  await expect(rows(page)).not.toHaveCount(0);
  const search = page.getByTestId("search");
  // Text that is only in a payload: found through the server.
  await search.fill("unique-search-payload-1");
  await expect(page.getByTestId("match-count")).toHaveText("1 match");
  await expect(page.locator("[data-span-row][data-match]")).toHaveCount(1);
  await expect(row(page, 10)).toHaveAttribute("data-match", "true");
  await expect(rows(page)).toHaveCount(5); // flow, loop, iteration, agent, the tool
  await search.press("Enter");
  await expect(page.getByTestId("span-fields-10")).toContainText("no crash within 200s");

  await search.fill("");
  await page.getByTestId("type-filter").selectOption("llm");
  await expect(page.getByTestId("match-count")).toHaveText("3 matches");
  const matched = await page.locator("[data-span-row][data-match]").evaluateAll((els) => els.map((e) => e.getAttribute("data-type")));
  expect(matched).toEqual(["llm", "llm", "llm"]);
  // unknown types are filterable too
  await page.getByTestId("type-filter").selectOption("custom-check");
  await expect(page.getByTestId("match-count")).toHaveText("3 matches");

  await page.getByTestId("type-filter").selectOption("");
  await page.getByTestId("errors-only").check();
  await expect(page.getByTestId("match-count")).toHaveText("1 match");
  await expect(page.locator("[data-span-row][data-match]")).toHaveAttribute("data-span-row", "10");
  await expect(row(page, 10).locator("[data-error-mark]")).toBeVisible();
});

test("the keyboard moves, opens and closes, expands all and searches, with a visible focus", async ({ page, request }) => {
  const job = await importFile(request, "keys.json", deepRun("keys"));
  await page.goto(`/jobs/${job.id}`);
  await expect(rows(page).first()).toBeVisible();
  await page.keyboard.press("j");
  await expect(row(page, 0)).toHaveAttribute("aria-selected", "true");
  // Roving focus: the selected treeitem itself holds the focus.
  await expect(row(page, 0)).toBeFocused();
  const outline = await row(page, 0).evaluate((e) => getComputedStyle(e).outlineStyle);
  expect(outline).not.toBe("none");
  await page.keyboard.press("j");
  await expect(row(page, 1)).toHaveAttribute("aria-selected", "true");
  await expect(rows(page)).toHaveCount(17);
  await page.keyboard.press("Enter");
  await expect(row(page, 1)).toHaveAttribute("aria-expanded", "false");
  await expect(rows(page)).toHaveCount(2);
  await page.keyboard.press("ArrowRight");
  await expect(row(page, 1)).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("k");
  await expect(row(page, 0)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Shift+E");
  await expect(rows(page)).toHaveCount(1);
  await page.keyboard.press("e");
  await expect(rows(page)).toHaveCount(17);
  await page.keyboard.press("End");
  await expect(row(page, 16)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowLeft");
  await expect(row(page, 13)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("/");
  await expect(page.getByTestId("search")).toBeFocused();
});

/** A `git show HEAD` as read-patch-diff records it: a commit header, then one file's hunk of 6 removed and 12 added lines. */
const PATCH = [
  "commit 051a7afe10013671b75b6c4c07898788a67f662e",
  "Author: A Developer <dev@example.org>",
  "Date:   Mon Jun 29 12:00:00 2026 +0000",
  "",
  "    ext4: check the write range before DAX writes",
  "",
  "diff --git a/fs/ext4/file.c b/fs/ext4/file.c",
  "index 1111111..2222222 100644",
  "--- a/fs/ext4/file.c",
  "+++ b/fs/ext4/file.c",
  "@@ -213,8 +213,14 @@ static ssize_t ext4_dio_write_checks(struct kiocb *iocb, struct iov_iter *from)",
  " {",
  " \tstruct inode *inode = file_inode(iocb->ki_filp);",
  ...Array.from({ length: 6 }, (_, i) => `-\told_check_${i}(inode);`),
  ...Array.from({ length: 12 }, (_, i) => `+\tif (new_check_${i}(inode, iocb->ki_pos) < 0)`),
  "",
].join("\n");

test("the patch of read-patch-diff is shown as a diff, highlighted, with a raw-text toggle", async ({ page, request }) => {
  const run = patchTriageRun({
    seed: 7,
    start: new Date("2026-06-29T12:00:00Z"),
    description: "diff view",
    ...EXT4_SCENARIO,
    steps: 2,
    patchDiff: PATCH,
  });
  const job = await importFile(request, "diff-view.json", JSON.stringify(run.spans));
  await page.goto(`/jobs/${job.id}#span-1`);
  const fields = page.getByTestId("span-fields-1");
  const diff = fields.getByTestId("diff");
  await expect(diff.locator("[data-diff-header]")).toContainText("051a7afe10013671b75b6c4c07898788a67f662e");
  await expect(diff.locator('[data-diff-file="fs/ext4/file.c"]')).toBeVisible();
  await expect(diff.locator('[data-diff-line="add"]')).toHaveCount(12);
  await expect(diff.locator('[data-diff-line="del"]')).toHaveCount(6);
  await expect(diff.locator('[data-diff-line="add"]').first()).not.toHaveCSS("background-color", "rgba(0, 0, 0, 0)");
  // C highlighting from shiki: coloured tokens inside the code cells
  await expect(diff.locator('[data-diff-line] td span[style*="--shiki-light"]').first()).toBeVisible();
  await diff.getByRole("button", { name: "Raw text" }).click();
  await expect(diff.getByTestId("diff-raw")).toContainText("@@ -213,8 +213,14 @@");
});

test("a run copied from the dashboard's page has minute-precision times, and says so", async ({ page, request }) => {
  const copy = readFileSync(path.join(import.meta.dirname, "../tests/fixtures/import/page-copy-tricky.txt"), "utf8");
  const job = await importFile(request, "page-copy-tricky.txt", copy);
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByText("minute-precision times")).toBeVisible();
});

test("the page loads the outline without payloads and fetches a span's payload only when it is opened", async ({ page, request }) => {
  const job = await importFile(request, "lazy.json", deepRun("lazy"));
  const urls: string[] = [];
  page.on("request", (r) => urls.push(new URL(r.url()).pathname));
  const outline = page.waitForResponse((r) => r.url().includes(`/api/jobs/${job.id}/outline`));
  await page.goto(`/jobs/${job.id}`);
  const body = await (await outline).text();
  expect(body).not.toContain("unique-lazy-payload");
  await expect(rows(page).first()).toBeVisible();
  await expect(page.getByText("unique-lazy-payload-0")).toHaveCount(0);
  expect(urls.filter((u) => u.includes("/spans/"))).toEqual([]);
  await row(page, 5).click();
  await expect(page.getByTestId("span-fields-5")).toContainText("unique-lazy-payload-0");
  expect(urls.filter((u) => u.includes("/spans/"))).toEqual([`/api/jobs/${job.id}/spans/5`]);
});

test("the timeline shows a span's name, start and duration on hover, and a click selects it", async ({ page, request }) => {
  const job = await importFile(request, "timeline.json", deepRun("timeline"));
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("timeline-axis")).toBeVisible();
  const bar = row(page, 4).locator("[data-timeline-bar] > div");
  await bar.hover();
  const tip = page.getByTestId("timeline-tooltip");
  await expect(tip).toContainText("repro-writer");
  await expect(tip).toContainText("starts at +4.00s");
  await expect(tip).toContainText("takes 900ms");
  await bar.click();
  await expect(row(page, 4)).toHaveAttribute("aria-selected", "true");
});

test("cost and time: totals, tables per agent, model and tool, and the two charts", async ({ page, request }) => {
  const job = await importFile(request, "cost.json", deepRun("cost"));
  await page.goto(`/jobs/${job.id}`);
  await page.getByRole("tab", { name: "Cost and time" }).click();
  const cost = page.getByTestId("cost");
  await expect(cost.getByTestId("totals")).toContainText("2,700"); // input tokens
  await expect(cost.getByTestId("summary-agent")).toContainText("repro-writer");
  await expect(cost.getByTestId("summary-model")).toContainText("gemini-3.1-pro-preview");
  await expect(cost.getByTestId("summary-tool")).toContainText("run-repro");
  await expect(cost.getByTestId("time-split")).toContainText("LLM 50%");
  await expect(cost.getByTestId("chart-seconds").locator(".recharts-bar-rectangle")).toHaveCount(6); // 3 LLM and 3 tool steps
  await expect(cost.getByTestId("chart-tokens").locator(".recharts-bar-rectangle")).toHaveCount(3);
});

test("a 10,000-span run opens and scrolls to its end, keeping only the rows on screen in the page", async ({ page, request }) => {
  test.setTimeout(120_000);
  const spans: Record<string, unknown>[] = [{ Seq: 0, Nesting: 0, Type: "flow", Name: "big", Started: at(0), Finished: at(10_000_000) }];
  spans.push({ Seq: 1, Nesting: 1, Type: "agent", Name: "worker", Started: at(1), Finished: at(9_999_000) });
  for (let s = 2; s < 10_000; s++) {
    spans.push({
      Seq: s,
      Nesting: 2,
      Type: s % 2 ? "tool" : "llm",
      Name: s % 2 ? "grepper" : "worker",
      Started: at(s * 900),
      Finished: at(s * 900 + 800),
      Results: s % 2 ? { Out: `line ${s}` } : undefined,
    });
  }
  const job = await importFile(request, "big.json", JSON.stringify(spans));
  expect(job.spans).toBe(10_000);
  await page.goto(`/jobs/${job.id}`);
  await expect(row(page, 0)).toBeVisible();
  expect(await rows(page).count()).toBeLessThan(150);
  await row(page, 0).click();
  // The page opens on its first rows (rendered with the HTML) while the whole outline loads: End goes to the last row
  // the tree has, so it is pressed again until that is the run's last.
  await expect(async () => {
    await page.keyboard.press("End");
    await expect(row(page, 9999)).toBeInViewport({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(row(page, 9999)).toHaveAttribute("aria-selected", "true");
  expect(await rows(page).count()).toBeLessThan(150);
  await expect(page.getByTestId("span-fields-9999")).toContainText("line 9999");
});

test("search over a run of long repetitive text stops at its budget and says so; the page stays usable", async ({ page, request }) => {
  const t = (s: number) => new Date(Date.UTC(2026, 5, 29, 12, 5, s)).toISOString();
  const long = "a".repeat(300_000);
  const spans = [
    { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: t(0), Finished: t(9) },
    ...[1, 2, 3].map((Seq) => ({
      Seq,
      Nesting: 1,
      Type: "action",
      Name: "read-file",
      Started: t(Seq),
      Finished: t(Seq + 1),
      Results: { Output: long },
    })),
  ];
  const job = await importFile(request, "repetitive.json", JSON.stringify(spans));
  // LIKE's worst case ('a'×499+'b' over 'a'…): the server reads 512 KB of the run's 900 KB, then stops.
  const answer = await request.get(`/api/jobs/${job.id}/spans?q=${"a".repeat(499)}b`);
  expect(answer.status()).toBe(200);
  expect(await answer.json()).toMatchObject({ seqs: [], stopped: { bytes: 536870, atSeq: 2 } });
  await page.goto(`/jobs/${job.id}`);
  await page.getByTestId("search").fill(`${"a".repeat(499)}b`);
  await expect(page.getByTestId("search-note")).toHaveText("· search stopped at 524 KB: spans from #2 on not searched in full");
  await expect(page.getByTestId("match-count")).toContainText("0 matches");
});

test("at phone width a long span name is cut with an ellipsis, whole in its tooltip; tokens and duration stay on screen", async ({
  page,
  request,
}) => {
  const name = `patch-evaluator-with-a-long-name-${"that-goes-on-".repeat(6)}end`;
  const spans = [
    { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: at(0), Finished: at(9000) },
    { Seq: 1, Nesting: 1, Type: "agent", Name: name, Started: at(1000), Finished: at(8000) },
    {
      Seq: 2,
      Nesting: 2,
      Type: "llm",
      Name: name,
      Model: "gemini-3.1-pro-preview",
      Started: at(2000),
      Finished: at(7000),
      InputTokens: 5066,
    },
  ];
  const job = await importFile(request, "long-name.json", JSON.stringify(spans));
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/jobs/${job.id}`);
  await page.getByRole("button", { name: "Expand all" }).click();
  const llm = row(page, 2);
  await expect(llm.locator(`bdi[title="${name}"]`)).toBeVisible();
  await expect(llm.locator("[data-duration]")).toHaveText("5.00s");
  await expect(llm.locator("[data-duration]")).toBeInViewport({ ratio: 1 });
  await expect(llm.getByText("5.07k tok")).toBeInViewport({ ratio: 1 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  // The timeline would take half the phone's width from the names: from sm up only.
  await expect(page.getByTestId("timeline-axis")).toBeHidden();
  await expect(llm.locator("[data-timeline-bar]")).toBeHidden();
  const nameWidth = await llm.locator(`bdi[title="${name}"]`).evaluate((e) => e.getBoundingClientRect().width);
  // ~64 px with the timeline beside it; ~110 px without.
  expect(nameWidth).toBeGreaterThan(90);
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(page.getByTestId("timeline-axis")).toBeVisible();
});
