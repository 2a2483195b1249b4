// The cases of ../shared/cases (inputs that break trace viewers), imported over HTTP and read in Chromium, each page
// screenshot into test-results/cases/. Defined only where the shared folder is checked out beside the repo (CI has it);
// e2e/fidelity.spec.ts covers the same kinds with generated inputs everywhere.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { importFile } from "./helpers";
import { withDb } from "./db";

const CASES = path.resolve(import.meta.dirname, "../../shared/cases");
const row = (page: Page, seq: number) => page.locator(`[data-span-row="${seq}"]`);
const load = (name: string) => readFileSync(path.join(CASES, `${name}.trajectory.json`), "utf8");
const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/cases/${name}.png`, fullPage: true });

if (existsSync(CASES)) {
  test.describe("shared cases", () => {
    test("04 zero start time: 1m 00s, the span marked, tools not 100 % of the time", async ({ page, request }) => {
      const job = await importFile(request, "04.json", load("04-zero-start-time"));
      await page.goto(`/jobs/${job.id}`);
      await expect(page.getByTestId("run-duration")).toHaveText("1m 00s");
      await expect(row(page, 4).locator("[data-timing-mark]")).toHaveAttribute("data-timing-mark", "no-start");
      await expect(page.getByTestId("timeline-axis")).toContainText("1m 00s");
      await shot(page, "04-zero-start-time");
      await page.getByRole("tab", { name: "Cost and time" }).click();
      await expect(page.getByTestId("time-split")).toContainText("tools 7%");
      await shot(page, "04-zero-start-time-cost");
    });

    test("07 missing finished: no end recorded, never running", async ({ page, request }) => {
      const job = await importFile(request, "07.json", load("07-missing-finished"));
      await page.goto(`/jobs/${job.id}#span-5`);
      for (const seq of [4, 5]) await expect(row(page, seq).locator("[data-timing-mark]")).toHaveText("⚠ no end");
      await expect(page.locator("[data-timing-mark=running]")).toHaveCount(0);
      await expect(page.getByTestId("span-finished")).toHaveText("no end recorded");
      await shot(page, "07-missing-finished");
      await page.getByRole("tab", { name: "Cost and time" }).click();
      // patch-evaluator: 2 calls, one timed (6.00s): the average is 6.00s, not 3.00s
      await expect(page.getByTestId("summary-agent")).toContainText("6.00s");
      await expect(page.getByTestId("summary-agent")).not.toContainText("3.00s");
    });

    test("09 ANSI escape codes: coloured, no codes shown", async ({ page, request }) => {
      const job = await importFile(request, "09.json", load("09-ansi-escape-codes"));
      await page.goto(`/jobs/${job.id}#span-4`);
      const fields = page.getByTestId("span-fields-4");
      await expect(fields.locator('[data-text-block="terminal"]').first()).toBeVisible();
      await expect(fields).toContainText("progress 100%");
      await expect(fields).not.toContainText("[1;31m");
      await expect(fields).not.toContainText("[K");
      await shot(page, "09-ansi-escape-codes");
    });

    test("11 search in a deep span: the needle inside a tool's Results", async ({ page, request }) => {
      const job = await importFile(request, "11.json", load("11-search-deep-span"));
      await page.goto(`/jobs/${job.id}`);
      await page.getByTestId("search").fill("xq7_needle_Zebra");
      await expect(page.getByTestId("match-count")).toHaveText("1 match");
      await page.getByTestId("search").press("Enter");
      await expect(row(page, 2901)).toHaveAttribute("aria-selected", "true");
      await shot(page, "11-search-deep-span");
    });

    test("12 long single line: Copy takes all of it", async ({ page, request, context, baseURL }) => {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
      const job = await importFile(request, "12.json", load("12-long-single-line"));
      await page.goto(`/jobs/${job.id}#span-2`);
      const field = page.getByTestId("span-fields-2").locator('[data-field="Reply"]');
      await field.locator("button[data-copy=whole]").click();
      await expect(field.locator("button[data-copy]")).toContainText("Copied");
      const text = await page.evaluate(() => navigator.clipboard.readText());
      const reply = (JSON.parse(load("12-long-single-line")) as { Reply?: string }[])[2]!.Reply!;
      expect(reply.length).toBeGreaterThan(200_000);
      expect(text).toBe(reply);
      await shot(page, "12-long-single-line");
    });

    test("13 CRLF patch against its LF twin: only the line endings differ", async ({ page, request }) => {
      const a = await importFile(request, "13.json", load("13-crlf-patch"));
      const b = await importFile(request, "13b.json", load("13b-crlf-patch-lf-twin"));
      await page.goto(`/compare?a=${a.id}&b=${b.id}`);
      await expect(page.getByTestId("diff-summary")).toHaveText(
        "payload differs only in line endings (line endings differ: A uses CRLF, B uses LF)",
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await page.locator('[data-testid="compare-steps"] summary').click();
      await shot(page, "13-crlf-compare");
      await page.goto(`/jobs/${a.id}#span-1`);
      await expect(page.getByTestId("span-fields-1").getByTestId("diff")).toBeVisible();
      await shot(page, "13-crlf-patch");
    });

    test("18 JSON key order: the keys as stored, in that order", async ({ page, request }) => {
      const job = await importFile(request, "18.json", load("18-json-key-order"));
      await page.goto(`/jobs/${job.id}#span-4`);
      const stored = await withDb(
        async (c) => (await c.query("SELECT args::text AS a FROM spans WHERE job_id = $1 AND seq = 4", [job.id])).rows[0].a as string,
      );
      const shown = await page.getByTestId("span-fields-4").locator('[data-json="Args"]').innerText();
      const keys = (t: string) => [...t.matchAll(/"([^"]+)":/g)].map((m) => m[1]);
      expect(keys(shown)).toEqual(keys(stored));
      await shot(page, "18-json-key-order");
    });

    test("02 deep nesting 5000: the deepest row keeps its columns, with its depth and path", async ({ page, request }) => {
      test.setTimeout(120_000);
      const job = await importFile(request, "02.json", load("02-deep-nesting-5000"));
      await page.goto(`/jobs/${job.id}#span-4999`);
      await expect(row(page, 4999)).toHaveAttribute("aria-selected", "true");
      await expect(row(page, 4999).locator("[data-depth-badge]")).toHaveText("+4990");
      await expect(page.getByTestId("breadcrumb")).toHaveAttribute("data-depth", "4999");
      await expect(page.getByTestId("span-fields-4999")).toContainText("DEEPEST-LEAF-MARKER");
      const x = async (seq: number) => (await row(page, seq).locator("bdi").first().boundingBox())!.x;
      expect(await x(4999)).toBe(await x(4990));
      await expect(row(page, 4999).locator("[data-duration]")).toBeInViewport();
      await shot(page, "02-deep-nesting-5000");
    });
  });
}
