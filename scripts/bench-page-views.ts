// bench:page's second part: the viewer's two ways of reading a run, the tree and the conversation (?view=conversation),
// each measured in a fresh browser context: first content, interactive, the page's HTML, the JS heap and the DOM's
// size, and a permalink's jump to the last span.
import type { Browser } from "@playwright/test";

/** A step that takes longer than this is reported as "> N s" instead of holding the bench up. */
export const STEP_TIMEOUT = 60_000;

/** Wall time of a step in ms, or Infinity when it failed or timed out. */
export async function timed<T>(step: () => Promise<T>): Promise<number> {
  const t = Date.now();
  try {
    await step();
    return Date.now() - t;
  } catch {
    return Infinity;
  }
}

/** One way of reading a run in the viewer, measured from navigation start in a fresh browser context. */
export interface ViewFigures {
  /** the view's first rows or blocks are on screen (the tree's come with the HTML) */
  firstMs: number;
  /** a click is answered: the tree's first row selected, the conversation's first agent opened */
  interactiveMs: number;
  /** the run page's document, decoded (the HTML, with the rows rendered on the server) */
  htmlBytes: number;
  /** JS heap in use once the page is idle, after a garbage collection */
  heapBytes: number;
  /** elements in the page once idle: what the view draws */
  domNodes: number;
  /** a permalink to the last span, until that span is selected and on screen (a second reader: outline cached) */
  jumpMs: number;
}

const VIEWS = {
  tree: {
    query: "",
    first: '[data-span-row="0"]',
    click: '[data-span-row="0"]',
    answered: '[data-span-row="0"][aria-selected="true"]',
    target: (seq: number) => `[data-span-row="${seq}"][aria-selected="true"]`,
  },
  conversation: {
    query: "?view=conversation",
    first: '[data-testid="conversation"] :is([data-conv-span], [data-conv-agent])',
    click: '[data-testid="conversation"] [data-testid^="conv-agent-"]',
    answered: '[data-testid="conversation"] [data-testid^="conv-agent-"][aria-expanded="true"]',
    target: (seq: number) => `#conv-span-${seq}[aria-current="true"]`,
  },
} as const;

export async function measureView(browser: Browser, url: string, view: keyof typeof VIEWS, lastSeq: number): Promise<ViewFigures> {
  const v = VIEWS[view];
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  const start = Date.now();
  await page.goto(`${url}${v.query}`, { waitUntil: "commit", timeout: STEP_TIMEOUT });
  const firstMs = await page
    .locator(v.first)
    .first()
    .waitFor({ timeout: STEP_TIMEOUT })
    .then(
      () => Date.now() - start,
      () => Infinity,
    );
  const interactiveMs = await timed(async () => {
    const target = page.locator(v.click).first();
    // Before hydration a click does nothing: click again until the page answers.
    for (;;) {
      await target.click({ timeout: STEP_TIMEOUT });
      if (
        await page
          .locator(v.answered)
          .first()
          .waitFor({ timeout: 500 })
          .then(
            () => true,
            () => false,
          )
      )
        return;
    }
  }).then((ms) => (ms === Infinity ? ms : Date.now() - start));
  await page.waitForLoadState("networkidle", { timeout: STEP_TIMEOUT }).catch(() => {});
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  const { htmlBytes, domNodes } = await page.evaluate(() => ({
    htmlBytes: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).decodedBodySize,
    domNodes: document.getElementsByTagName("*").length,
  }));
  await ctx.close();
  const ctx2 = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page2 = await ctx2.newPage();
  const jumpMs = await timed(async () => {
    await page2.goto(`${url}${v.query}#span-${lastSeq}`, { waitUntil: "commit", timeout: STEP_TIMEOUT });
    await page2.waitForFunction(
      (sel) => {
        const el = document.querySelector(sel);
        const r = el?.getBoundingClientRect();
        return !!r && r.height > 0 && r.top >= 0 && r.top < window.innerHeight;
      },
      v.target(lastSeq),
      { polling: "raf", timeout: STEP_TIMEOUT },
    );
  });
  await ctx2.close();
  return { firstMs, interactiveMs, htmlBytes, heapBytes: usedSize, domNodes, jumpMs };
}
