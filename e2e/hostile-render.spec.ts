// Issue 21, findings 2 and 8: a planted run cannot make its page huge or freeze the reader's tab. The results' lists,
// texts and fields are shown within their display budget (lib/limits.ts DISPLAY_*), and hostile markdown in Thoughts
// is shown plain past its shape budget (MARKDOWN_*), the rest of the page as usual.
import { expect, test, type Page } from "@playwright/test";
import { importFile, triageTrajectory } from "./helpers";

const at = (s: number) => new Date(Date.UTC(2026, 5, 29, 12, 5, s)).toISOString();
const row = (page: Page, seq: number) => page.locator(`[data-span-row="${seq}"]`);

/** A finished patch-triage run whose results hold 300,000 symbols, 50,000 configs, a 3 MB text and 5,000 odd fields. */
function plantedRun(tag: string): string {
  const symbols = Array.from({ length: 300_000 }, (_, i) => `sym_${i}`);
  const extra: Record<string, unknown> = {};
  for (let i = 0; i < 5_000; i++) extra[`Extra${String(i).padStart(5, "0")}`] = i;
  const results = {
    WorthFuzzing: true,
    NeedsKMSAN: false,
    FocusSymbols: symbols,
    EnableConfigs: Array.from({ length: 50_000 }, (_, i) => `CFG_${i}`),
    Reasoning: `reasoning ${tag} ` + "x".repeat(3 * 1024 * 1024),
    ...extra,
  };
  return JSON.stringify([
    {
      Seq: 0,
      Nesting: 0,
      Type: "flow",
      Name: "patch-triage",
      Started: at(0),
      Finished: at(50),
      Args: { KernelSrc: `/src/${tag}` },
      Results: results,
    },
  ]);
}

test("a run whose results hold millions of characters renders a page of a few hundred KB that says what it left out", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const tiny = await importFile(request, "tiny.json", triageTrajectory("render-tiny"));
  const planted = await importFile(request, "planted.json", plantedRun("render-planted"));

  const get = async (id: string) => {
    const t = performance.now();
    const res = await request.get(`/jobs/${id}`);
    expect(res.status()).toBe(200);
    return { html: await res.text(), ms: performance.now() - t };
  };
  await get(tiny.id); // warm the route
  const small = await get(tiny.id);
  const big = await get(planted.id);
  // Before: every element rendered (1.9M symbols: 551 MB of HTML in 384 s; these 300,000: ~90 MB).
  expect(big.html.length).toBeLessThan(3 * 1024 * 1024);
  // What was left out is said ("299,800 more items not shown"; React splits the text with comments in the HTML).
  expect(big.html).toContain('data-more="299800"');
  console.log(`page: tiny ${small.html.length} B in ${small.ms.toFixed(0)} ms, planted ${big.html.length} B in ${big.ms.toFixed(0)} ms`);

  await page.goto(`/jobs/${planted.id}`);
  const symbols = page.locator('[data-result="FocusSymbols"]');
  await expect(symbols.locator("li").first()).toHaveText("sym_0");
  await expect(symbols.locator("li")).toHaveCount(200);
  await expect(symbols.locator("[data-more]")).toContainText("299,800 more items not shown");
  await expect(symbols.getByRole("link", { name: "the whole value" })).toHaveAttribute("href", `/api/jobs/${planted.id}`);
  await expect(page.locator('[data-result="Reasoning"] [data-more]')).toContainText("more characters not shown");
  await expect(page.getByTestId("verdict")).toContainText("more fields not shown");
  // The rest of the page is there: the inputs and the trajectory.
  await expect(page.getByTestId("inputs")).toContainText("/src/render-planted");
  await expect(row(page, 0)).toBeVisible();
});

test("hostile markdown in Thoughts is shown plain, quickly, and the run page stays", async ({ page, request }) => {
  test.setTimeout(60_000);
  const llm = (seq: number, thoughts: string) => ({
    Seq: seq,
    Nesting: 1,
    Type: "llm",
    Name: "patch-evaluator",
    Model: "m",
    Started: at(seq),
    Finished: at(seq + 1),
    Thoughts: thoughts,
  });
  const job = await importFile(
    request,
    "hostile-markdown.json",
    JSON.stringify([
      { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: at(0), Finished: at(50), Results: { WorthFuzzing: true } },
      // 198K characters of unmatched emphasis (quadratic in remark: 119 s in Chromium before) and 5,001 quotes (a stack
      // overflow that took the whole page to the error page before).
      llm(1, "*a_".repeat(66_000)),
      llm(2, ">".repeat(5_001) + " deep"),
      llm(3, "**fine** thoughts"),
    ]),
  );
  await page.goto(`/jobs/${job.id}`);
  for (const seq of [1, 2]) {
    await row(page, seq).click();
    const thoughts = page.getByTestId(`span-fields-${seq}`).locator('[data-field="Thoughts"]');
    // Well within the time a tiny markdown takes several times over; the old renderer took minutes or crashed.
    await expect(thoughts.getByTestId("markdown-plain")).toBeVisible({ timeout: 10_000 });
    await expect(thoughts.locator("[data-markdown]")).toHaveCount(0);
  }
  await expect(page.getByTestId("span-fields-2").locator('[data-field="Thoughts"] pre')).toContainText("deep");
  // Text within the budget is still markdown, and the page around it is whole.
  await row(page, 3).click();
  await expect(page.getByTestId("span-fields-3").locator("[data-markdown] strong")).toHaveText("fine");
  await expect(page.getByTestId("verdict")).toBeVisible();
});
