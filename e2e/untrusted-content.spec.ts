// Hostile text in every field of a run, opened in every view: nothing runs, nothing becomes markup, all shows as text; and the security headers.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { confirmRerunIfAsked, importFile } from "./helpers";
import { hostile, hostileObject, hostileRun, JS_URL, markdown, SHORT, TAG } from "./hostile-run";
import { expectInert, watch } from "./inert";
// What the tree, the cost tab and Compare show of a longer name: its head, marked (outlineHead).
import { outlineHead } from "@/lib/trajectory/outline";

async function importRun(request: APIRequestContext, side: "A" | "B") {
  return importFile(request, `hostile-${side}.json`, hostileRun(side));
}

const row = (page: Page, seq: number) => page.locator(`[data-span-row="${seq}"]`);

test("every field of two hostile runs, in every view, is shown as text and runs nothing", async ({ page, context, request, baseURL }) => {
  test.setTimeout(180_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  const a = await importRun(request, "A");
  const b = await importRun(request, "B");
  const { problems } = watch(page);

  // History: the search finds both, the hostile workflow, description, error and chips are text.
  await page.goto(`/?q=${TAG}`);
  await expect(page.getByTestId("history-row")).toHaveCount(2);
  const table = page.getByTestId("history-table");
  await expect(table.getByTestId("run-link").first()).toContainText(hostile("Description"));
  await expect(table.getByTestId("error-summary")).toContainText(hostile("job Error"));
  await expect(table.locator('[data-chip="workflow"]', { hasText: SHORT })).toHaveCount(1);
  await expectInert(page, "history");
  // Filtering by the hostile workflow chip: the value travels through the URL and the filter bar as text.
  await table.locator('[data-chip="workflow"]', { hasText: SHORT }).click();
  await expect(page).toHaveURL(/workflow=/);
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  await expect(page.locator('[data-filter="workflow"]')).toContainText(SHORT);
  await expectInert(page, "history filtered by workflow");
  // Model and agent chips carry hostile values too.
  const chips = page.locator('[data-chip="model"], [data-chip="agent"], [data-chip="worker"]');
  expect(await chips.count()).toBeGreaterThan(0);
  await chips.first().click();
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  await expectInert(page, "history filtered by a chip");

  for (const [job, side] of [
    [a, "A"],
    [b, "B"],
  ] as const) {
    await page.goto(`/jobs/${job.id}`);
    const header = page.locator("main");
    await expect(header).toContainText(`${TAG} ${side} ${hostile("Description")}`);
    // The javascript: link stays text, never an anchor.
    await expect(page.getByText(JS_URL, { exact: true }).first()).toBeVisible();
    await expect(page.getByTestId("inputs")).toContainText(hostile("job Args"));
    const verdict = page.getByTestId("verdict");
    if (side === "A") {
      await expect(verdict).toContainText(hostile("Reasoning A"));
      await expect(verdict).toContainText(hostile("KMSANReasoning A"));
      await expect(verdict).toContainText(hostile("FocusSymbols"));
      await expect(verdict).toContainText(`CONFIG_${hostile("EnableConfigs")}`);
      await expect(verdict).toContainText(`CONFIG_${SHORT}`);
    } else {
      await expect(verdict).toContainText(hostile("job Error"));
    }
    await expectInert(page, `run ${side}: header, verdict, inputs`);

    // The tree, all open; every row's name (and the odd type) as text.
    await page.getByRole("button", { name: "Expand all" }).click();
    await expect(page.locator("[data-trajectory] [data-span-row]")).toHaveCount(6);
    // A name past the outline's display head shows its head, marked; the details pane below shows the whole.
    await expect(row(page, 4)).toContainText(outlineHead(hostile("tool Name")));

    // The timeline tooltip of each span names it as text.
    for (const seq of [0, 2, 4, 5]) {
      await row(page, seq).locator("[data-timeline-bar] > div").hover();
      await expect(page.getByTestId("timeline-tooltip")).toContainText("Name <script>window.__pwned=1</script>");
    }
    await expectInert(page, `run ${side}: tree and timeline`);

    // Each span's details: JSON with hostile keys and folded strings, diffs, texts, thoughts.
    const shown: string[][] = [
      ["flow Name", "flow Args value", "flow Args list"],
      ["action Name", "action Args value"],
      ["agent Name", "agent Error"],
      ["llm Name", "llm Error", "llm Model"],
      ["tool Name", "tool Error", "tool Args value", `tool Results ${side} value`],
      ["odd Name", `odd Results ${side}`, "odd Args value"],
    ];
    for (let seq = 0; seq <= 5; seq++) {
      await row(page, seq).click();
      const fields = page.getByTestId(`span-fields-${seq}`);
      for (const f of shown[seq]!) await expect(fields).toContainText(hostile(f));
      // a hostile key stays a JSON string
      if (seq !== 2 && seq !== 3) await expect(fields).toContainText('"<script>window.__pwned=1</script>": "javascript:window.__pwned=1"');
      // wait for shiki, so what is checked is its coloured output, not the plain fallback
      if (seq !== 2 && seq !== 3) await expect(fields.locator("[data-json] span[style*='--shiki-light']").first()).toBeVisible();
      await expectInert(page, `run ${side}: span ${seq}`);
    }

    // The patch as a diff, file name and lines as text; then its raw text.
    await row(page, 1).click();
    const diff = page.getByTestId("span-fields-1").getByTestId("diff").first();
    await expect(diff.locator('[data-diff-line="add"]')).toContainText(
      `<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe> ${JS_URL}`,
    );
    await expect(diff.locator('[data-diff-line="del"]')).toContainText("<script>window.__pwned=1</script>");
    await expect(diff).toContainText("<img src=x onerror=alert(1)>.c");
    await diff.getByRole("button", { name: "Raw text" }).click();
    await expect(diff.getByTestId("diff-raw")).toContainText("+++ b/<img src=x onerror=alert(1)>.c");
    await expectInert(page, `run ${side}: diff`);

    // The agent's texts, and Copy copies the text exactly as it was.
    await row(page, 2).click();
    const agent = page.getByTestId("span-fields-2");
    for (const f of ["Instruction", "Prompt", "Reply", "agent Error", "agent Model"]) await expect(agent).toContainText(hostile(f));
    await agent.locator('[data-field="Prompt"]').getByRole("button", { name: "Copy" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(hostile("Prompt"));

    // Thoughts as markdown: bold works, raw HTML and SVG are text, no link but the web ones.
    await row(page, 3).click();
    const thoughts = page.getByTestId("span-fields-3").locator('[data-field="Thoughts"]');
    const md = thoughts.locator("[data-markdown]");
    await expect(md.locator("strong")).toHaveText(`bold Thoughts ${side}`);
    await expect(md).toContainText('<img src=x onerror="window.__pwned=1">');
    await expect(md).toContainText(`<svg onload="window.__pwned=1"><a xlink:href="${JS_URL}">`);
    await expect(md).toContainText('<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>');
    await expect(md.locator("a")).toHaveCount(0);
    await expect(md.locator("img")).toHaveCount(0);
    await expectInert(page, `run ${side}: thoughts as markdown`);
    await thoughts.getByRole("button", { name: "Raw text" }).click();
    await expect(thoughts).toContainText(`[js link](${JS_URL})`);
    await thoughts.getByRole("button", { name: "Copy" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(markdown(`Thoughts ${side}`));
    await expectInert(page, `run ${side}: thoughts as text`);

    // Cost and time: names and models in tables and charts.
    await page.getByRole("tab", { name: "Cost and time" }).click();
    const cost = page.getByTestId("cost");
    // Read from the outline: heads of names and models past its display budget, marked.
    await expect(cost.getByTestId("summary-tool")).toContainText(outlineHead(hostile("tool Name")));
    await expect(cost.getByTestId("summary-model")).toContainText(outlineHead(hostile("llm Model")));
    for (const bar of await cost.locator(".recharts-bar-rectangle").all()) await bar.hover();
    await expectInert(page, `run ${side}: cost and time`);
  }

  // Compare: both runs side by side, every differing payload opened.
  await page.goto(`/compare?a=${a.id}&b=${b.id}`);
  await expect(page.getByTestId("compare-A")).toContainText(hostile("AgentName"));
  await expect(page.getByTestId("compare-verdict")).toContainText(hostile("Reasoning A"));
  await expect(page.getByTestId("compare-verdict")).toContainText(hostile("Reasoning B"));
  await expect(page.locator("main")).toContainText(hostile("job Error"));
  await expect(page.getByTestId("compare-steps")).toContainText(outlineHead(hostile("tool Name")));
  const summaries = page.getByTestId("compare-steps").locator("summary");
  expect(await summaries.count()).toBeGreaterThan(0);
  for (const s of await summaries.all()) await s.click();
  await expect(page.getByTestId("step-diff").first()).toContainText("<script>window.__pwned=1</script>");
  await expectInert(page, "compare");

  // A cut text opened in its own tab is plain text.
  await page.goto(`/api/jobs/${a.id}/spans/4?path=${encodeURIComponent("Results.Folded")}`);
  await expect(page.locator("body")).toContainText(hostile("tool Results A folded"));
  await expectInert(page, "a span field as text");

  expect(problems).toEqual([]);
});

test("the JSON API answers hostile text as data, with nosniff and a CSP that allows nothing", async ({ request }) => {
  const job = await importRun(request, "A");
  const urls = [
    `/api/jobs?q=${TAG}`,
    `/api/jobs/${job.id}`,
    `/api/jobs/${job.id}/outline`,
    `/api/jobs/${job.id}/spans/4`,
    `/api/jobs/${job.id}/spans/4?full=1`,
    `/api/jobs/${job.id}/trajectory`,
  ];
  for (const url of urls) {
    const res = await request.get(url);
    expect(res.status(), url).toBe(200);
    const h = res.headers();
    expect(h["content-type"], url).toMatch(/^application\/json/);
    expect(h["x-content-type-options"], url).toBe("nosniff");
    expect(h["content-security-policy"], url).toContain("default-src 'none'");
    expect(h["content-security-policy"], url).toContain("frame-ancestors 'none'");
    expect(h["referrer-policy"], url).toBe("no-referrer");
    // JSON escapes nothing it need not: the payload comes back as the same string.
    expect(await res.text(), url).toContain("<script>window.__pwned=1</script>");
  }
  const text = await request.get(`/api/jobs/${job.id}/spans/4?path=${encodeURIComponent("Results.Folded")}`);
  expect(text.headers()["content-type"]).toMatch(/^text\/plain/);
  expect(text.headers()["x-content-type-options"]).toBe("nosniff");
  expect(await text.text()).toBe(hostileObject("tool Results A").Folded);
});

test("pages carry a CSP whose script nonce is fresh per answer and is on every script, and run without a violation", async ({
  page,
  request,
}) => {
  const job = await importRun(request, "A");
  const policy = async (url: string) => {
    const res = await request.get(url);
    const h = res.headers();
    for (const [k, v] of [
      ["x-content-type-options", "nosniff"],
      ["x-frame-options", "DENY"],
      ["referrer-policy", "no-referrer"],
    ])
      expect(h[k!], `${url} ${k}`).toBe(v);
    const csp = h["content-security-policy"] ?? "";
    for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'", "connect-src 'self'"])
      expect(csp, url).toContain(d);
    const script = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
    expect(script, url).toMatch(/^'self' 'nonce-[A-Za-z0-9+/]{20,}={0,2}' 'strict-dynamic'$/);
    const nonce = /'nonce-([^']+)'/.exec(script)![1]!;
    // Every script tag in the HTML carries this answer's nonce.
    const html = await res.text();
    const tags = html.match(/<script\b[^>]*>/g) ?? [];
    expect(tags.length, url).toBeGreaterThan(0);
    for (const tag of tags) expect(tag, url).toContain(`nonce="${nonce}"`);
    return nonce;
  };
  const pages = [
    "/",
    `/?q=${TAG}`,
    `/jobs/${job.id}`,
    `/compare?a=${job.id}&b=${job.id}`,
    "/compare",
    "/no-such-page",
    "/jobs/00000000-0000-4000-8000-000000000000",
  ];
  const first = await policy(pages[0]!);
  expect(await policy(pages[0]!)).not.toBe(first);
  for (const url of pages.slice(1)) await policy(url);

  const { problems } = watch(page);
  for (const url of pages) {
    await page.goto(url);
    await expect(page.locator("header nav")).toBeVisible();
    await page.waitForLoadState("networkidle");
    await expectInert(page, url);
  }
  // Hydrated under the CSP: a client-side control works (the tree's Collapse all).
  await page.goto(`/jobs/${job.id}`);
  await page.getByRole("button", { name: "Collapse all" }).click();
  await expect(page.locator("[data-trajectory] [data-span-row]")).toHaveCount(1);
  // Rerun (POST /api/jobs/<id>/rerun from the page) and the pending run's live updates (server-sent events) work under the CSP too.
  await page.getByRole("button", { name: "Rerun triage" }).click();
  await confirmRerunIfAsked(page);
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page).not.toHaveURL(new RegExp(`/jobs/${job.id}$`));
  await expect(page.getByTestId("live")).toHaveAttribute("data-connected", "true");
  await expectInert(page, "a pending rerun, live");
  expect(problems).toEqual([]);
});
