// Screenshots of the main pages for the README and for looking at changes: `npm run screenshots -- <base url>`.
import { CHROMIUM_ARGS, chromiumPath } from "@/lib/config";
import { chromium } from "@playwright/test";
import { existsSync, mkdirSync } from "node:fs";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const out = process.argv[3] ?? "docs/screenshots";
mkdirSync(out, { recursive: true });
const executablePath = chromiumPath(existsSync);
const browser = await chromium.launch({
  executablePath,
  args: CHROMIUM_ARGS,
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(base);
await page.screenshot({ path: `${out}/history.png`, fullPage: true });
const runLinks = await page.locator('[data-testid="history-row"] a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
const target = process.argv[4] ?? runLinks.find(Boolean);
if (target) {
  await page.goto(target);
  await page.screenshot({ path: `${out}/run.png`, fullPage: false });
  await page.getByRole("button", { name: "Expand all" }).click();
  await page.screenshot({ path: `${out}/run-expanded.png`, fullPage: false });
}
await browser.close();
console.log(`screenshots in ${out}`);
