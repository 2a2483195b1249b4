// Screenshots of the app's pages for the README and docs, and for looking at changes:
//   npm run screenshots -- [base url] [folder, default test-results/screenshots] [--as <email>]   (password on stdin with --as)
// Every page at 1440×900 and 390×844, light and dark: the history (table; cards on a phone), a patch-triage run in the
// tree view, with the patch step's details, and in the conversation view, Compare of two runs, an experiment and (signed in as
// an admin) the admin page. The ones the README shows (README_SHOTS) are copied to docs/screenshots.
// Runs are picked by what they are (the row's data-job of a finished patch-triage run), never by a link's position.
import { CHROMIUM_ARGS, chromiumPath } from "@/lib/config";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { as: { type: "string" } } });
const base = positionals[0] ?? "http://127.0.0.1:3000";
const out = positionals[1] ?? "test-results/screenshots";
/** The pictures README.md shows, kept in git under docs/screenshots. */
const README_SHOTS = ["run-desktop-light", "run-conversation-desktop-dark", "history-desktop-light", "history-phone-light"];
const password = values.as ? readFileSync(0, "utf8").trim() : null;
mkdirSync(out, { recursive: true });

const SIZES = [
  { size: "desktop", width: 1440, height: 900 },
  { size: "phone", width: 390, height: 844 },
] as const;
const THEMES = ["light", "dark"] as const;
const TIMEOUT = 60_000;

/** A browser context in one theme (the "theme" cookie the server renders <html data-theme> from), signed in when asked. */
async function contextFor(browser: Browser, theme: string, width: number, height: number): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width, height }, baseURL: base });
  ctx.setDefaultTimeout(TIMEOUT);
  await ctx.addCookies([{ name: "theme", value: theme, url: base }]);
  if (values.as && password) {
    const page = await ctx.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(values.as);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("signed-in-as").waitFor();
    await page.close();
  }
  return ctx;
}

/** Ids of finished patch-triage runs, newest first, from the history's own rows (data-job), not from link positions. */
async function finishedRuns(page: Page): Promise<string[]> {
  await page.goto("/?workflow=patch-triage&status=finished");
  await page.getByTestId("history-row").first().waitFor();
  return page.getByTestId("history-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-job")!).filter(Boolean));
}

/** An experiment to show: the newest one listed, else (signed in as an operator) one started over the demo's failed runs. */
async function experimentUrl(page: Page): Promise<string | null> {
  await page.goto("/experiments");
  const link = page.locator('a[href^="/experiments/"]').first();
  if ((await link.count()) > 0) return link.getAttribute("href");
  if (!values.as) return null;
  await page.goto("/?workflow=patch-triage&status=finished");
  await page.getByRole("button", { name: "Rerun these…" }).click();
  const dialog = page.getByRole("dialog", { name: "Start an experiment" });
  await dialog.getByLabel("Name").fill("replay the finished triage runs");
  await dialog.getByRole("button", { name: /^Rerun \d+ runs?$/ }).click();
  await page.waitForURL(/\/experiments\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname;
}

/** The pointer is moved off the page first: a row left hovered by the last click would look selected. */
async function shot(page: Page, name: string, fullPage = false) {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${out}/${name}.png`, fullPage });
}

const browser = await chromium.launch({ executablePath: chromiumPath(existsSync), args: CHROMIUM_ARGS });
try {
  const first = await (await contextFor(browser, "light", 1440, 900)).newPage();
  const [run, other] = await finishedRuns(first);
  if (!run || !other) throw new Error(`${base} has fewer than two finished patch-triage runs to show (start it with its demo runs)`);
  const experiment = await experimentUrl(first);
  await first.context().close();

  for (const theme of THEMES) {
    for (const { size, width, height } of SIZES) {
      const ctx = await contextFor(browser, theme, width, height);
      const page = await ctx.newPage();
      const name = (what: string) => `${what}-${size}-${theme}`;

      await page.goto("/");
      await page
        .getByTestId(size === "phone" ? "history-card" : "history-row")
        .first()
        .waitFor();
      await shot(page, name("history"));

      // The tree beside the verdict, then the trajectory with the patch (read-patch-diff's result) as a diff.
      await page.goto(`/jobs/${run}`);
      await page.locator('[data-testid="trajectory"][data-outline="whole"]').waitFor();
      await shot(page, name("run"));
      await page.locator('[data-span-row][data-type="action"]').first().click();
      await page.getByTestId("details").locator('[data-testid^="span-fields-"]').first().waitFor();
      await page.getByText("Loading the span’s fields…").waitFor({ state: "detached" });
      await page.getByTestId("trajectory").scrollIntoViewIfNeeded();
      await shot(page, name("run-details"));

      await page.goto(`/jobs/${run}?view=conversation`);
      await page.locator("[data-conv-reply], [data-conv-prompt]").first().waitFor();
      await page.getByTestId("trajectory").scrollIntoViewIfNeeded();
      await shot(page, name("run-conversation"));

      await page.goto(`/compare?a=${run}&b=${other}`);
      await page.waitForLoadState("networkidle");
      await shot(page, name("compare"));

      if (experiment) {
        await page.goto(experiment);
        await page.waitForLoadState("networkidle");
        await shot(page, name("experiment"));
      }
      if (values.as) {
        await page.goto("/admin");
        await page.waitForLoadState("networkidle");
        await shot(page, name("admin"));
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}
mkdirSync("docs/screenshots", { recursive: true });
if (path.resolve(out) !== path.resolve("docs/screenshots")) {
  for (const name of README_SHOTS) copyFileSync(`${out}/${name}.png`, `docs/screenshots/${name}.png`);
}
console.log(`screenshots in ${out}; the README's in docs/screenshots`);
